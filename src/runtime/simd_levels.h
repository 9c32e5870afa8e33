/*
 * The SIMD levels, listed once.  Every table of per-level kernels, every
 * per-level declaration and the level names derive from PF_FOR_EACH_SIMD_LEVEL,
 * so a new level is added here, in cpu_features.c's detection and in
 * src/meson.build's per-level flags, and nowhere else.
 *
 * The levels are those of the architecture the build targets: scalar, avx2,
 * avx512 on x86-64; scalar, neon on arm64; scalar alone elsewhere, or when the
 * build compiles no vector level (src/meson.build passes -DPF_SCALAR_ONLY, for
 * a compiler without GCC vector extensions).  A level is always a superset of
 * the ones below it, so PF_PICK_LEVEL and POLYFAST_SIMD may lower it.
 */
#ifndef POLYFAST_SIMD_LEVELS_H
#define POLYFAST_SIMD_LEVELS_H

#include <stddef.h>

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(PF_SCALAR_ONLY)
#define PF_HAVE_X86_LEVELS 1
typedef enum {
    PF_SIMD_SCALAR = 0,
    PF_SIMD_AVX2 = 1,
    PF_SIMD_AVX512 = 2,
    PF_SIMD_NLEVELS
} pf_simd_level;
/* X(level) for every level, lowest first, in the order of pf_simd_level. */
#define PF_FOR_EACH_SIMD_LEVEL(X) X(scalar) X(avx2) X(avx512)
#define PF_LEVEL_TABLE(base) {base##_scalar, base##_avx2, base##_avx512}
#elif (defined(__aarch64__) || defined(_M_ARM64)) && !defined(PF_SCALAR_ONLY)
#define PF_HAVE_NEON_LEVEL 1
typedef enum {
    PF_SIMD_SCALAR = 0,
    PF_SIMD_NEON = 1,
    PF_SIMD_NLEVELS
} pf_simd_level;
#define PF_FOR_EACH_SIMD_LEVEL(X) X(scalar) X(neon)
#define PF_LEVEL_TABLE(base) {base##_scalar, base##_neon}
#else
typedef enum {
    PF_SIMD_SCALAR = 0,
    PF_SIMD_NLEVELS
} pf_simd_level;
#define PF_FOR_EACH_SIMD_LEVEL(X) X(scalar)
#define PF_LEVEL_TABLE(base) {base##_scalar}
#endif
#ifndef PF_HAVE_X86_LEVELS
#define PF_HAVE_X86_LEVELS 0
#endif
#ifndef PF_HAVE_NEON_LEVEL
#define PF_HAVE_NEON_LEVEL 0
#endif

#define PF_CAT_(a, b) a##_##b
#define PF_CAT(a, b) PF_CAT_(a, b)

/* base_<level> for the level a file is compiled at (PF_LEVEL, set by
 * runtime/simd_target.h or by a scalar file itself). */
#define PF_NAME(base) PF_CAT(base, PF_LEVEL)

/* result = the entry of `table` at `level`, or at the highest level below it
 * that has one (entry 0, the scalar level, is never NULL). */
#define PF_PICK_LEVEL(table, level, result)                                \
    do {                                                                   \
        int level_ = (int)(level);                                         \
        while (level_ > 0 && (table)[level_] == NULL)                      \
            level_--;                                                      \
        (result) = (table)[level_];                                        \
    } while (0)

#endif
