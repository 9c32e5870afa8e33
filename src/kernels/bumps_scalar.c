/* The bump scan, plain C.  The scan is branchy and its skip over the
 * below-threshold background already runs at memory speed, so it has one
 * level only (benchmarks/report_bumps.py measures it against np.sum). */
#include "kernels/bumps.h"

#include <math.h>

/*
 * The notebook's loop, restructured but equivalent:
 *
 *     for i in range(len(targets)):
 *         if targets[i] >= threshold: extend the run
 *         if (targets[i] < threshold or i == len(targets)-1) and state > 0: close it
 *
 * Outside a run only targets[i] >= threshold matters, so that is a skip loop.
 * Inside a run, >= extends, < ends, NaN does neither; the end of the row closes
 * it.  isgreaterequal/isless are the quiet comparisons: a NaN in the data
 * raises no floating-point "invalid" flag (NumPy would turn it into a warning).
 * always_inline with a constant stride gives the contiguous case a loop of its
 * own.
 */
#define PF_DEFINE_BUMPS_SCAN(name, T)                                        \
    static inline __attribute__((always_inline)) intptr_t name##_impl(      \
        const char *row, intptr_t len, intptr_t stride, T threshold,        \
        double integral_threshold, int64_t min_width, char *out,            \
        intptr_t out_stride, intptr_t cap)                                  \
    {                                                                       \
        intptr_t count = 0;                                                 \
        intptr_t i = 0;                                                     \
        for (;;) {                                                          \
            while (i < len && !isgreaterequal(*(const T *)(row + i * stride), threshold)) \
                i++;                                                        \
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
            return name##_impl(row, len, (intptr_t)sizeof(T), threshold,    \
                               (double)integral_threshold, min_width, out,  \
                               out_stride, cap);                            \
        return name##_impl(row, len, stride, threshold, (double)integral_threshold, \
                           min_width, out, out_stride, cap);                \
    }

PF_DEFINE_BUMPS_SCAN(pf_bumps_scan_f32, float)
PF_DEFINE_BUMPS_SCAN(pf_bumps_scan_f64, double)

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

PF_DEFINE_FIND_BUMPS(pf_find_bumps_f32_scalar, float, pf_bumps_scan_f32)
PF_DEFINE_FIND_BUMPS(pf_find_bumps_f64_scalar, double, pf_bumps_scan_f64)
