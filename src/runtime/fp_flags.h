/*
 * Saving and restoring the caller's floating-point exception flags around a
 * kernel: what a call raises must not depend on the SIMD level or on lanes
 * that went on computing past their result, and NumPy turns raised flags into
 * warnings.  The one way polyfast does it.
 */
#ifndef POLYFAST_FP_FLAGS_H
#define POLYFAST_FP_FLAGS_H

#include <fenv.h>

/* Restoring costs far more than testing (x86: an x87 environment store and
 * load), and a caller that has computed anything already holds the inexact
 * flag a kernel raises, so most restores would write back what is there: a
 * scalar kernel called once per point from numba-compiled code paid that on
 * every point.  So the flags are restored only when they differ. */
#if (defined(__x86_64__) || defined(_M_X64)) && !defined(__MINGW32__)
/* x86-64: every kernel computes in SSE registers (the ABI's floating point),
 * so the flags a kernel can raise are MXCSR's, read and written in a cycle
 * or two where the C library's calls also store the x87 environment. */
#include <xmmintrin.h>

typedef struct {
    unsigned int csr;
} pf_fpflags;

static inline void pf_fpflags_save(pf_fpflags *saved)
{
    saved->csr = _mm_getcsr();
}

static inline void pf_fpflags_restore(const pf_fpflags *saved)
{
    if (_mm_getcsr() != saved->csr)
        _mm_setcsr(saved->csr);
}
#elif defined(__MINGW32__)
/* mingw-w64's fesetexceptflag clears the whole MXCSR, exception masks
 * included, so the next overflow traps (seen with Debian 12's mingw-w64
 * under wine).  Test, clear and raise again: the same flags afterwards. */
typedef struct {
    int raised;
} pf_fpflags;

static inline void pf_fpflags_save(pf_fpflags *saved)
{
    saved->raised = fetestexcept(FE_ALL_EXCEPT);
}

static inline void pf_fpflags_restore(const pf_fpflags *saved)
{
    if (fetestexcept(FE_ALL_EXCEPT) == saved->raised)
        return;
    feclearexcept(FE_ALL_EXCEPT);
    if (saved->raised != 0)
        feraiseexcept(saved->raised);
}
#else
typedef struct {
    fexcept_t flags;
    int raised;
} pf_fpflags;

static inline void pf_fpflags_save(pf_fpflags *saved)
{
    saved->raised = fetestexcept(FE_ALL_EXCEPT);
    fegetexceptflag(&saved->flags, FE_ALL_EXCEPT);
}

static inline void pf_fpflags_restore(const pf_fpflags *saved)
{
    if (fetestexcept(FE_ALL_EXCEPT) != saved->raised)
        fesetexceptflag(&saved->flags, FE_ALL_EXCEPT);
}
#endif

#endif
