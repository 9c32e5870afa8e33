/* norm_pdf loops: glibc's exp dominates the cost, so there is no SIMD level;
 * the contiguous path only spares the stride arithmetic. */
#include "norm_pdf/norm_pdf.h"

#define PF_DEFINE_NORM_PDF(name, T)                                        \
    PF_KERNEL(name)                                                        \
    {                                                                      \
        (void)core_dims;                                                   \
        (void)hints;                                                       \
        const intptr_t s0 = steps[0], s1 = steps[1], s2 = steps[2];        \
        const intptr_t so = steps[3];                                      \
        if (n > 0 && s0 == 0 && s1 == 0 && s2 == sizeof(T) &&              \
            so == sizeof(T)) {                                             \
            /* scalar loc and scale, contiguous x (read first: n > 0) */  \
            const double loc = *(const T *)args[0];                        \
            const double scale = *(const T *)args[1];                      \
            const T *x = (const T *)args[2];                               \
            T *out = (T *)args[3];                                         \
            for (intptr_t i = 0; i < n; i++)                               \
                out[i] = (T)pf_norm_pdf_f64(loc, scale, (double)x[i]);     \
            return;                                                        \
        }                                                                  \
        for (intptr_t i = 0; i < n; i++) {                                 \
            const double loc = *(const T *)(args[0] + i * s0);             \
            const double scale = *(const T *)(args[1] + i * s1);           \
            const double x = *(const T *)(args[2] + i * s2);               \
            *(T *)(args[3] + i * so) = (T)pf_norm_pdf_f64(loc, scale, x);  \
        }                                                                  \
    }

PF_DEFINE_NORM_PDF(pf_norm_pdf_f32_scalar, float)
PF_DEFINE_NORM_PDF(pf_norm_pdf_f64_scalar, double)
