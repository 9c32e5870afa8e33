/*
 * Early exits of the Mandelbrot kernels that cannot change a count: a point
 * gets maxiter as soon as its *float* orbit provably never escapes.
 *
 * Safety, in short (the full derivation, rounding margins included:
 * docs/mandelbrot_exactness.md).  For |z| <= 1.9 and |c| <= 2 the float
 * step F of mandelbrot.h is within eps = 32u of z*z + c.  A check finds a
 * disk D around an attracting fixed point (the main cardioid), around each
 * point of an attracting 2-cycle (the period-2 bulb), or around a point of
 * the current float orbit that returns near itself within PF_MB_CYCLE_P
 * steps (any other component), and verifies with upper bounds (every
 * rounding of the check widened, every comparison ordered so that NaN
 * fails) that F, or F^p, maps the float points of D into D while |z| stays
 * below 1.9.  The current z lies in D, so no later test can see
 * rr + ii >= 4: the count is maxiter for every maxiter.  Which points are
 * checked and when (the classic cardioid and bulb tests, the schedule below)
 * only decides how soon a point stops, never its count; a check's schedule
 * depends on the point's own step count only, so a point's time does not
 * depend on its neighbours.
 */
#ifndef POLYFAST_MANDELBROT_TRAPS_H
#define POLYFAST_MANDELBROT_TRAPS_H

#include <math.h>
#include <stdint.h>

#include "runtime/simd_levels.h" /* PF_CAT */

/* The cardioid and bulb checks ((c), (d) of the derivation) on w = (zr, zi) for the point
 * c = (cr, ci), for one point or (in mandelbrot_simd.c) one vector: `out`
 * gets nonzero (scalar) or all-ones (vector lanes) where w is trapped.  V is
 * the value type, SQRT its square root, U the unit roundoff of T.
 * PF_MB_STEP_AHEAD computes v = F(w) and |w|^2 (rounded up) for both. */
#define PF_MB_STEP_AHEAD(T, V, U, zr, zi, cr, ci)                          \
    const T u = (U), eps = 32 * (U);                                       \
    const V rr = zr * zr, ii = zi * zi, ri = zr * zi;                      \
    const V vr = rr - ii + cr, vi = ri + ri + ci; /* v = F(w) */           \
    const V w2 = (rr + ii) * (1 + 16 * u);

#define PF_MB_TRAPPED_CARDIOID(out, T, V, SQRT, zr, zi)                    \
    {                                                                      \
        const V dr = vr - zr, di = vi - zi;                                \
        const V p2 = (dr * dr + di * di) * (T)(1.125 * (1 + 16 * u)) + 36 * eps * eps; \
        const V gr = zr * 2 - 1;                                           \
        const V g2 = (gr * gr + ii * 4) * (1 - 16 * u);                    \
        const V m = 1 - SQRT(w2) * (2 * (1 + 8 * u)) - 8 * u;              \
        const V r = m * (T)0.318;                                          \
        out = (m > 0) & (m * m >= 100 * eps) & (p2 * 4 <= r * r * g2 * (1 - 16 * u)); \
    }

#define PF_MB_TRAPPED_BULB(out, T, V, SQRT, zr, zi, cr, ci)                \
    {                                                                      \
        const V br = cr + 1;                                               \
        const V c2 = (br * br + ci * ci) * (1 + 16 * u);                   \
        const V qr = vr + zr + 1, qi = vi + zi;                            \
        const V q2 = (qr * qr + qi * qi) * (T)(1.125 * (1 + 16 * u)) + 36 * eps * eps; \
        const V hr = zr * 2 + 1;                                           \
        const V h2 = (hr * hr + ii * 4) * (1 - 16 * u);                    \
        const V m2 = 1 - SQRT(c2) * (4 * (1 + 8 * u)) - 8 * u;             \
        const V r1 = m2 * (T)0.0625;                                       \
        out = (m2 > 0) & (m2 * m2 >= 640 * eps) & (w2 <= (T)3.6) &         \
              (q2 * 4 <= r1 * r1 * h2 * (1 - 16 * u));                     \
    }

/* The classic cardioid and bulb tests, which only choose where to check. */
#define PF_MB_CLASSIC(card, bulb, T, V, cr, ci)                            \
    {                                                                      \
        const V x_ = cr - (T)0.25, y2_ = ci * ci;                          \
        const V q_ = x_ * x_ + y2_, b_ = cr + 1;                           \
        card = q_ * (q_ + x_) < y2_ * (T)0.25;                             \
        bulb = b_ * b_ + y2_ < (T)0.0625;                                  \
    }

/* The step after which the next trap check comes: j = 2, 4, 8, 16, ... (a
 * check costs several steps; the orbit of a point near the boundary of the
 * cardioid needs many steps to come close to its fixed point, so the checks
 * thin out geometrically: a trapped point iterates at most twice the steps
 * it needed to come close). */
#define PF_MB_FIRST_CHECK 8

/* Below this maxiter no point is checked (nor classically tested): a check
 * costs about ten steps of its vector and comes after eight, so with a few
 * dozen iterations a trap saves about what the tests of all vectors cost
 * (benchmarks/README.md, make_fractal 500x500x50).  Any value is exact. */
#define PF_MB_TRAP_MIN_MAXITER 64

static inline int64_t pf_mb_next_check(int64_t j)
{
    return j > INT64_MAX / 2 ? -1 : 2 * j;
}

/* The cycle check ((f) of the derivation): longest period looked for, r_0's floor (above the
 * 2 eps a step adds, times the orbit's growth) and the squared distance that
 * counts as a return (double, float), the first check and the least maxiter
 * that has one (any values are exact). */
#define PF_MB_CYCLE_P 48
#define PF_MB_CYCLE_FLOOR_F64 0x1p-36
#define PF_MB_CYCLE_NEAR_F64 0x1p-30
#define PF_MB_CYCLE_FLOOR_F32 0x1p-8f
#define PF_MB_CYCLE_NEAR_F32 0x1p-14f
#define PF_MB_CYCLE_FIRST 1024
#define PF_MB_CYCLE_MIN_MAXITER 2048

/* pf_mb_cycle_trapped_f64/_f32(zr, zi, cr, ci): nonzero when the float orbit
 * of w = (zr, zi) for c = (cr, ci) provably never escapes by the cycle check;
 * one point (the vector levels have their own). */
#define PF_MB_T double
#define PF_MB_SUFFIX f64
#define PF_MB_SQRT sqrt
#define PF_MB_U 0x1p-53
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F64
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F64
#include "mandelbrot/mandelbrot_cycle_body.h"

#define PF_MB_T float
#define PF_MB_SUFFIX f32
#define PF_MB_SQRT sqrtf
#define PF_MB_U 0x1p-24f
#define PF_MB_CYCLE_FLOOR PF_MB_CYCLE_FLOOR_F32
#define PF_MB_CYCLE_NEAR PF_MB_CYCLE_NEAR_F32
#include "mandelbrot/mandelbrot_cycle_body.h"

#endif
