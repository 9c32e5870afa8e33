/* norm_pdf loops: glibc's exp dominates the cost, so there is no SIMD level;
 * the contiguous path only spares the stride arithmetic.  The kernel of one
 * type is in norm_pdf_scalar_body.h, included here once per type. */
#include "norm_pdf/norm_pdf.h"
#include "runtime/simd_levels.h" /* PF_CAT */

#define PF_NORM_PDF_T float
#define PF_NORM_PDF_SUFFIX f32
#include "norm_pdf/norm_pdf_scalar_body.h"

#define PF_NORM_PDF_T double
#define PF_NORM_PDF_SUFFIX f64
#include "norm_pdf/norm_pdf_scalar_body.h"
