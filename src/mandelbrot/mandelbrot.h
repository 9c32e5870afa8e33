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
 * Interior shortcut: points whose float orbit provably never escapes get
 * maxiter at once (mandelbrot_traps.h, which says why that is exact).
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

#include "mandelbrot/mandelbrot_traps.h"
#include "runtime/interrupt.h"
#include "runtime/kernel_api.h"
#include "runtime/simd_levels.h"

/* Steps between two checks for an interrupted call (runtime/interrupt.h), a
 * power of two: about 20 to 80 us of iteration, so the check (a clock read on
 * the calling thread) costs well under 1 %, and a point with a huge maxiter
 * stops at once.  A point abandoned this way is not stored. */
#define PF_MANDELBROT_POLL_STEPS ((int64_t)1 << 14)

/* pf_mandelbrot_point_f64/_f32(cr, ci, maxiter): the count of one point, as
 * defined above, with the traps (mandelbrot_traps.h): the scalar level's
 * loop, and the SIMD levels' for the points they leave to it; -1 when the
 * call was interrupted before the count was known. */
#define PF_MB_T double
#define PF_MB_SUFFIX f64
#define PF_MB_SQRT sqrt
#define PF_MB_U 0x1p-53
#include "mandelbrot/mandelbrot_point_body.h"

#define PF_MB_T float
#define PF_MB_SUFFIX f32
#define PF_MB_SQRT sqrtf
#define PF_MB_U 0x1p-24f
#include "mandelbrot/mandelbrot_point_body.h"

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
