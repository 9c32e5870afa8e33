/* The bump scan at the vector levels (compiled once per level,
 * runtime/simd_target.h): the skip over below-threshold items tests four
 * vectors per iteration (32 floats or 16 doubles with AVX2, 64 or 32 with
 * AVX-512 mask compares, 16 or 8 with NEON).  The scan inside a run is
 * bumps_scan.h's scalar code at every level. */
#include "runtime/simd_target.h"

#include <math.h>
#include <stdint.h>

/* GE_MASK_*(x, t): the bitmask of the lanes of the vector at x that are
 * >= t.  _CMP_GE_OQ is the quiet ordered >=: false for NaN, no "invalid"
 * flag. */
#if defined(PF_BUILD_AVX512)
#define V_F32 __m512
#define V_F64 __m512d
#define SET1_F32 _mm512_set1_ps
#define SET1_F64 _mm512_set1_pd
#define GE_MASK_F32(x, t) _mm512_cmp_ps_mask(_mm512_loadu_ps(x), (t), _CMP_GE_OQ)
#define GE_MASK_F64(x, t) _mm512_cmp_pd_mask(_mm512_loadu_pd(x), (t), _CMP_GE_OQ)
#elif defined(PF_BUILD_AVX2)
#define V_F32 __m256
#define V_F64 __m256d
#define SET1_F32 _mm256_set1_ps
#define SET1_F64 _mm256_set1_pd
#define GE_MASK_F32(x, t) _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x), (t), _CMP_GE_OQ))
#define GE_MASK_F64(x, t) _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x), (t), _CMP_GE_OQ))
#endif

#if defined(PF_BUILD_NEON)
static inline uint64_t pf_neon_any64(uint64x2_t v) { return vgetq_lane_u64(v, 0) | vgetq_lane_u64(v, 1); }

/* The contract of bumps_scan.h's skip_scalar_*: the first index j in
 * [i, len) with x[j] >= threshold, or len.  NEON's ordered compares (FCMGE)
 * raise "invalid" on a NaN, so x >= t is tested quietly as max(x, t) == x:
 * FMAXNM returns t when x is a quiet NaN, and FCMEQ of t with NaN is false
 * without a flag; +-0 and infinities compare as >= does.  A NaN threshold
 * (nothing is >= it) would make FMAXNM return x: no item is found then.  A
 * group of four vectors with a hit is resolved by the scalar loop below. */
#define DEFINE_SKIP(name, T, V, dup, ld, maxnm, ceq, orr, any)              \
    static inline intptr_t name(const T *x, intptr_t i, intptr_t len, T threshold) \
    {                                                                       \
        enum { lanes = PF_VBYTES / sizeof(T) };                             \
        if (threshold != threshold)                                         \
            return len;                                                     \
        const V t = dup(threshold);                                         \
        for (; i + 4 * lanes <= len; i += 4 * lanes) {                      \
            const V a = ld(x + i), b = ld(x + i + lanes);                   \
            const V c = ld(x + i + 2 * lanes), d = ld(x + i + 3 * lanes);   \
            if (any(orr(orr(ceq(maxnm(a, t), a), ceq(maxnm(b, t), b)),     \
                        orr(ceq(maxnm(c, t), c), ceq(maxnm(d, t), d)))) != 0) \
                break;                                                      \
        }                                                                   \
        while (i < len && !isgreaterequal(x[i], threshold))                 \
            i++;                                                            \
        return i;                                                           \
    }

DEFINE_SKIP(skip_simd_f32, float, float32x4_t, vdupq_n_f32, vld1q_f32, vmaxnmq_f32,
            vceqq_f32, vorrq_u32, vmaxvq_u32)
DEFINE_SKIP(skip_simd_f64, double, float64x2_t, vdupq_n_f64, vld1q_f64, vmaxnmq_f64,
            vceqq_f64, vorrq_u64, pf_neon_any64)
#else
/* The contract of bumps_scan.h's skip_scalar_*: the first index j in
 * [i, len) with x[j] >= threshold, or len. */
#define DEFINE_SKIP(name, T, V, set1, ge_mask)                              \
    static inline intptr_t name(const T *x, intptr_t i, intptr_t len, T threshold) \
    {                                                                       \
        enum { lanes = PF_VBYTES / sizeof(T) };                             \
        const V t = set1(threshold);                                        \
        for (; i + 4 * lanes <= len; i += 4 * lanes) {                      \
            const uint64_t mask = (uint64_t)ge_mask(x + i, t) |             \
                                  (uint64_t)ge_mask(x + i + lanes, t) << lanes | \
                                  (uint64_t)ge_mask(x + i + 2 * lanes, t) << 2 * lanes | \
                                  (uint64_t)ge_mask(x + i + 3 * lanes, t) << 3 * lanes; \
            if (mask != 0)                                                  \
                return i + __builtin_ctzll(mask);                           \
        }                                                                   \
        while (i < len && !isgreaterequal(x[i], threshold))       \
            i++;                                                            \
        return i;                                                           \
    }

DEFINE_SKIP(skip_simd_f32, float, V_F32, SET1_F32, GE_MASK_F32)
DEFINE_SKIP(skip_simd_f64, double, V_F64, SET1_F64, GE_MASK_F64)

#endif

#define PF_BUMPS_SKIP_F32 skip_simd_f32
#define PF_BUMPS_SKIP_F64 skip_simd_f64
#include "bumps/bumps_scan.h"
