/* Portable baseline of the polynomial kernels; also the reference the SIMD
 * levels must match bit for bit.  The kernels of one type are in
 * poly_scalar_body.h, included here once per type. */
#include "poly/poly.h"
#include "runtime/simd_levels.h" /* PF_CAT */

#define PF_POLY_T float
#define PF_POLY_SUFFIX f32
#define PF_POLY_CSUFFIX c64
#include "poly/poly_scalar_body.h"

#define PF_POLY_T double
#define PF_POLY_SUFFIX f64
#define PF_POLY_CSUFFIX c128
#include "poly/poly_scalar_body.h"
