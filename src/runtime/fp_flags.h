/*
 * Saving and restoring the caller's floating-point exception flags around a
 * kernel: what a call raises must not depend on the SIMD level or on lanes
 * that went on computing past their result, and NumPy turns raised flags into
 * warnings.  The one way polyfast does it.
 */
#ifndef POLYFAST_FP_FLAGS_H
#define POLYFAST_FP_FLAGS_H

#include <fenv.h>

#if defined(__MINGW32__)
/* mingw-w64's fesetexceptflag clears the whole MXCSR, exception masks
 * included, so the next overflow traps (seen with Debian 12's mingw-w64
 * under wine).  Test, clear and raise again: the same flags afterwards. */
typedef struct {
    int flags;
} pf_fpflags;

static inline void pf_fpflags_save(pf_fpflags *saved)
{
    saved->flags = fetestexcept(FE_ALL_EXCEPT);
}

static inline void pf_fpflags_restore(const pf_fpflags *saved)
{
    feclearexcept(FE_ALL_EXCEPT);
    if (saved->flags != 0)
        feraiseexcept(saved->flags);
}
#else
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

#endif
