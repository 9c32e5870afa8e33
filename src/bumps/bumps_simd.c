/* The bump scan at the vector levels (compiled once per level,
 * runtime/simd_target.h): the skip over below-threshold items tests four
 * vectors per iteration (32 floats or 16 doubles with AVX2, 64 or 32 with
 * AVX-512 mask compares).  The scan inside a run is bumps_scan.h's scalar
 * code at every level. */
#include "runtime/simd_target.h"

#include <stdint.h>

#if defined(PF_BUILD_AVX512)
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
#else
/* _CMP_GE_OQ is the quiet ordered >=: false for NaN, no "invalid" flag. */
static inline intptr_t skip_avx2_f32(const float *x, intptr_t i, intptr_t len, float threshold)
{
    const __m256 t = _mm256_set1_ps(threshold);
    for (; i + 32 <= len; i += 32) {
        const unsigned m0 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i), t, _CMP_GE_OQ));
        const unsigned m1 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i + 8), t, _CMP_GE_OQ));
        const unsigned m2 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i + 16), t, _CMP_GE_OQ));
        const unsigned m3 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i + 24), t, _CMP_GE_OQ));
        const uint32_t mask = m0 | m1 << 8 | m2 << 16 | m3 << 24;
        if (mask != 0)
            return i + __builtin_ctz(mask);
    }
    while (i < len && !__builtin_isgreaterequal(x[i], threshold))
        i++;
    return i;
}

static inline intptr_t skip_avx2_f64(const double *x, intptr_t i, intptr_t len, double threshold)
{
    const __m256d t = _mm256_set1_pd(threshold);
    for (; i + 16 <= len; i += 16) {
        const unsigned m0 = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x + i), t, _CMP_GE_OQ));
        const unsigned m1 = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x + i + 4), t, _CMP_GE_OQ));
        const unsigned m2 = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x + i + 8), t, _CMP_GE_OQ));
        const unsigned m3 = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x + i + 12), t, _CMP_GE_OQ));
        const unsigned mask = m0 | m1 << 4 | m2 << 8 | m3 << 12;
        if (mask != 0)
            return i + __builtin_ctz(mask);
    }
    while (i < len && !__builtin_isgreaterequal(x[i], threshold))
        i++;
    return i;
}

#define PF_BUMPS_SKIP_F32 skip_avx2_f32
#define PF_BUMPS_SKIP_F64 skip_avx2_f64
#endif

#include "bumps/bumps_scan.h"
