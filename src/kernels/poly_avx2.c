/* The polynomial kernels for CPUs with AVX2; selected at run time by
 * src/runtime/cpu_features.c, never required by the build. */
#include "kernels/poly.h"

#if defined(__x86_64__)
#pragma GCC target("avx2")
#include <immintrin.h>

#define PF_LEVEL avx2
#define PF_VBYTES 32
#define PF_STREAM_F64(p, v) _mm256_stream_pd((p), (v))
#define PF_STREAM_F32(p, v) _mm256_stream_ps((p), (v))
#include "kernels/poly_simd.h"

#else
/* Other architectures never select this level; the symbols forward to the
 * baseline so the registration table links everywhere. */
PF_KERNEL(pf_poly8_f32_avx2) { pf_poly8_f32_scalar(args, n, core_dims, steps, hints); }
PF_KERNEL(pf_poly8_f64_avx2) { pf_poly8_f64_scalar(args, n, core_dims, steps, hints); }
PF_KERNEL(pf_polyval_f32_avx2) { pf_polyval_f32_scalar(args, n, core_dims, steps, hints); }
PF_KERNEL(pf_polyval_f64_avx2) { pf_polyval_f64_scalar(args, n, core_dims, steps, hints); }
#endif
