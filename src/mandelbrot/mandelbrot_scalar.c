/* Portable baseline of the Mandelbrot kernels: one point at a time, exactly
 * the definition in mandelbrot.h.  The SIMD levels must match it bit for bit. */
#include "mandelbrot/mandelbrot.h"
#include "runtime/fp_flags.h"

#define PF_DEFINE_MANDELBROT_SCALAR(name, T, point)                        \
    PF_KERNEL(name)                                                        \
    {                                                                      \
        (void)core_dims;                                                   \
        (void)hints;                                                       \
        const intptr_t cs = steps[0], ms = steps[1], os = steps[2];        \
        pf_fpflags saved;                                                  \
        pf_fpflags_save(&saved);                                           \
        for (intptr_t i = 0; i < n; i++) {                                 \
            const T *c = (const T *)(args[0] + i * cs);                    \
            const int64_t maxiter = *(const int64_t *)(args[1] + i * ms);  \
            const int64_t count = point(c[0], c[1], maxiter);              \
            if (count < 0)                                                 \
                break; /* interrupted: the rest is left as it was */       \
            *(int64_t *)(args[2] + i * os) = count;                        \
        }                                                                  \
        pf_fpflags_restore(&saved);                                        \
    }

PF_DEFINE_MANDELBROT_SCALAR(pf_mandelbrot_c64_scalar, float, pf_mandelbrot_point_f32)
PF_DEFINE_MANDELBROT_SCALAR(pf_mandelbrot_c128_scalar, double, pf_mandelbrot_point_f64)

/* mandelbrot_grid and make_fractal's _mandelbrot_grid_shifted: the points
 * of each run of rows a chunk at a time (mandelbrot.h). */
#define PF_DEFINE_MANDELBROT_GRID_SCALAR(name, T, fill, point)             \
    static void name(char *const *args, intptr_t n, const intptr_t *core_dims, \
                     const intptr_t *steps, int shifted)                   \
    {                                                                      \
        T re[PF_MB_CHUNK], im[PF_MB_CHUNK];                                \
        pf_fpflags saved;                                                  \
        pf_fpflags_save(&saved);                                           \
        for (intptr_t item = 0; item < n; item++) {                        \
            pf_mb_grid grid;                                               \
            pf_mb_grid_args(args, steps, core_dims, item, shifted, &grid); \
            char *out;                                                     \
            while (pf_mb_grid_next_run(&grid, &out)) {                     \
                intptr_t m;                                                \
                while ((m = fill(&grid.rows, re, im)) > 0) {               \
                    for (intptr_t i = 0; i < m; i++) {                     \
                        const int64_t k = point(re[i], im[i], grid.maxiter); \
                        if (k < 0)                                         \
                            goto done; /* interrupted: the rest is left as it was */ \
                        const int64_t count = k - grid.shift;              \
                        *(int64_t *)(out + i * grid.ocs) = count > 0 ? count : 0; \
                    }                                                      \
                    out += m * grid.ocs;                                   \
                }                                                          \
            }                                                              \
        }                                                                  \
    done:                                                                  \
        pf_fpflags_restore(&saved);                                        \
    }

PF_DEFINE_MANDELBROT_GRID_SCALAR(pf_mb_grid_f64, double, pf_mb_fill_f64,
                                 pf_mandelbrot_point_f64)
PF_DEFINE_MANDELBROT_GRID_SCALAR(pf_mb_grid_f32, float, pf_mb_fill_f32,
                                 pf_mandelbrot_point_f32)

PF_KERNEL(pf_mandelbrot_grid_f64_scalar)
{
    (void)hints;
    pf_mb_grid_f64(args, n, core_dims, steps, 0);
}

PF_KERNEL(pf_mandelbrot_grid_f32_scalar)
{
    (void)hints;
    pf_mb_grid_f32(args, n, core_dims, steps, 0);
}

PF_KERNEL(pf_mandelbrot_grid_shifted_f64_scalar)
{
    (void)hints;
    pf_mb_grid_f64(args, n, core_dims, steps, 1);
}
