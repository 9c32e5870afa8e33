/* What the CPU can run, and the cache size that decides when to stream. */
#ifndef POLYFAST_CPU_FEATURES_H
#define POLYFAST_CPU_FEATURES_H

#include <stdint.h>

#include "runtime/simd_levels.h"

/* The best level this CPU and OS support (AVX state enabled in XCR0). */
pf_simd_level pf_cpu_best_simd_level(void);

const char *pf_simd_level_name(pf_simd_level level);

/* Parses a level name of this build ("scalar", "avx2", "avx512" on x86-64,
 * "scalar", "neon" on arm64); returns -1 for anything else. */
int pf_simd_level_from_name(const char *name, pf_simd_level *level);

/* The level the loops use: chosen once at import (module.c) from the CPU and
 * POLYFAST_SIMD, read by any C code that dispatches on its own. */
void pf_set_selected_simd_level(pf_simd_level level);
pf_simd_level pf_selected_simd_level(void);

/* Bytes of last-level cache (Linux sysfs, macOS sysctl, Windows
 * GetLogicalProcessorInformationEx), or a conservative guess when the OS won't
 * say. */
intptr_t pf_cpu_last_level_cache_bytes(void);

/* The CPUs this process may run on (its affinity mask where the OS has one),
 * at least 1. */
int pf_cpu_count(void);

#endif
