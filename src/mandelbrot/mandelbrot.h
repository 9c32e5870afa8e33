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
 * Interior shortcut (trapping).  A point of the main cardioid or of the
 * period-2 bulb never escapes, but iterating it to maxiter costs maxiter
 * steps.  For such points (chosen by the classic cardioid and bulb tests,
 * which only decide where to look), every kernel checks a few times along the
 * orbit (after about 8 steps, then each time the steps have about doubled;
 * the vector levels check between blocks of 8 steps) whether the current
 * float z = w lies in a disk that the *float* step provably maps into
 * itself; if so, no
 * later test can see rr + ii >= 4 and the count is maxiter, for every
 * maxiter: exactly what the plain iteration returns.  The check uses only w,
 * one more float step v = F(w) and c; no square root of c's polynomial, no
 * division.  Why it is safe:
 *
 * (a) The float step.  Write F for the float step defined above and
 *     f(z) = z*z + c for the exact one.  For |z| <= 1.9 and |c| <= 2 (c passed
 *     the test of z_1 = c) each of its six roundings is at most u times a
 *     value below 6 (u = 2^-53 in double, 2^-24 in float):
 *     |F(z) - f(z)| <= 16u to first order; we use eps = 32u.
 * (b) Nearest root.  If P(z) = (z - s)(z - t) is monic of degree 2, then
 *     (w - s) + (w - t) = P'(w), so the larger of |w - s|, |w - t| is at least
 *     |P'(w)|/2 and the smaller, d, at most 2|P(w)|/|P'(w)|.
 * (c) Cardioid.  The fixed points of f are the roots of P(z) = z*z - z + c;
 *     P(w) = f(w) - w, so |P(w)| <= |v - w| + 2 eps =: p (eps for F against
 *     f, eps more for rounding of the check), P'(w) = 2w - 1, and the nearest
 *     fixed point alpha is within d <= 2p/|2w - 1| of w.  Its multiplier
 *     lambda = 2 alpha has |lambda| <= 2|w| + 2d.  With m = 1 - 2|w| and
 *     r = 0.318 m, if d <= r then 1 - |lambda| >= m - 2r = 0.364 m and
 *     r <= 7/8 (1 - |lambda|).  Now f(alpha + e) = alpha + e (e + lambda),
 *     so for |z - alpha| <= r, |F(z) - alpha| <= r (r + |lambda|) + eps,
 *     which is <= r because r (1 - |lambda| - r) >= 0.0146 m^2 >= eps when
 *     m^2 >= 100 eps (checked).  So D(alpha, r) holds w and is mapped into
 *     itself by F: the float orbit stays in it, where |z| < 1, forever.
 *     Checked without a division as 4 p^2 <= r^2 |2w - 1|^2, with
 *     p^2 <= 1.125 |v - w|^2 + 36 eps^2.
 * (d) Period-2 bulb.  The 2-cycle a, b of f are the roots of
 *     Q(z) = z*z + z + c + 1 (a + b = -1, a*a + c = b, b*b + c = a); Q(w) =
 *     f(w) + w + 1, Q'(w) = 2w + 1, so the nearest cycle point a is within
 *     d <= 2q/|2w + 1|, q = |v + w + 1| + 2 eps.  With A = 2|a|, B = 2|b|:
 *     AB = 4|c + 1| = mu, the cycle's multiplier, and when mu < 1 both
 *     |a|, |b| <= 1.21 (a, b = (-1 +- s)/2, |s|^2 <= 1 + 4|c + 1| <= 2).  As
 *     f(a + e) = b + e (e + 2a) and f(b + e) = a + e (e + 2b), F maps D(a, r1)
 *     into D(b, r2) and back when A r1 + r1^2 + eps <= r2 and
 *     B r2 + r2^2 + eps <= r1.  With m2 = 1 - mu, r1 = m2/16 and
 *     r2 = A r1 + r1^2 + eps, the second reads (using A, B <= 2.42)
 *     (1 - mu) r1 >= 8.52 r1^2 + 4 eps, true when m2^2 >= 140 eps (we ask
 *     640 eps).  So d <= r1, checked as 4 q^2 <= r1^2 |2w + 1|^2, traps the
 *     float orbit in two disks within |z| < 1.3.  (|w|^2 <= 3.6 is checked
 *     too, for (a) to hold at w.)
 * (e) Rounding of the check.  Squared moduli are computed with a few
 *     roundings: those that must be upper bounds are multiplied by 1 + 16u,
 *     lower bounds by 1 - 16u; m and m2 lose 8u more; the rounding of
 *     v - w (one operation) and of v + w + 1 (absolute, below 8u < eps) are in
 *     p and q above.  Every comparison is ordered, so NaN never passes.
 *     Hence in double every point of the cardioid or bulb whose multiplier is
 *     below 1 - 1e-6 or so is caught once its orbit comes close enough to
 *     the attracting cycle (float: 1 - 0.02); points nearer the boundary, and
 *     points of other components, simply iterate as before.
 * (f) Cycles of any period (other components: the deep zoom's points that
 *     never escape lie in one of period 39).  Let w_0 be any float point,
 *     w_{i+1} = F(w_i) its float orbit, r_0 > 0 and
 *     r_{i+1} >= r_i (2|w_i| + r_i) + 2 eps.  If for some p >= 1
 *     |w_i| + r_i <= 1.9 for i < p and |w_p - w_0| + r_p <= r_0, then F^p
 *     maps the float points of D(w_0, r_0) into D(w_0, r_0): for z in
 *     D(w_i, r_i), |z| <= 1.9, so |F(z) - w_{i+1}| <= |F(z) - f(z)| +
 *     |f(z) - f(w_i)| + |f(w_i) - F(w_i)| <= eps + |z - w_i| |z + w_i| + eps
 *     <= r_{i+1}, and after p steps |F^p(z) - w_0| <= r_p + |w_p - w_0|.
 *     So the float orbit of any z in D(w_0, r_0) stays in the disks
 *     D(w_i, r_i), within |z| <= 1.9, forever, and never escapes.  p, w_0
 *     and r_0 are only choices; the check (PF_DEFINE_MB_CYCLE_TRAPPED, for
 *     the current float z with orbit z_i) takes p as the first return of
 *     z_i near z within PF_MB_CYCLE_P steps, w_0 as one Newton step for
 *     F^p(w) = w from z, w_0 = z + (z_p - z) / (1 - s_p) with
 *     s_p = prod_{i<p} 2 z_i (computed in float, without error bound: it is
 *     a choice), and r_0 = 1.25 |z - w_0| + a floor, which holds z: the
 *     square of z - w_0 is rounded up by (1 + 16u), and 1.25 exceeds the
 *     roundings of its square root and of the product (a NaN or infinite
 *     w_0, 1 - s_p near 0, fails the comparisons below).  Centred on z, a
 *     disk with r_0 = k |z_p - z| would need |lambda| < 1 - 1/k, floor aside
 *     (lambda the cycle's multiplier: z_p - z is about (lambda - 1) times
 *     z's distance to the cycle); centred next to the cycle, r_0 need only
 *     exceed that distance, so the check succeeds about as soon as the orbit
 *     is inside the region where F^p contracts (on the deep zoom: 63% of the
 *     points that never escape by step 1024 and 67% by 2048, against 51% and
 *     55% with r_0 = 4 |z_p - z| + a floor centred on z; most of the others
 *     have |lambda| > 0.95 or lie in satellites of period 78, 117, ...,
 *     beyond PF_MB_CYCLE_P).  The inequalities are verified with upper
 *     bounds: 2|w_i| as 2 sqrt(rr + ii) (1 + 8u), each r_{i+1} times
 *     (1 + 8u) for its three roundings, |w_p - w_0|^2 times (1 + 16u),
 *     r_0 - r_p times (1 - 4u); every comparison ordered, so NaN fails.
 *     Its two passes are chains of dependent steps, about p +
 *     PF_MB_CYCLE_P steps of one vector while the others wait, so it runs
 *     only with maxiter >= 2048, first after 1024 steps (512 and 768 were
 *     no faster on the deep zoom), then at doubling step counts while the
 *     next check could still save as many steps as were done.
 *
 * Floating-point flags: escaped lanes of a vector keep iterating to inf and
 * NaN until the whole vector is done, so the flags a call raises would depend
 * on the SIMD level.  Every kernel therefore restores the caller's exception
 * flags on return: mandelbrot never makes NumPy warn, whatever the input.
 */
#ifndef POLYFAST_MANDELBROT_H
#define POLYFAST_MANDELBROT_H

#include <math.h>
#include <stdint.h>

#include "runtime/interrupt.h"
#include "runtime/kernel_api.h"
#include "runtime/simd_levels.h"

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

/* The trap checks of the comment above on w = (zr, zi) for the point
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

/* The cycle check of (f): longest period looked for, r_0's floor (above the
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

/* Nonzero when the float orbit of w = (zr, zi) for c = (cr, ci) provably
 * never escapes by (f); one point (the vector levels have their own). */
#define PF_DEFINE_MB_CYCLE_TRAPPED(name, T, SQRT, U, FLOOR, NEAR)          \
    static inline int name(T zr, T zi, T cr, T ci)                         \
    {                                                                      \
        const T u = (U), eps = 32 * (U);                                   \
        T wr = zr, wi = zi, sr = 1, si = 0, er = 0, ei = 0, gr = 0, gi = 0; \
        int p = 0;                                                         \
        for (int i = 1; i <= PF_MB_CYCLE_P; i++) {                         \
            const T rr = wr * wr, ii = wi * wi, ri = wr * wi;              \
            const T tr = (wr * sr - wi * si) * 2;                          \
            si = (wr * si + wi * sr) * 2;                                  \
            sr = tr;                                                       \
            wr = rr - ii + cr;                                             \
            wi = ri + ri + ci;                                             \
            const T dr = wr - zr, di = wi - zi, d2 = dr * dr + di * di;    \
            if (d2 < (NEAR)) {                                             \
                p = i;                                                     \
                er = dr;                                                   \
                ei = di;                                                   \
                gr = sr;                                                   \
                gi = si;                                                   \
                break;                                                     \
            }                                                              \
        }                                                                  \
        if (p == 0)                                                        \
            return 0;                                                      \
        const T qr = 1 - gr, qi = -gi, q2 = qr * qr + qi * qi;             \
        const T ar = zr + (er * qr + ei * qi) / q2;                        \
        const T ai = zi + (ei * qr - er * qi) / q2;                        \
        const T xr = zr - ar, xi = zi - ai;                                \
        const T r0 = SQRT((xr * xr + xi * xi) * (1 + 16 * u)) * (T)1.25 + (FLOOR); \
        T r = r0;                                                          \
        wr = ar;                                                           \
        wi = ai;                                                           \
        for (int i = 1; i <= p; i++) {                                     \
            const T rr = wr * wr, ii = wi * wi, ri = wr * wi;              \
            const T a = SQRT(rr + ii) * (2 * (1 + 8 * u)); /* >= 2|w| */   \
            if (!((a * (T)0.5 + r) * (1 + 4 * u) <= (T)1.9))               \
                return 0;                                                  \
            r = (r * (a + r) + 2 * eps) * (1 + 8 * u);                     \
            wr = rr - ii + cr;                                             \
            wi = ri + ri + ci;                                             \
        }                                                                  \
        const T dr = wr - ar, di = wi - ai;                                \
        const T d2 = (dr * dr + di * di) * (1 + 16 * u);                   \
        const T t = (r0 - r) * (1 - 4 * u);                                \
        return t > 0 && d2 <= t * t * (1 - 8 * u);                         \
    }

PF_DEFINE_MB_CYCLE_TRAPPED(pf_mb_cycle_trapped_f64, double, sqrt, 0x1p-53, PF_MB_CYCLE_FLOOR_F64,
                           PF_MB_CYCLE_NEAR_F64)
PF_DEFINE_MB_CYCLE_TRAPPED(pf_mb_cycle_trapped_f32, float, sqrtf, 0x1p-24f, PF_MB_CYCLE_FLOOR_F32,
                           PF_MB_CYCLE_NEAR_F32)

/* The reference definition with the trap: the scalar level's loop; -1 when
 * the call was interrupted before the count was known. */
#define PF_DEFINE_MANDELBROT_POINT_FAST(name, T, SQRT, U, CYCLE)                     \
    static inline int64_t name(T cr, T ci, int64_t maxiter)                \
    {                                                                      \
        if (maxiter < 2)                                                   \
            return maxiter < 1 ? 0 : 1;                                    \
        if (cr != cr || ci != ci)                                          \
            return maxiter;                                                \
        T zr = (T)0 + cr, zi = (T)0 + ci; /* z_1 */                        \
        int card, bulb;                                                    \
        PF_MB_CLASSIC(card, bulb, T, T, cr, ci);                           \
        int64_t check = (card || bulb) && maxiter >= PF_MB_TRAP_MIN_MAXITER \
                            ? PF_MB_FIRST_CHECK : -1;                      \
        int64_t ccheck = maxiter >= PF_MB_CYCLE_MIN_MAXITER ? PF_MB_CYCLE_FIRST : -1; \
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
            if (__builtin_expect(k == check, 0)) { /* z_{k+1} trapped? */  \
                int trapped = 0;                                           \
                PF_MB_STEP_AHEAD(T, T, U, zr, zi, cr, ci)                  \
                if (card)                                                  \
                    PF_MB_TRAPPED_CARDIOID(trapped, T, T, SQRT, zr, zi)    \
                else                                                       \
                    PF_MB_TRAPPED_BULB(trapped, T, T, SQRT, zr, zi, cr, ci) \
                if (trapped)                                               \
                    return maxiter;                                        \
                check = pf_mb_next_check(k);                               \
            }                                                              \
            if (__builtin_expect(k == ccheck, 0)) { /* (f) */              \
                if (CYCLE(zr, zi, cr, ci))                                 \
                    return maxiter;                                        \
                ccheck = pf_mb_next_check(k);                              \
                if (ccheck >= 0 && maxiter - 1 - ccheck < k)               \
                    ccheck = -1; /* it could save fewer than k steps */    \
            }                                                              \
        }                                                                  \
    }

