/*
 * Stopping a long call early, cooperatively.
 *
 * The thread that makes a call (the one Python waits on) opens a watch around
 * it; while the call runs, that thread's checks call the watch's poll function
 * (the module's: Python's pending signals) at most every PF_POLL_INTERVAL_NS,
 * and once a poll says stop, the watch's stop flag is set.  The pool hands the
 * flag to the workers running the call's blocks, stops handing out blocks
 * when it is set, and a kernel with long items calls pf_interrupted() every
 * so many iterations of its inner loop and returns early when it says so.
 * Which items of an interrupted call were computed is then unspecified; a
 * kernel never writes a partial result for an item it abandons.
 *
 * A thread without a watch counts as a worker of the pool's current job (the
 * pool's own workers, which must not write thread-local state): it stops when
 * that job's caller was interrupted.  A plain C program (the fuzz driver)
 * opens no watch and is never stopped.
 */
#ifndef POLYFAST_INTERRUPT_H
#define POLYFAST_INTERRUPT_H

#include <stdatomic.h>
#include <stdint.h>

/* How often the calling thread polls while a call runs: Ctrl-C is honoured
 * well within a second, and a poll (the GIL taken briefly) is noise next to
 * 50 ms of work. */
#define PF_POLL_INTERVAL_NS (50 * 1000 * 1000)

/* Returns nonzero to stop the call; runs on the calling thread only. */
typedef int (*pf_poll_fn)(void *arg);

typedef struct pf_watch {
    atomic_int stop;
    int64_t next_poll_ns;
    pf_poll_fn poll;
    void *poll_arg;
    struct pf_watch *outer; /* the watch this one is nested in */
    void *slot;             /* the thread's slot it is registered in */
} pf_watch;

/* Creates the thread key the watches live in; once, before any watch (the
 * pool's init calls it).  Without it, watches do nothing. */
void pf_interrupt_init(void);

/* Opens a watch on this thread (nested watches restore the outer one when
 * they end); the first poll is one interval after the first check. */
void pf_watch_begin(pf_watch *watch, pf_poll_fn poll, void *poll_arg);
void pf_watch_end(pf_watch *watch);

/* Why a watch's call stopped: the values of its stop flag (0: it runs). */
#define PF_STOP_POLLED 1 /* the poll said stop */
#define PF_STOP_FORKED 2 /* this process is the child of a fork taken in the
                          * call (in its poll), and work that the parent's
                          * workers had under way is lost (runtime/thread_pool.h) */

/* Whether the watch's call was stopped. */
static inline int pf_watch_stopped(const pf_watch *watch)
{
    return atomic_load_explicit(&watch->stop, memory_order_relaxed) != 0;
}

/* Why: 0 (not stopped), PF_STOP_POLLED or PF_STOP_FORKED. */
static inline int pf_watch_stop_reason(const pf_watch *watch)
{
    return atomic_load_explicit(&watch->stop, memory_order_relaxed);
}

/* The check: 1 when the call this thread works for must stop.  On the
 * calling thread it may poll (a clock read each time, a poll every
 * PF_POLL_INTERVAL_NS), so kernels call it every few tens of microseconds of
 * work, not per item. */
int pf_interrupted(void);

/* Whether this thread has a watch open (its serial loops then run in chunks
 * with a check between them). */
int pf_watching(void);

/* For the pool: the stop flag of this thread's watch (NULL if none), and the
 * flag that threads without a watch obey (the running job's, or NULL).  The
 * pool stores PF_STOP_FORKED in the flag of a call a fork cut short. */
atomic_int *pf_current_stop_flag(void);
void pf_share_stop_flag(const atomic_int *flag);

#endif
