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

PF_DEFINE_MANDELBROT_SCALAR(pf_mandelbrot_c64_scalar, float, pf_mandelbrot_point_fast_f32)
PF_DEFINE_MANDELBROT_SCALAR(pf_mandelbrot_c128_scalar, double, pf_mandelbrot_point_fast_f64)

/* A grid run (mandelbrot_grid.c) and the mandelbrot_grid kernels. */
#define PF_DEFINE_MANDELBROT_CHUNK(name, T, point)                         \
    void name(pf_mb_feed *feed, int64_t maxiter, int64_t shift, char *out, intptr_t os) \
    {                                                                      \
        const void *re_, *im_;                                             \
        intptr_t m;                                                        \
        while ((m = feed->next(feed, &re_, &im_)) > 0) {                   \
            const T *re = re_, *im = im_;                                  \
            for (intptr_t i = 0; i < m; i++) {                             \
                const int64_t k = point(re[i], im[i], maxiter);            \
                if (k < 0)                                                 \
                    return; /* interrupted: the rest is left as it was */  \
                const int64_t count = k - shift;                           \
                *(int64_t *)(out + i * os) = count > 0 ? count : 0;        \
            }                                                              \
            out += m * os;                                                 \
        }                                                                  \
    }

PF_DEFINE_MANDELBROT_CHUNK(pf_mb_chunk_c64_scalar, float, pf_mandelbrot_point_fast_f32)
PF_DEFINE_MANDELBROT_CHUNK(pf_mb_chunk_c128_scalar, double, pf_mandelbrot_point_fast_f64)

PF_KERNEL(pf_mandelbrot_grid_f64_scalar)
{
    (void)hints;
    pf_mandelbrot_grid_kernel_f64(args, n, core_dims, steps, pf_mb_chunk_c128_scalar);
}

PF_KERNEL(pf_mandelbrot_grid_f32_scalar)
{
    (void)hints;
    pf_mandelbrot_grid_kernel_f32(args, n, core_dims, steps, pf_mb_chunk_c64_scalar);
}
