/* The grid driver of mandelbrot_grid and make_fractal (mandelbrot.h): rows
 * over the thread pool, points built a chunk at a time in cache. */
#include "mandelbrot/mandelbrot.h"
#include "runtime/fp_flags.h"
#include "runtime/thread_pool.h"

/* Points per chunk: 32 KB of complex128, in L1/L2 while the kernel reads it.
 * A multiple of 16, the most lanes a vector has, so that only a run's last
 * vector can be short. */
#define PF_MB_CHUNK 2048

/* Grids of fewer points run on the calling thread (the ufunc's min_parallel
 * in points, mandelbrot/spec.py, for the same reason). */
#define PF_MB_GRID_MIN_PARALLEL 256

typedef struct {
    const pf_mb_grid *grid;
    pf_mb_chunk_fn chunk;
} pf_mb_grid_ctx;

/* Rows [r0, r1): when the output's rows follow each other (C order, int64),
 * one run of the level's loop covers them all, fed a chunk at a time across
 * row ends; otherwise each row is a run.  The feed builds x[j] + 1j*y[i]. */
#define PF_MB_DEFINE_GRID(T, SUFFIX)                                       \
    typedef struct {                                                       \
        pf_mb_feed feed;                                                   \
        const pf_mb_grid *g;                                               \
        intptr_t row, col, r1;                                             \
        T re[PF_MB_CHUNK], im[PF_MB_CHUNK];                                \
    } pf_mb_feed_##SUFFIX;                                                 \
                                                                           \
    static intptr_t pf_mb_next_##SUFFIX(pf_mb_feed *feed_, const void **re_, \
                                        const void **im_)                  \
    {                                                                      \
        pf_mb_feed_##SUFFIX *f = (pf_mb_feed_##SUFFIX *)feed_;             \
        const pf_mb_grid *g = f->g;                                        \
        intptr_t filled = 0;                                               \
        if (pf_interrupted())                                              \
            return 0; /* the run ends: the rows left are not written */    \
        while (filled < PF_MB_CHUNK && f->row < f->r1) {                   \
            const T y = *(const T *)(g->y + f->row * g->ys);               \
            const T re = (T)0 * y - (T)0, im = (T)0 + y; /* 1j*y */        \
            intptr_t take = g->nx - f->col;                                \
            if (take > PF_MB_CHUNK - filled)                               \
                take = PF_MB_CHUNK - filled;                               \
            T *restrict cre = f->re + filled, *restrict cim = f->im + filled; \
            const char *x = g->x + f->col * g->xs;                         \
            if (g->xs == (intptr_t)sizeof(T)) {                            \
                const T *restrict xv = (const T *)x;                       \
                for (intptr_t j = 0; j < take; j++)                        \
                    cre[j] = xv[j] + re;                                   \
            } else {                                                       \
                for (intptr_t j = 0; j < take; j++)                        \
                    cre[j] = *(const T *)(x + j * g->xs) + re;             \
            }                                                              \
            for (intptr_t j = 0; j < take; j++)                            \
                cim[j] = im;                                               \
            filled += take;                                                \
            f->col += take;                                                \
            if (f->col == g->nx) {                                         \
                f->col = 0;                                                \
                f->row++;                                                  \
            }                                                              \
        }                                                                  \
        *re_ = f->re;                                                      \
        *im_ = f->im;                                                      \
        return filled;                                                     \
    }                                                                      \
                                                                           \
    static void pf_mb_grid_rows_##SUFFIX(void *ctx_, intptr_t r0, intptr_t r1) \
    {                                                                      \
        const pf_mb_grid_ctx *ctx = ctx_;                                  \
        const pf_mb_grid *g = ctx->grid;                                   \
        pf_mb_feed_##SUFFIX f;                                             \
        f.feed.next = pf_mb_next_##SUFFIX;                                 \
        f.g = g;                                                           \
        f.col = 0;                                                         \
        const int across = g->ocs == (intptr_t)sizeof(int64_t) &&          \
                           g->ors == g->nx * (intptr_t)sizeof(int64_t);    \
        for (intptr_t row = r0; row < r1; row = f.r1) {                    \
            f.row = row;                                                   \
            f.r1 = across ? r1 : row + 1;                                  \
            ctx->chunk(&f.feed, g->maxiter, g->shift, g->out + row * g->ors, g->ocs); \
        }                                                                  \
    }                                                                      \
                                                                           \
    void pf_mandelbrot_grid_run_##SUFFIX(const pf_mb_grid *grid, pf_mb_chunk_fn chunk) \
    {                                                                      \
        if (grid->nx <= 0 || grid->ny <= 0)                                \
            return;                                                        \
        pf_mb_grid_ctx ctx = {grid, chunk};                                \
        pf_fpflags saved;                                                  \
        pf_fpflags_save(&saved);                                           \
        const intptr_t min_rows = PF_MB_GRID_MIN_PARALLEL / grid->nx + 1;  \
        pf_parallel_for(grid->ny, min_rows, 1, pf_mb_grid_rows_##SUFFIX, &ctx); \
        pf_fpflags_restore(&saved);                                        \
    }                                                                      \
                                                                           \
    void pf_mandelbrot_grid_kernel_##SUFFIX(char *const *args, intptr_t n, \
                                            const intptr_t *core_dims,     \
                                            const intptr_t *steps, pf_mb_chunk_fn chunk) \
    {                                                                      \
        for (intptr_t i = 0; i < n; i++) {                                 \
            const pf_mb_grid grid = {                                      \
                .x = args[0] + i * steps[0], .y = args[1] + i * steps[1],  \
                .nx = core_dims[0], .ny = core_dims[1],                    \
                .xs = steps[4], .ys = steps[5],                            \
                .maxiter = *(const int64_t *)(args[2] + i * steps[2]),     \
                .shift = 0,                                                \
                .out = args[3] + i * steps[3], .ors = steps[6], .ocs = steps[7], \
            };                                                             \
            pf_mandelbrot_grid_run_##SUFFIX(&grid, chunk);                 \
        }                                                                  \
    }

PF_MB_DEFINE_GRID(double, f64)
PF_MB_DEFINE_GRID(float, f32)
