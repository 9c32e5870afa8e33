/* The toy family's vector levels: the same loop, compiled once per level
 * (TOY_WRONG, which .ci/fuzz_toy.sh sets, makes item 5 of a call wrong). */
#include "runtime/simd_target.h"

#include <stdint.h>

#include "runtime/kernel_api.h"

#ifndef TOY_WRONG
#define TOY_WRONG 0
#endif

#define TOY_BODY(T)                                                        \
    (void)core_dims;                                                       \
    (void)hints;                                                           \
    for (intptr_t i = 0; i < n; i++) {                                     \
        const T x = *(const T *)(const void *)(args[0] + i * steps[0]);    \
        *(T *)(void *)(args[1] + i * steps[1]) =                           \
            (T)2 * x + (T)1 + (T)(TOY_WRONG && i == 5);                    \
    }

PF_KERNEL(PF_NAME(pf_toy_scale_f32)) { TOY_BODY(float) }
PF_KERNEL(PF_NAME(pf_toy_scale_f64)) { TOY_BODY(double) }
