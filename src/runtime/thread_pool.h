/*
 * The one thread pool every loop of polyfast shares.
 *
 * Persistent threads (runtime/threads.h: pthreads, or Win32 threads), started
 * lazily; where there is fork(), retired before it when the pool is idle and
 * started again on the next parallel call, in the parent and in the child.
 * A fork taken by a call's own thread while it runs (a signal handler its
 * poll ran) leaves the child's call without its helpers: it finishes alone,
 * or, if a helper's block was under way, stops as an interrupted call does
 * with PF_STOP_FORKED in its stop flag (runtime/interrupt.h).
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
 * Calls fn(ctx, begin, end) over [0, n) on this thread, in order: in one call,
 * or, while a watch is open (runtime/interrupt.h), in chunks of `chunk` items
 * with a check between them, stopping early when the call is interrupted.
 */
void pf_serial_for(intptr_t n, intptr_t chunk, pf_range_fn fn, void *ctx);

/* The chunk pf_parallel_for uses when it runs a call serially: many times
 * min_parallel (a few milliseconds of cheap items), whole SIMD bodies. */
intptr_t pf_serial_chunk(intptr_t min_parallel, intptr_t grain);

/*
 * Calls fn(ctx, begin, end) over [0, n).  Runs serially when n < min_parallel
 * or only one thread is configured; otherwise blocks hold at least `grain`
 * items.  fn must give each item a result that does not depend on the block
 * it falls in.  Must be called without the GIL held or with it released by
 * NumPy; fn must not touch Python.  When the caller's watch stops the call
 * (runtime/interrupt.h), no further block is started and the call returns
 * once the blocks under way have ended; which items were computed is then
 * unspecified.
 */
void pf_parallel_for(intptr_t n, intptr_t min_parallel, intptr_t grain,
                     pf_range_fn fn, void *ctx);

#endif
