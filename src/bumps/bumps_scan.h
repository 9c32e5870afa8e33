/*
 * Template of the bump scan, included by bumps_scalar.c and bumps_simd.c (once
 * per SIMD level).  The includer defines
 *   PF_LEVEL                     suffix of the symbols (scalar, avx2, avx512, neon)
 * and, for a vectorized skip over the below-threshold background, static
 * functions named by
 *   PF_BUMPS_SKIP_F32, PF_BUMPS_SKIP_F64
 * with the contract of skip_scalar_* below.  The scan inside a run is the same
 * scalar code at every level, so every level finds the same bumps with the
 * same bits.
 */
#include <math.h>

#include "bumps/bumps.h"

/* The first index j in [i, len) with x[j] >= threshold, or len.
 * isgreaterequal is the quiet comparison: a NaN raises no "invalid" flag
 * (NumPy would turn it into a RuntimeWarning).  Eight items per branch: the
 * comparisons are combined without branching, so the background costs one
 * branch per eight items instead of one per item. */
#define PF_DEFINE_SKIP_SCALAR(name, T)                                      \
    static inline intptr_t name(const T *x, intptr_t i, intptr_t len, T threshold) \
    {                                                                       \
        for (; i + 8 <= len; i += 8) {                                      \
            const int any = isgreaterequal(x[i], threshold) |               \
                            isgreaterequal(x[i + 1], threshold) |           \
                            isgreaterequal(x[i + 2], threshold) |           \
                            isgreaterequal(x[i + 3], threshold) |           \
                            isgreaterequal(x[i + 4], threshold) |           \
                            isgreaterequal(x[i + 5], threshold) |           \
                            isgreaterequal(x[i + 6], threshold) |           \
                            isgreaterequal(x[i + 7], threshold);            \
            if (any)                                                        \
                break;                                                      \
        }                                                                   \
        while (i < len && !isgreaterequal(x[i], threshold))                 \
            i++;                                                            \
        return i;                                                           \
    }
PF_DEFINE_SKIP_SCALAR(skip_scalar_f32, float)
PF_DEFINE_SKIP_SCALAR(skip_scalar_f64, double)
#ifndef PF_BUMPS_SKIP_F32
#define PF_BUMPS_SKIP_F32 skip_scalar_f32
#define PF_BUMPS_SKIP_F64 skip_scalar_f64
#endif

/*
 * The notebook's loop, restructured but equivalent:
 *
 *     for i in range(len(targets)):
 *         if targets[i] >= threshold: extend the run
 *         if (targets[i] < threshold or i == len(targets)-1) and state > 0: close it
 *
 * Outside a run only targets[i] >= threshold matters, so that is a skip loop
 * (vectorized where the level allows, for contiguous rows).
 * Inside a run, >= extends, < ends, NaN does neither; the end of the row closes
 * it.  isgreaterequal/isless are the quiet comparisons (no "invalid" flag).
 * always_inline with a constant stride gives the contiguous case a loop of its
 * own.
 */
#define PF_DEFINE_BUMPS_SCAN(name, impl, T, skip)                           \
    static PF_ALWAYS_INLINE intptr_t impl(                                   \
        const char *row, intptr_t len, intptr_t stride, T threshold,        \
        double integral_threshold, int64_t min_width, char *out,            \
        intptr_t out_stride, intptr_t cap)                                  \
    {                                                                       \
        const T *row_t = (const T *)row;                                    \
        intptr_t count = 0;                                                 \
        intptr_t i = 0;                                                     \
        for (;;) {                                                          \
            if (stride == (intptr_t)sizeof(T))                              \
                i = skip(row_t, i, len, threshold);                         \
            else                                                            \
                while (i < len && !isgreaterequal(*(const T *)(row + i * stride), threshold)) \
                    i++;                                                    \
            if (i >= len)                                                   \
                break;                                                      \
            int64_t width = 0;                                              \
            double integral = 0.0, weighted = 0.0;                          \
            for (; i < len; i++) {                                          \
                const T x = *(const T *)(row + i * stride);                 \
                if (isgreaterequal(x, threshold)) {                         \
                    width++;                                                \
                    integral += (double)x;                                  \
                    weighted += (double)i * (double)x;                      \
                } else if (isless(x, threshold)) {                          \
                    break;                                                  \
                }                                                           \
            }                                                               \
            if (width >= min_width && integral >= integral_threshold) {     \
                if (count < cap)                                            \
                    *(T *)(out + count * out_stride) = (T)(weighted / integral); \
                count++;                                                    \
            }                                                               \
            i++; /* targets[i] < threshold (or i == len): not in a run */   \
        }                                                                   \
        return count;                                                       \
    }                                                                       \
    intptr_t name(const char *row, intptr_t len, intptr_t stride, T threshold, \
                  T integral_threshold, int64_t min_width, char *out,       \
                  intptr_t out_stride, intptr_t cap)                        \
    {                                                                       \
        if (stride == (intptr_t)sizeof(T))                                  \
            return impl(row, len, (intptr_t)sizeof(T), threshold,    \
                               (double)integral_threshold, min_width, out,  \
                               out_stride, cap);                            \
        return impl(row, len, stride, threshold, (double)integral_threshold, \
                           min_width, out, out_stride, cap);                \
    }

PF_DEFINE_BUMPS_SCAN(PF_NAME(pf_bumps_scan_f32), scan_impl_f32, float, PF_BUMPS_SKIP_F32)
PF_DEFINE_BUMPS_SCAN(PF_NAME(pf_bumps_scan_f64), scan_impl_f64, double, PF_BUMPS_SKIP_F64)

#define PF_DEFINE_FIND_BUMPS(name, T, scan)                                 \
    PF_KERNEL(name)                                                         \
    {                                                                       \
        (void)hints;                                                        \
        const intptr_t len = core_dims[0], m = core_dims[1];                \
        const intptr_t core_in = steps[6], core_out = steps[7];             \
        for (intptr_t k = 0; k < n; k++) {                                  \
            const char *row = args[0] + k * steps[0];                       \
            const T threshold = *(const T *)(args[1] + k * steps[1]);       \
            const T integral_threshold = *(const T *)(args[2] + k * steps[2]); \
            const int64_t min_width = *(const int64_t *)(args[3] + k * steps[3]); \
            char *locations = args[4] + k * steps[4];                       \
            const intptr_t count = scan(row, len, core_in, threshold,       \
                                        integral_threshold, min_width,      \
                                        locations, core_out, m);            \
            for (intptr_t j = count; j < m; j++)                            \
                *(T *)(locations + j * core_out) = (T)NAN;                  \
            *(int64_t *)(args[5] + k * steps[5]) = (int64_t)count;          \
        }                                                                   \
    }

PF_DEFINE_FIND_BUMPS(PF_NAME(pf_find_bumps_f32), float, PF_NAME(pf_bumps_scan_f32))
PF_DEFINE_FIND_BUMPS(PF_NAME(pf_find_bumps_f64), double, PF_NAME(pf_bumps_scan_f64))
