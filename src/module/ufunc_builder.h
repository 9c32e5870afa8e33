#ifndef POLYFAST_UFUNC_BUILDER_H
#define POLYFAST_UFUNC_BUILDER_H

#include "module/ufunc_spec.h"

/* A new reference to the ufunc described by `spec`, its loops bound to the
 * kernels of `level` (or the nearest lower level that has one). */
PyObject *pf_build_ufunc(const pf_ufunc_spec *spec, pf_simd_level level,
                         intptr_t stream_min_bytes);

#endif
