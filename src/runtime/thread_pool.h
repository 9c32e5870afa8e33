/*
 * The one thread pool every loop of polyfast shares.
 *
 * Persistent threads (runtime/threads.h: pthreads, or Win32 threads), started
 * lazily and re-created in a child after fork() where there is one.
 * A call splits [0, n) into blocks handed out from a shared counter; the
 * calling thread works too.  Only one call owns the pool at a time: a caller
 * that finds it busy (another Python thread, or a nested call) runs serially
 * instead of waiting, so concurrent callers never deadlock.  Floating-point
 * exception flags raised in workers are raised again on the calling thread,
 * where NumPy's errstate looks for them.
 */
#ifndef POLYFAST_THREAD_POOL_H
#define POLYFAST_THREAD_POOL_H

#include <stdint.h>

#define PF_MAX_THREADS 256

typedef void (*pf_range_fn)(void *ctx, intptr_t begin, intptr_t end);

/* Registers the fork handler and sets the thread count; call once at import. */
int pf_pool_init(int nthreads);

/* The CPUs this process may run on (its affinity mask). */
int pf_pool_default_threads(void);

int pf_pool_get_threads(void);

/* Returns -1 unless 1 <= nthreads <= PF_MAX_THREADS. */
int pf_pool_set_threads(int nthreads);

/*
 * Calls fn(ctx, begin, end) over [0, n).  Runs serially when n < min_parallel
 * or only one thread is configured; otherwise blocks hold at least `grain`
 * items.  fn must give each item a result that does not depend on the block
 * it falls in.  Must be called without the GIL held or with it released by
 * NumPy; fn must not touch Python.
 */
void pf_parallel_for(intptr_t n, intptr_t min_parallel, intptr_t grain,
                     pf_range_fn fn, void *ctx);

#endif
