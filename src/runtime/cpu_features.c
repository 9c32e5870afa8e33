#include "runtime/cpu_features.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <unistd.h> /* sysconf: every POSIX system */
#endif
#if defined(__linux__)
#include <sched.h> /* sched_getaffinity (_GNU_SOURCE, set by meson.build) */
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

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

/*
 * x86-64: CPUID says what the CPU has, XGETBV whether the OS saves the wider
 * registers (XCR0): AVX needs the SSE and AVX state (bits 1, 2), AVX-512 also
 * the opmask and upper ZMM state (bits 5, 6, 7).  Spelled with MSVC's
 * intrinsics under _MSC_VER (MSVC, clang-cl), <cpuid.h> and an inline XGETBV
 * under gcc and clang (the _xgetbv intrinsic would need -mxsave there).
 */
#if PF_HAVE_X86_LEVELS
#if defined(_MSC_VER)
#include <intrin.h>
static void cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4])
{
    int r[4];
    __cpuidex(r, (int)leaf, (int)subleaf);
    for (int k = 0; k < 4; k++)
        regs[k] = (unsigned)r[k];
}
static uint64_t xgetbv0(void) { return (uint64_t)_xgetbv(0); }
#elif defined(__GNUC__) || defined(__clang__)
#include <cpuid.h>
static void cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4])
{
    __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
}
static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#else
#error "no CPUID spelling for this compiler: build with -DPF_SCALAR_ONLY"
#endif

static pf_simd_level x86_best_level(void)
{
    unsigned r[4]; /* eax, ebx, ecx, edx */
    cpuid(0, 0, r);
    if (r[0] < 7)
        return PF_SIMD_SCALAR;
    cpuid(1, 0, r);
    const int osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
    if (!osxsave || !avx)
        return PF_SIMD_SCALAR;
    const uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6)
        return PF_SIMD_SCALAR;
    cpuid(7, 0, r);
    const unsigned ebx = r[1];
    const int bmi1 = (ebx >> 3) & 1, avx2 = (ebx >> 5) & 1;
    const int avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1;
    const int avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
    if (!avx2 || !bmi1)
        return PF_SIMD_SCALAR;
    if (avx512f && avx512dq && avx512bw && avx512vl && (xcr0 & 0xe6) == 0xe6)
        return PF_SIMD_AVX512;
    return PF_SIMD_AVX2;
}
#endif

pf_simd_level pf_cpu_best_simd_level(void)
{
#if PF_HAVE_X86_LEVELS
    return x86_best_level();
#elif PF_HAVE_NEON_LEVEL
    return PF_SIMD_NEON; /* Advanced SIMD is part of every arm64 CPU */
#else
    return PF_SIMD_SCALAR;
#endif
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

#if defined(__linux__)
/* Linux's sysfs describes the caches as the kernel sees them; glibc's sysconf
 * derives them from CPUID and was seen reporting 320 MiB of L3 on a VM whose
 * sysfs (and lscpu) say 32 MiB. */
static intptr_t os_last_level_cache_bytes(void)
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
#if defined(_SC_LEVEL3_CACHE_SIZE)
    if (best_bytes <= 0) {
        long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
        if (reported <= 0)
            reported = sysconf(_SC_LEVEL2_CACHE_SIZE);
        best_bytes = reported;
    }
#endif
    return best_bytes;
}
#elif defined(__APPLE__)
/* Apple silicon has no L3 (its shared L2 is the last level); Intel Macs do. */
static intptr_t os_last_level_cache_bytes(void)
{
    const char *const names[] = {"hw.l3cachesize", "hw.l2cachesize"};
    for (int k = 0; k < 2; k++) {
        int64_t bytes = 0;
        size_t size = sizeof bytes;
        if (sysctlbyname(names[k], &bytes, &size, NULL, 0) == 0 && bytes > 0)
            return (intptr_t)bytes;
    }
    return -1;
}
#elif defined(_WIN32)
/* The largest cache of the highest level the processor reports. */
static intptr_t os_last_level_cache_bytes(void)
{
    DWORD length = 0;
    GetLogicalProcessorInformationEx(RelationCache, NULL, &length);
    if (length == 0)
        return -1;
    char *buffer = malloc(length);
    if (buffer == NULL)
        return -1;
    intptr_t best_bytes = -1;
    int best_level = -1;
    if (GetLogicalProcessorInformationEx(RelationCache,
                                         (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)buffer, &length)) {
        for (DWORD offset = 0; offset < length;) {
            const SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *info =
                (const SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *)(buffer + offset);
            if (info->Size == 0)
                break;
            if (info->Relationship == RelationCache) {
                const CACHE_RELATIONSHIP *cache = &info->Cache;
                if (cache->Type != CacheInstruction && cache->Level >= best_level &&
                    cache->CacheSize > 0) {
                    if (cache->Level > best_level || (intptr_t)cache->CacheSize > best_bytes)
                        best_bytes = (intptr_t)cache->CacheSize;
                    best_level = cache->Level;
                }
            }
            offset += info->Size;
        }
    }
    free(buffer);
    return best_bytes;
}
#else
static intptr_t os_last_level_cache_bytes(void) { return -1; }
#endif

intptr_t pf_cpu_last_level_cache_bytes(void)
{
    const intptr_t bytes = os_last_level_cache_bytes();
    return bytes > 0 ? bytes : (intptr_t)8 << 20;
}

#if defined(_WIN32)
/* The processors of this process's affinity mask (its processor group); the
 * active processors of all groups when the mask is unavailable. */
static int os_cpu_count(void)
{
    DWORD_PTR process_mask = 0, system_mask = 0;
    if (GetProcessAffinityMask(GetCurrentProcess(), &process_mask, &system_mask) &&
        process_mask != 0) {
        int count = 0;
        for (; process_mask != 0; process_mask &= process_mask - 1)
            count++;
        return count;
    }
    return (int)GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
}
#else
static int os_cpu_count(void)
{
#if defined(__linux__)
    /* The affinity mask: what taskset, cgroups' cpusets and the like allow. */
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) == 0) {
        const int count = CPU_COUNT(&mask);
        if (count > 0)
            return count;
    }
#elif defined(__APPLE__)
    int count = 0;
    size_t size = sizeof count;
    if (sysctlbyname("hw.logicalcpu", &count, &size, NULL, 0) == 0 && count > 0)
        return count;
#endif
#if defined(_SC_NPROCESSORS_ONLN)
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online > 0)
        return online < INT32_MAX ? (int)online : INT32_MAX;
#endif
    return 1;
}
#endif

int pf_cpu_count(void)
{
    const int count = os_cpu_count();
    return count > 0 ? count : 1;
}
