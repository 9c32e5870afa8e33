/*
 * Included first by every <family>_simd.c.  src/meson.build compiles each such
 * file once per vector level, with that level's instruction-set flags and
 * -DPF_BUILD_<LEVEL>; this header turns that into the names the templates use:
 *   PF_LEVEL      the level's suffix (kernels are named PF_NAME(base))
 *   PF_VBYTES     vector width in bytes
 *   PF_STREAM_F64(ptr, vec), PF_STREAM_F32(ptr, vec)   aligned non-temporal stores
 * and includes the intrinsics.  The flags never include FMA: a fused
 * multiply-add would change results (and -ffp-contract=off forbids contraction).
 */
#ifndef POLYFAST_SIMD_TARGET_H
#define POLYFAST_SIMD_TARGET_H

#include "runtime/simd_levels.h"

#if defined(PF_BUILD_AVX512)
#include <immintrin.h>
#define PF_LEVEL avx512
#define PF_VBYTES 64
#define PF_STREAM_F64(p, v) _mm512_stream_pd((p), (v))
#define PF_STREAM_F32(p, v) _mm512_stream_ps((p), (v))
#elif defined(PF_BUILD_AVX2)
#include <immintrin.h>
#define PF_LEVEL avx2
#define PF_VBYTES 32
#define PF_STREAM_F64(p, v) _mm256_stream_pd((p), (v))
#define PF_STREAM_F32(p, v) _mm256_stream_ps((p), (v))
#else
#error "a <family>_simd.c is compiled once per vector level by src/meson.build, with -DPF_BUILD_<LEVEL>"
#endif

#endif
