/* The bump scan for CPUs with AVX-512: the skip over below-threshold items
 * tests 64 floats (32 doubles) per iteration with mask compares.  Selected at
 * run time, never required by the build; elsewhere than x86-64 it compiles
 * the scalar skip. */
#include <stdint.h>

#if defined(__x86_64__)
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,bmi")
#include <immintrin.h>

/* _CMP_GE_OQ is the quiet ordered >=: false for NaN, no "invalid" flag. */
static inline intptr_t skip_avx512_f32(const float *x, intptr_t i, intptr_t len, float threshold)
{
    const __m512 t = _mm512_set1_ps(threshold);
    for (; i + 64 <= len; i += 64) {
        const uint64_t m0 = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i), t, _CMP_GE_OQ);
        const uint64_t m1 = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i + 16), t, _CMP_GE_OQ);
        const uint64_t m2 = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i + 32), t, _CMP_GE_OQ);
        const uint64_t m3 = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i + 48), t, _CMP_GE_OQ);
        const uint64_t mask = m0 | m1 << 16 | m2 << 32 | m3 << 48;
        if (mask != 0)
            return i + __builtin_ctzll(mask);
    }
    while (i < len && !__builtin_isgreaterequal(x[i], threshold))
        i++;
    return i;
}

static inline intptr_t skip_avx512_f64(const double *x, intptr_t i, intptr_t len, double threshold)
{
    const __m512d t = _mm512_set1_pd(threshold);
    for (; i + 32 <= len; i += 32) {
        const unsigned m0 = _mm512_cmp_pd_mask(_mm512_loadu_pd(x + i), t, _CMP_GE_OQ);
        const unsigned m1 = _mm512_cmp_pd_mask(_mm512_loadu_pd(x + i + 8), t, _CMP_GE_OQ);
        const unsigned m2 = _mm512_cmp_pd_mask(_mm512_loadu_pd(x + i + 16), t, _CMP_GE_OQ);
        const unsigned m3 = _mm512_cmp_pd_mask(_mm512_loadu_pd(x + i + 24), t, _CMP_GE_OQ);
        const unsigned mask = m0 | m1 << 8 | m2 << 16 | m3 << 24;
        if (mask != 0)
            return i + __builtin_ctz(mask);
    }
    while (i < len && !__builtin_isgreaterequal(x[i], threshold))
        i++;
    return i;
}

#define PF_BUMPS_SKIP_F32 skip_avx512_f32
#define PF_BUMPS_SKIP_F64 skip_avx512_f64
#endif

#define PF_LEVEL avx512
#include "kernels/bumps_scan.h"
