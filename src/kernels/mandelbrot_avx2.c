/* The Mandelbrot kernels for CPUs with AVX2; selected at run time by
 * src/runtime/cpu_features.c, never required by the build.  No "fma" in the
 * target: a fused multiply-add would change the counts. */
#include "kernels/mandelbrot.h"

#if defined(__x86_64__)
#pragma GCC target("avx2")
#include <immintrin.h>

#define PF_LEVEL avx2
#define PF_VBYTES 32
#define PF_MB_GROUPS 4 /* 26.5 ms against 29.4 with 3 and 55 with 2 (2000x2000x200) */
#define PF_MB_KMASK 0
#define PF_MB_BITS_64(v) _mm256_movemask_pd((__m256d)(v))
#define PF_MB_BITS_32(v) _mm256_movemask_ps((__m256)(v))
#define PF_MB_UNORD_64(a, b) _mm256_movemask_pd(_mm256_cmp_pd((__m256d)(a), (__m256d)(b), _CMP_UNORD_Q))
#define PF_MB_UNORD_32(a, b) _mm256_movemask_ps(_mm256_cmp_ps((__m256)(a), (__m256)(b), _CMP_UNORD_Q))
#include "kernels/mandelbrot_simd.h"

#else
/* Other architectures never select this level; the symbols forward to the
 * baseline so the registration table links everywhere. */
PF_KERNEL(pf_mandelbrot_c64_avx2) { pf_mandelbrot_c64_scalar(args, n, core_dims, steps, hints); }
PF_KERNEL(pf_mandelbrot_c128_avx2) { pf_mandelbrot_c128_scalar(args, n, core_dims, steps, hints); }
#endif
