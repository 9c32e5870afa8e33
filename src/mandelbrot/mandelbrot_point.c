/* The scalar entries numba calls on one point (spec.py numba_point=True,
 * module/numba_points.h): the scalar level's point code of mandelbrot.h,
 * traps included, with c's parts passed by value and no flag bookkeeping.
 * The same count as the ufunc's, for every c and maxiter.  An interrupted
 * point (pf_interrupted: only a thread that runs no watch of its own and is
 * taken for a worker of an interrupted pool job) is computed again, so the
 * entry always returns the count. */
#include "mandelbrot/mandelbrot.h"

int64_t pf_mandelbrot_c64_point(float cr, float ci, int64_t maxiter);
int64_t pf_mandelbrot_c128_point(double cr, double ci, int64_t maxiter);

int64_t pf_mandelbrot_c64_point(float cr, float ci, int64_t maxiter)
{
    int64_t count;
    while ((count = pf_mandelbrot_point_f32(cr, ci, maxiter)) < 0) {
    }
    return count;
}

int64_t pf_mandelbrot_c128_point(double cr, double ci, int64_t maxiter)
{
    int64_t count;
    while ((count = pf_mandelbrot_point_f64(cr, ci, maxiter)) < 0) {
    }
    return count;
}