PF_DEFINE_MANDELBROT_POINT_FAST(pf_mandelbrot_point_fast_f64, double, sqrt, 0x1p-53,
                                pf_mb_cycle_trapped_f64)
PF_DEFINE_MANDELBROT_POINT_FAST(pf_mandelbrot_point_fast_f32, float, sqrtf, 0x1p-24f,
                                pf_mb_cycle_trapped_f32)

/*
 * The whole picture: mandelbrot_grid(x, y, maxiter) -> counts[i, j] of the
 * point x[j] + 1j*y[i], computed as NumPy computes that expression:
 * 1j*y[i] = (0*y[i] - 1*0, 0*0 + 1*y[i]) and x + (re, im) = (x + re, 0 + im),
 * so c = (x[j] + (0*y[i] - 0), 0 + y[i]) (which differs from (x[j], y[i])
 * only in signed zeros, and in a NaN real part when y[i] is infinite or NaN).
 * The generic loop hands each kernel call a block of rows (the spec's split
 * dimension m); the kernel runs the level's loop over them, one run when the
 * output's rows follow each other (C order, int64), else one per row, its
 * points built PF_MB_CHUNK at a time in a buffer that stays in cache, and
 * stores max(count - shift, 0) straight into the output (shift 0 but for
 * make_fractal's private _mandelbrot_grid_shifted), so make_fractal's shift
 * costs no second pass.  The loop keeps its vectors busy across chunk ends:
 * only the run's last points wait for the slowest lane of the others.
 */

