/*
 * Included first by every <family>_simd.c.  src/meson.build compiles each such
 * file once per vector level, with that level's instruction-set flags and
 * -DPF_BUILD_<LEVEL>; this header turns that into the names the templates use:
 *   PF_LEVEL      the level's suffix (kernels are named PF_NAME(base))
 *   PF_VBYTES     vector width in bytes
 *   PF_STREAM_F64(ptr, vec), PF_STREAM_F32(ptr, vec)   aligned non-temporal
 *                 stores (plain stores where the level has none)
 *   PF_STREAM_FENCE()   orders those stores before the kernel returns
 *   PF_SHUFFLE2(a, b, IV, i...)   lanes i... of the concatenation of a and b
 * and includes the intrinsics.  The flags never include FMA: a fused
 * multiply-add would change results (and -ffp-contract=off forbids contraction,
 * which matters most on arm64, where every CPU has FMA).
 *
 * The vector kernels are written with GCC vector extensions, which gcc and
 * clang (clang-cl on Windows) accept; a compiler without them builds the
 * scalar level only (src/meson.build).
 */
#ifndef POLYFAST_SIMD_TARGET_H
#define POLYFAST_SIMD_TARGET_H

#include "runtime/simd_levels.h"

#if !defined(__GNUC__) && !defined(__clang__)
#error "the vector levels need GCC vector extensions (gcc, clang, clang-cl); src/meson.build builds none for other compilers"
#endif

#if defined(PF_BUILD_AVX512)
#include <immintrin.h>
#define PF_LEVEL avx512
#define PF_VBYTES 64
#define PF_STREAM_F64(p, v) _mm512_stream_pd((p), (v))
#define PF_STREAM_F32(p, v) _mm512_stream_ps((p), (v))
#define PF_STREAM_FENCE() _mm_sfence()
#elif defined(PF_BUILD_AVX2)
#include <immintrin.h>
#define PF_LEVEL avx2
#define PF_VBYTES 32
#define PF_STREAM_F64(p, v) _mm256_stream_pd((p), (v))
#define PF_STREAM_F32(p, v) _mm256_stream_ps((p), (v))
#define PF_STREAM_FENCE() _mm_sfence()
#elif defined(PF_BUILD_NEON)
#include <arm_neon.h>
#include <string.h>
#define PF_LEVEL neon
#define PF_VBYTES 16
/* NEON has non-temporal pair stores (STNP) but no intrinsic for them that
 * both compilers offer: a plain store. */
#define PF_STREAM_F64(p, v) memcpy((p), &(v), PF_VBYTES)
#define PF_STREAM_F32(p, v) memcpy((p), &(v), PF_VBYTES)
#define PF_STREAM_FENCE() ((void)0)
/* x86's movemask for NEON: bit l = the sign bit of lane l. */
static inline unsigned pf_neon_bits64(int64x2_t v)
{
    const uint64x2_t sign = vshrq_n_u64(vreinterpretq_u64_s64(v), 63);
    return (unsigned)(vgetq_lane_u64(sign, 0) | vgetq_lane_u64(sign, 1) << 1);
}
static inline unsigned pf_neon_bits32(int32x4_t v)
{
    static const int32_t shift[4] = {0, 1, 2, 3};
    const uint32x4_t sign = vshrq_n_u32(vreinterpretq_u32_s32(v), 31);
    return (unsigned)vaddvq_u32(vshlq_u32(sign, vld1q_s32(shift)));
}
/* Bit l set where a or b is NaN in lane l.  FCMEQ is the quiet compare: no
 * "invalid" flag for a quiet NaN. */
static inline unsigned pf_neon_unord64(float64x2_t a, float64x2_t b)
{
    const uint64x2_t ordered = vandq_u64(vceqq_f64(a, a), vceqq_f64(b, b));
    return ~pf_neon_bits64(vreinterpretq_s64_u64(ordered)) & 0x3u;
}
static inline unsigned pf_neon_unord32(float32x4_t a, float32x4_t b)
{
    const uint32x4_t ordered = vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b));
    return ~pf_neon_bits32(vreinterpretq_s32_u32(ordered)) & 0xfu;
}
#else
#error "a <family>_simd.c is compiled once per vector level by src/meson.build, with -DPF_BUILD_<LEVEL>"
#endif

/* One spelling of a two-vector shuffle: __builtin_shufflevector (clang; gcc
 * since 12) takes the indices as constants, GCC's older __builtin_shuffle as a
 * mask vector of type IV. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define PF_HAVE_SHUFFLEVECTOR 1
#endif
#endif
#if defined(PF_HAVE_SHUFFLEVECTOR)
#define PF_SHUFFLE2(a, b, IV, ...) __builtin_shufflevector((a), (b), __VA_ARGS__)
#else
#define PF_SHUFFLE2(a, b, IV, ...) __builtin_shuffle((a), (b), (IV){__VA_ARGS__})
#endif

#endif
