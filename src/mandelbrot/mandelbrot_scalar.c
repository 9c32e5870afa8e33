/* Portable baseline of the Mandelbrot kernels: one point at a time, exactly
 * the definition in mandelbrot.h.  The SIMD levels must match it bit for bit.
 * The kernels of one type are in mandelbrot_scalar_body.h, included here once
 * per type. */
#include "mandelbrot/mandelbrot.h"
#include "runtime/fp_flags.h"

#define PF_MB_T float
#define PF_MB_SUFFIX f32
#define PF_MB_CSUFFIX c64
#include "mandelbrot/mandelbrot_scalar_body.h"

#define PF_MB_T double
#define PF_MB_SUFFIX f64
#define PF_MB_CSUFFIX c128
#include "mandelbrot/mandelbrot_scalar_body.h"

/* make_fractal's counts minus a shift, the float64 grid only. */
PF_KERNEL(pf_mandelbrot_grid_shifted_f64_scalar)
{
    (void)hints;
    pf_mb_grid_f64(args, n, core_dims, steps, 1);
}
