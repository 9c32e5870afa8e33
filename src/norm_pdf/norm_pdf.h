/*
 * The normal probability density, in the lecture notebook's argument order:
 * norm_pdf(loc, scale, x) = exp(-((x - loc)/scale)**2/2) / sqrt(2*pi) / scale.
 *
 * The operations are those of the notebook and of scipy.stats.norm.pdf, in
 * the same order (y = (x - loc)/scale, then exp(-y*y/2) / sqrt(2*pi) / scale),
 * one rounding each (the build passes -ffp-contract=off).  A more accurate
 * evaluation would not agree better with SciPy: in the far tail, where
 * y*y/2 approaches 745, the rounding of y*y alone moves the result by up to
 * ~1e-13 relative, and SciPy rounds it the same way, so matching SciPy's
 * operations is what keeps the two within rtol 1e-13 down to the subnormals.
 *
 * scale <= 0 (and a NaN anywhere) gives NaN, quietly for scale <= 0.
 *
 * float32: computed in float64 from the float32 inputs and rounded to float32
 * once at the end, so the result is the float32 nearest to the float64 value
 * (within one float32 rounding of the exact density), instead of carrying
 * float32 rounding errors through y, y*y and exp.
 */
#ifndef POLYFAST_NORM_PDF_H
#define POLYFAST_NORM_PDF_H

#include <math.h>

#include "runtime/kernel_api.h"

/* sqrt(2*pi) rounded to double: the value of np.sqrt(2*np.pi) and of SciPy's
 * _norm_pdf_C. */
#define PF_SQRT_2PI 2.5066282746310002

static inline double pf_norm_pdf_f64(double loc, double scale, double x)
{
    /* isgreater: a quiet comparison, no invalid flag for a NaN scale */
    if (!isgreater(scale, 0.0))
        return isnan(scale) ? scale : (double)NAN;
    const double y = (x - loc) / scale;
    return exp(-(y * y) / 2.0) / PF_SQRT_2PI / scale;
}

PF_KERNEL(pf_norm_pdf_f32_scalar);
PF_KERNEL(pf_norm_pdf_f64_scalar);

#endif