/* Points per chunk: 32 KB of complex128, in L1/L2 while the kernel reads it.
 * A multiple of 16, the most lanes a vector has, so that only a run's last
 * vector can be short. */
#define PF_MB_CHUNK 2048

/* The points of a run: row `row`, column `col` next, up to row r1. */
typedef struct {
    const char *x, *y; /* x[j] at x + j*xs, y[i] at y + i*ys */
    intptr_t nx, xs, ys;
    intptr_t row, col, r1;
} pf_mb_rows;

/* One grid item of a kernel call: its rows and where the counts go. */
typedef struct {
    pf_mb_rows rows;
    intptr_t ny;
    int64_t maxiter, shift; /* shift >= 0 */
    char *out;              /* counts[i, j] at out + i*ors + j*ocs (int64) */
    intptr_t ors, ocs;
} pf_mb_grid;

/* Item i of a grid kernel's call: args = (x, y, maxiter, out), or
 * (x, y, maxiter, shift, out) when `shifted` (a negative shift counts as 0);
 * core_dims = (n, m); steps = the outer strides, then x's, y's, out's row
 * and out's column strides. */
void pf_mb_grid_args(char *const *args, const intptr_t *steps, const intptr_t *core_dims,
                     intptr_t i, int shifted, pf_mb_grid *grid);

/* Sets up the grid's next run of rows and *out, its first count's address;
 * 0 when no row is left. */
int pf_mb_grid_next_run(pf_mb_grid *grid, char **out);

/* Fills re and im with the run's next points, at most PF_MB_CHUNK (a
 * multiple of 16 but for the run's last chunk); 0 when the run is over or
 * the call was interrupted. */
intptr_t pf_mb_fill_f64(pf_mb_rows *rows, double *re, double *im);
intptr_t pf_mb_fill_f32(pf_mb_rows *rows, float *re, float *im);

/* args = (c, maxiter, out); steps = their outer strides.  c is complex64
 * (c64, iterated in float) or complex128 (c128, in double), maxiter and out
 * int64.  Every kernel restores the caller's flags (runtime/fp_flags.h). */

#endif
