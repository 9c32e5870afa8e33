/* The bump scan at the vector levels (compiled once per level,
 * runtime/simd_target.h): the skip over below-threshold items tests four
 * vectors per iteration (32 floats or 16 doubles with AVX2, 64 or 32 with
 * AVX-512 mask compares, 16 or 8 with NEON).  The scan inside a run is
 * bumps_scan_body.h's scalar code at every level.  Per type: the skip in
 * bumps_simd_skip_body.h, the scan and kernel in bumps_scan_body.h, included
 * here once per type. */
#include "runtime/simd_target.h"

#include <math.h>
#include <stdint.h>

/* The level's operations, per type (<OP>_f32, <OP>_f64), for
 * bumps_simd_skip_body.h.  x86: GE_MASK(x, t), the bitmask of the lanes of the
 * vector at x that are >= t; _CMP_GE_OQ is the quiet ordered >=: false for
 * NaN, no "invalid" flag. */
#if defined(PF_BUILD_AVX512)
#define V_f32 __m512
#define V_f64 __m512d
#define SET1_f32 _mm512_set1_ps
#define SET1_f64 _mm512_set1_pd
#define GE_MASK_f32(x, t) _mm512_cmp_ps_mask(_mm512_loadu_ps(x), (t), _CMP_GE_OQ)
#define GE_MASK_f64(x, t) _mm512_cmp_pd_mask(_mm512_loadu_pd(x), (t), _CMP_GE_OQ)
#elif defined(PF_BUILD_AVX2)
#define V_f32 __m256
#define V_f64 __m256d
#define SET1_f32 _mm256_set1_ps
#define SET1_f64 _mm256_set1_pd
#define GE_MASK_f32(x, t) _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x), (t), _CMP_GE_OQ))
#define GE_MASK_f64(x, t) _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(x), (t), _CMP_GE_OQ))
#elif defined(PF_BUILD_NEON)
static inline uint64_t pf_neon_any64(uint64x2_t v) { return vgetq_lane_u64(v, 0) | vgetq_lane_u64(v, 1); }
#define V_f32 float32x4_t
#define V_f64 float64x2_t
#define DUP_f32 vdupq_n_f32
#define DUP_f64 vdupq_n_f64
#define LD_f32 vld1q_f32
#define LD_f64 vld1q_f64
#define MAXNM_f32 vmaxnmq_f32
#define MAXNM_f64 vmaxnmq_f64
#define CEQ_f32 vceqq_f32
#define CEQ_f64 vceqq_f64
#define ORR_f32 vorrq_u32
#define ORR_f64 vorrq_u64
#define ANY_f32 vmaxvq_u32
#define ANY_f64 pf_neon_any64
#endif

#include "bumps/bumps.h"

#define PF_BUMPS_T float
#define PF_BUMPS_SUFFIX f32
#include "bumps/bumps_simd_skip_body.h"
#define PF_BUMPS_SKIP skip_simd_f32
#include "bumps/bumps_scan_body.h"

#define PF_BUMPS_T double
#define PF_BUMPS_SUFFIX f64
#include "bumps/bumps_simd_skip_body.h"
#define PF_BUMPS_SKIP skip_simd_f64
#include "bumps/bumps_scan_body.h"
