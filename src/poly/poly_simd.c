/*
 * The polynomial kernels at the vector levels, compiled once per level
 * (runtime/simd_target.h).  Written with GCC vector extensions so one body
 * serves every width; the arithmetic is the scalar sequence of operations
 * lane by lane, hence bit-identical.  The kernels of one type are in
 * poly_simd_body.h, included here once per type.
 */
#include "runtime/simd_target.h"

#include <string.h>

#include "poly/poly.h"

#define PF_POLY_T double
#define PF_POLY_V pf_vf64
#define PF_POLY_SUFFIX f64
#define PF_POLY_STREAM PF_STREAM_F64
#include "poly/poly_simd_body.h"

#define PF_POLY_T float
#define PF_POLY_V pf_vf32
#define PF_POLY_SUFFIX f32
#define PF_POLY_STREAM PF_STREAM_F32
#include "poly/poly_simd_body.h"
