#include "runtime/cpu_features.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set once at import, before any loop can run; atomic so that a read from a
 * pool worker is well defined anyway. */
static atomic_int selected_level = PF_SIMD_SCALAR;

void pf_set_selected_simd_level(pf_simd_level level)
{
    atomic_store(&selected_level, (int)level);
}

pf_simd_level pf_selected_simd_level(void)
{
    return (pf_simd_level)atomic_load(&selected_level);
}

#define PF_LEVEL_NAME(level) #level,
static const char *const level_names[PF_SIMD_NLEVELS] = {PF_FOR_EACH_SIMD_LEVEL(PF_LEVEL_NAME)};
#undef PF_LEVEL_NAME

pf_simd_level pf_cpu_best_simd_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    /* libgcc's probe also checks XCR0, so a CPU whose OS has not enabled the
     * AVX-512 register state reports no avx512f here. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        return PF_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi"))
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

/* Linux's sysfs describes the caches as the kernel sees them; glibc's sysconf
 * derives them from CPUID and was seen reporting 320 MiB of L3 on a VM whose
 * sysfs (and lscpu) say 32 MiB. */
static intptr_t sysfs_last_level_cache_bytes(void)
{
    intptr_t best_bytes = -1;
    int best_level = -1;
    for (int index = 0; index < 8; index++) {
        char path[96];
        int level;
        char size_text[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
        FILE *file = fopen(path, "r");
        if (file == NULL)
            break;
        const int got_level = fscanf(file, "%d", &level);
        fclose(file);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        file = fopen(path, "r");
        if (file == NULL)
            continue;
        const int got_size = fscanf(file, "%31s", size_text);
        fclose(file);
        if (got_level != 1 || got_size != 1 || level < best_level)
            continue;
        char *unit;
        long long bytes = strtoll(size_text, &unit, 10);
        if (*unit == 'K')
            bytes <<= 10;
        else if (*unit == 'M')
            bytes <<= 20;
        else if (*unit == 'G')
            bytes <<= 30;
        if (bytes > 0) {
            best_level = level;
            best_bytes = (intptr_t)bytes;
        }
    }
    return best_bytes;
}

intptr_t pf_cpu_last_level_cache_bytes(void)
{
    intptr_t bytes = sysfs_last_level_cache_bytes();
    if (bytes > 0)
        return bytes;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (reported <= 0)
        reported = sysconf(_SC_LEVEL2_CACHE_SIZE);
    if (reported > 0)
        return (intptr_t)reported;
#endif
    return (intptr_t)8 << 20;
}
