/* The points of mandelbrot_grid's rows (mandelbrot.h, pf_mb_rows), built a
 * chunk at a time for the kernels of every level. */
#include "mandelbrot/mandelbrot.h"

#define PF_MB_T double
#define PF_MB_SUFFIX f64
#include "mandelbrot/mandelbrot_fill_body.h"

#define PF_MB_T float
#define PF_MB_SUFFIX f32
#include "mandelbrot/mandelbrot_fill_body.h"

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
