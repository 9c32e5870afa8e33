/* The toy family's scalar level: y = 2x + 1. */
#include <stdint.h>

#include "runtime/kernel_api.h"

#define TOY_BODY(T)                                                        \
    (void)core_dims;                                                       \
    (void)hints;                                                           \
    for (intptr_t i = 0; i < n; i++) {                                     \
        const T x = *(const T *)(const void *)(args[0] + i * steps[0]);    \
        *(T *)(void *)(args[1] + i * steps[1]) = (T)2 * x + (T)1;          \
    }

PF_KERNEL(pf_toy_scale_f32_scalar) { TOY_BODY(float) }
PF_KERNEL(pf_toy_scale_f64_scalar) { TOY_BODY(double) }
