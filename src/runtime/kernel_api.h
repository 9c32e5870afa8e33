/*
 * The calling convention shared by every kernel of every family.
 *
 * Kernels are plain C with no Python or NumPy headers so they can be compiled,
 * tested and timed on their own.  The shape mirrors a NumPy inner loop, minus
 * the outer dimension that the thread pool splits: `args` are the operand base
 * pointers for this block, `n` the number of outer elements in it, `core_dims`
 * the gufunc core sizes (unused by plain ufuncs) and `steps` NumPy's byte
 * strides (outer strides first, then core strides) and `hints` PF_HINT_* bits.
 */
#ifndef POLYFAST_KERNEL_API_H
#define POLYFAST_KERNEL_API_H

#include <stdint.h>

typedef void (*pf_kernel_fn)(char *const *args, intptr_t n,
                             const intptr_t *core_dims, const intptr_t *steps,
                             unsigned hints);

#define PF_KERNEL(name)                                                    \
    void name(char *const *args, intptr_t n, const intptr_t *core_dims,   \
              const intptr_t *steps, unsigned hints)

/*
 * Hints the caller knows and the kernel cannot: a block is only a slice of the
 * whole call, and whether its output can stay in cache depends on the call.
 *   PF_HINT_STREAM: the call's output is larger than the cache, so contiguous
 *   outputs may be written with non-temporal stores, which skips reading the
 *   destination in first (a third of the memory traffic of x -> f(x)).
 */
enum { PF_HINT_STREAM = 1u };

/* A helper whose constant arguments must specialize its body in each caller
 * (a contiguous row gets a loop of its own): forced inline where the compiler
 * has a spelling for it, a plain hint elsewhere. */
#if defined(__GNUC__) || defined(__clang__)
#define PF_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define PF_ALWAYS_INLINE __forceinline
#else
#define PF_ALWAYS_INLINE inline
#endif

#endif
