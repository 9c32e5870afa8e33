/*
 * Saving and restoring the caller's floating-point exception flags around a
 * kernel: what a call raises must not depend on the SIMD level or on lanes
 * that went on computing past their result, and NumPy turns raised flags into
 * warnings.  The one way polyfast does it.
 */
#ifndef POLYFAST_FP_FLAGS_H
#define POLYFAST_FP_FLAGS_H

#include <fenv.h>

typedef struct {
    fexcept_t flags;
} pf_fpflags;

static inline void pf_fpflags_save(pf_fpflags *saved)
{
    fegetexceptflag(&saved->flags, FE_ALL_EXCEPT);
}

static inline void pf_fpflags_restore(const pf_fpflags *saved)
{
    fesetexceptflag(&saved->flags, FE_ALL_EXCEPT);
}

#endif
