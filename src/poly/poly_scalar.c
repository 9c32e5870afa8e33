/* Portable baseline of the polynomial kernels; also the reference the SIMD
 * levels must match bit for bit. */
#include "poly/poly.h"

#define PF_DEFINE_POLY8_REAL(name, T, eval)                                \
    PF_KERNEL(name)                                                        \
    {                                                                      \
        (void)core_dims;                                                   \
        (void)hints;                                                       \
        const char *in = args[0];                                          \
        char *out = args[1];                                               \
        const intptr_t is = steps[0], os = steps[1];                       \
        if (is == sizeof(T) && os == sizeof(T)) {                          \
            const T *x = (const T *)in;                                    \
            T *y = (T *)out;                                               \
            for (intptr_t i = 0; i < n; i++) y[i] = eval(x[i]);            \
            return;                                                        \
        }                                                                  \
        for (intptr_t i = 0; i < n; i++)                                   \
            *(T *)(out + i * os) = eval(*(const T *)(in + i * is));        \
    }

PF_DEFINE_POLY8_REAL(pf_poly8_f32_scalar, float, pf_poly8_f32)
PF_DEFINE_POLY8_REAL(pf_poly8_f64_scalar, double, pf_poly8_f64)

#define PF_DEFINE_POLY8_COMPLEX(name, T)                                   \
    PF_KERNEL(name)                                                        \
    {                                                                      \
        (void)core_dims;                                                   \
        (void)hints;                                                       \
        const intptr_t is = steps[0], os = steps[1];                       \
        for (intptr_t i = 0; i < n; i++) {                                 \
            const T *z = (const T *)(args[0] + i * is);                    \
            const T zr = z[0], zi = z[1];                                  \
            T yr, yi;                                                      \
            PF_POLY8_COMPLEX(T, zr, zi, yr, yi);                           \
            T *y = (T *)(args[1] + i * os);                                \
            y[0] = yr;                                                     \
            y[1] = yi;                                                     \
        }                                                                  \
    }

PF_DEFINE_POLY8_COMPLEX(pf_poly8_c64_scalar, float)
PF_DEFINE_POLY8_COMPLEX(pf_poly8_c128_scalar, double)

/* polyval: args = (x, c, out); steps = (x, c, out outer strides, c core stride). */
#define PF_DEFINE_POLYVAL(name, T)                                         \
    PF_KERNEL(name)                                                        \
    {                                                                      \
        (void)hints;                                                       \
        const intptr_t ncoef = core_dims[0];                               \
        const intptr_t xs = steps[0], cs = steps[1], os = steps[2];        \
        const intptr_t ccore = steps[3];                                   \
        for (intptr_t i = 0; i < n; i++) {                                 \
            const T x = *(const T *)(args[0] + i * xs);                    \
            const char *c = args[1] + i * cs;                              \
            T result;                                                      \
            PF_POLYVAL_HORNER(T, x, c, ccore, ncoef, result);              \
            *(T *)(args[2] + i * os) = result;                             \
        }                                                                  \
    }

PF_DEFINE_POLYVAL(pf_polyval_f32_scalar, float)
PF_DEFINE_POLYVAL(pf_polyval_f64_scalar, double)
