#include "runtime/cpu_features.h"

#include <string.h>
#include <unistd.h>

static const char *const level_names[PF_SIMD_NLEVELS] = {"scalar", "avx2", "avx512"};

pf_simd_level pf_cpu_best_simd_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    /* libgcc's probe also checks XCR0, so a CPU whose OS has not enabled the
     * AVX-512 register state reports no avx512f here. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        return PF_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return PF_SIMD_AVX2;
#endif
    return PF_SIMD_SCALAR;
}

const char *pf_simd_level_name(pf_simd_level level)
{
    if (level < 0 || level >= PF_SIMD_NLEVELS)
        return "unknown";
    return level_names[level];
}

int pf_simd_level_from_name(const char *name, pf_simd_level *level)
{
    for (int i = 0; i < PF_SIMD_NLEVELS; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *level = (pf_simd_level)i;
            return 0;
        }
    }
    return -1;
}

intptr_t pf_cpu_last_level_cache_bytes(void)
{
    long bytes = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (bytes <= 0)
        bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return bytes > 0 ? (intptr_t)bytes : (intptr_t)8 << 20;
}
