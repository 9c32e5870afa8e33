/* The points of mandelbrot_grid's rows (mandelbrot.h, pf_mb_rows), built a
 * chunk at a time for the kernels of every level. */
#include "mandelbrot/mandelbrot.h"

/* Fills re[0 ...] and im[0 ...] with the next points, x[j] + 1j*y[i] as NumPy
 * computes it, across row ends up to rows->r1. */
#define PF_MB_DEFINE_FILL(T, SUFFIX)                                       \
    intptr_t pf_mb_fill_##SUFFIX(pf_mb_rows *rows, T *restrict re_out, T *restrict im_out) \
    {                                                                      \
        intptr_t filled = 0;                                               \
        if (pf_interrupted())                                              \
            return 0; /* the run ends: the rows left are not written */    \
        while (filled < PF_MB_CHUNK && rows->row < rows->r1) {             \
            const T y = *(const T *)(rows->y + rows->row * rows->ys);      \
            const T re = (T)0 * y - (T)0, im = (T)0 + y; /* 1j*y */        \
            intptr_t take = rows->nx - rows->col;                          \
            if (take > PF_MB_CHUNK - filled)                               \
                take = PF_MB_CHUNK - filled;                               \
            T *restrict cre = re_out + filled, *restrict cim = im_out + filled; \
            const char *x = rows->x + rows->col * rows->xs;                \
            if (rows->xs == (intptr_t)sizeof(T)) {                         \
                const T *restrict xv = (const T *)x;                       \
                for (intptr_t j = 0; j < take; j++)                        \
                    cre[j] = xv[j] + re;                                   \
            } else {                                                       \
                for (intptr_t j = 0; j < take; j++)                        \
                    cre[j] = *(const T *)(x + j * rows->xs) + re;          \
            }                                                              \
            for (intptr_t j = 0; j < take; j++)                            \
                cim[j] = im;                                               \
            filled += take;                                                \
            rows->col += take;                                             \
            if (rows->col == rows->nx) {                                   \
                rows->col = 0;                                             \
                rows->row++;                                               \
            }                                                              \
        }                                                                  \
        return filled;                                                     \
    }

PF_MB_DEFINE_FILL(double, f64)
PF_MB_DEFINE_FILL(float, f32)

void pf_mb_grid_args(char *const *args, const intptr_t *steps, const intptr_t *core_dims,
                     intptr_t i, int shifted, pf_mb_grid *grid)
{
    const int nargs = shifted ? 5 : 4;
    const intptr_t *core_steps = steps + nargs; /* x's, y's, out's row, out's column */
    int64_t shift = shifted ? *(const int64_t *)(args[3] + i * steps[3]) : 0;
    *grid = (pf_mb_grid){
        .rows = {.x = args[0] + i * steps[0], .y = args[1] + i * steps[1],
                 .nx = core_dims[0], .xs = core_steps[0], .ys = core_steps[1]},
        .ny = core_dims[1],
        .maxiter = *(const int64_t *)(args[2] + i * steps[2]),
        .shift = shift > 0 ? shift : 0,
        .out = args[nargs - 1] + i * steps[nargs - 1],
        .ors = core_steps[2],
        .ocs = core_steps[3],
    };
}

int pf_mb_grid_next_run(pf_mb_grid *grid, char **out)
{
    pf_mb_rows *rows = &grid->rows;
    const intptr_t row = rows->r1;
    if (row >= grid->ny || rows->nx <= 0)
        return 0;
    const int across = grid->ocs == (intptr_t)sizeof(int64_t) &&
                       grid->ors == rows->nx * (intptr_t)sizeof(int64_t);
    rows->row = row;
    rows->col = 0;
    rows->r1 = across ? grid->ny : row + 1;
    *out = grid->out + row * grid->ors;
    return 1;
}
