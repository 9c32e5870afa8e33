/*
 * Mandelbrot escape counts: mandelbrot(c, maxiter).
 *
 * With z_0 = 0 and z_{k+1} = z_k**2 + c, the count is the smallest k in
 * 1 ... maxiter-1 with |z_k| >= 2, or maxiter if there is none; maxiter < 1
 * gives 0.  Every level evaluates exactly the sequence of operations below,
 * one rounding per operation (the build passes -ffp-contract=off and no level
 * enables the fma target), so a count does not depend on the CPU, the SIMD
 * level, the lane, the block or the thread that computed it:
 *
 *     rr = zr*zr;  ii = zi*zi;  ri = zr*zi;
 *     escaped when rr + ii >= 4
 *     zr' = (rr - ii) + cr;  zi' = (ri + ri) + ci;
 *
 * z_1 is computed as (0 + cr, 0 + ci): exactly what one step from z_0 = 0
 * gives (0*0 - 0*0 = +0), without spending an iteration on it.
 *
 * NaN: a point with a NaN component never escapes (NaN >= 4 is false), so its
 * count is maxiter, returned at once instead of iterating up to a possibly
 * huge maxiter.  No other point meets a NaN before it escapes: while
 * rr + ii < 4 the next z is a finite sum of values below 4 and c, and a c
 * large enough to overflow has already escaped at k = 1 (inf >= 4).  So
 * !(rr + ii < 4) and rr + ii >= 4 agree on every point that is iterated.
 *
 * Floating-point flags: escaped lanes of a vector keep iterating to inf and
 * NaN until the whole vector is done, so the flags a call raises would depend
 * on the SIMD level.  Every kernel therefore restores the caller's exception
 * flags on return: mandelbrot never makes NumPy warn, whatever the input.
 */
#ifndef POLYFAST_MANDELBROT_H
#define POLYFAST_MANDELBROT_H

#include <stdint.h>

#include "runtime/interrupt.h"
#include "runtime/kernel_api.h"

/* Steps between two checks for an interrupted call (runtime/interrupt.h), a
 * power of two: about 20 to 80 us of iteration, so the check (a clock read on
 * the calling thread) costs well under 1 %, and a point with a huge maxiter
 * stops at once.  A point abandoned this way is not stored. */
#define PF_MANDELBROT_POLL_STEPS ((int64_t)1 << 14)

/* The reference definition, one point at a time (the scalar level's loop and
 * the model the SIMD levels must match bit for bit); -1 when the call was
 * interrupted before the count was known. */
#define PF_DEFINE_MANDELBROT_POINT(name, T)                                \
    static inline int64_t name(T cr, T ci, int64_t maxiter)                \
    {                                                                      \
        if (maxiter < 2)                                                   \
            return maxiter < 1 ? 0 : 1;                                    \
        if (cr != cr || ci != ci)                                          \
            return maxiter;                                                \
        T zr = (T)0 + cr, zi = (T)0 + ci; /* z_1 */                        \
        for (int64_t k = 1;; k++) {                                        \
            const T rr = zr * zr, ii = zi * zi, ri = zr * zi;              \
            if (!(rr + ii < 4))                                            \
                return k;                                                  \
            if (k == maxiter - 1)                                          \
                return maxiter;                                            \
            if ((k & (PF_MANDELBROT_POLL_STEPS - 1)) == 0 && pf_interrupted()) \
                return -1;                                                 \
            zr = rr - ii + cr;                                             \
            zi = ri + ri + ci;                                             \
        }                                                                  \
    }

PF_DEFINE_MANDELBROT_POINT(pf_mandelbrot_point_f64, double)
PF_DEFINE_MANDELBROT_POINT(pf_mandelbrot_point_f32, float)

/* args = (c, maxiter, out); steps = their outer strides.  c is complex64
 * (c64, iterated in float) or complex128 (c128, in double), maxiter and out
 * int64.  Every kernel restores the caller's flags (runtime/fp_flags.h). */

#endif
