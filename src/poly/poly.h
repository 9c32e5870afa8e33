/*
 * Polynomial kernels: poly8 (x + x**2 + ... + x**8) and polyval (c[0] + c[1]*x + ...).
 *
 * Every SIMD level evaluates the same sequence of operations as the scalar
 * helpers below, one rounding per operation (the build passes -ffp-contract=off), so a
 * result does not depend on the level, the lane or the thread that computed it.
 */
#ifndef POLYFAST_POLY_H
#define POLYFAST_POLY_H

#include <complex.h>
#include "runtime/kernel_api.h"

/*
 * poly8(x) = x + x**2 + ... + x**8 = x * (1 + x) * (1 + x**2) * (1 + x**4).
 * The factored form takes 8 operations instead of Horner's 14  and is more
 * accurate: the only cancellation, 1 + x near x = -1, acts on the exact input,
 * so the relative error stays within a few ulps everywhere, where the sum of
 * powers and Horner both lose digits near -1.  Huge |x| overflows to +inf with
 * the right sign instead of the sum's inf - inf = nan.
 */
#define PF_POLY8_REAL(x) ((x) * ((1 + (x)) * ((1 + (x) * (x)) * (1 + ((x) * (x)) * ((x) * (x))))))

static inline double pf_poly8_f64(double x) { return PF_POLY8_REAL(x); }
static inline float pf_poly8_f32(float x) { return PF_POLY8_REAL(x); }

/* Complex products spelled out: C99's `*` on complex types adds inf/nan
 * recovery that NumPy's own complex multiply does not do. */
#define PF_CMUL(T, ar, ai, br, bi, rr, ri)                                  \
    do {                                                                   \
        T t_r = (ar) * (br) - (ai) * (bi);                                 \
        T t_i = (ar) * (bi) + (ai) * (br);                                 \
        (rr) = t_r;                                                        \
        (ri) = t_i;                                                        \
    } while (0)

/* The same factored form on complex numbers, the same order of products. */
#define PF_POLY8_COMPLEX(T, zr, zi, yr, yi)                                \
    do {                                                                   \
        T z2r_, z2i_, z4r_, z4i_, wr_, wi_;                                \
        PF_CMUL(T, zr, zi, zr, zi, z2r_, z2i_);                            \
        PF_CMUL(T, z2r_, z2i_, z2r_, z2i_, z4r_, z4i_);                    \
        PF_CMUL(T, 1 + z2r_, z2i_, 1 + z4r_, z4i_, wr_, wi_);              \
        PF_CMUL(T, 1 + (zr), zi, wr_, wi_, wr_, wi_);                      \
        PF_CMUL(T, zr, zi, wr_, wi_, yr, yi);                              \
    } while (0)
/* numpy.polynomial.polynomial.polyval's order: p = c[n-1]; p = c[k] + p*x. */
#define PF_POLYVAL_HORNER(T, x, c, cstep, ncoef, result)                   \
    do {                                                                   \
        T p_ = 0;                                                          \
        if ((ncoef) > 0) {                                                 \
            p_ = *(const T *)((c) + ((ncoef) - 1) * (cstep));              \
            for (intptr_t k_ = (ncoef) - 2; k_ >= 0; k_--)                 \
                p_ = *(const T *)((c) + k_ * (cstep)) + p_ * (x);          \
        }                                                                  \
        (result) = p_;                                                     \
    } while (0)

#endif
