#include "runtime/thread_pool.h"

#include <fenv.h>
#include <stdatomic.h>

#include "runtime/cpu_features.h"
#include "runtime/interrupt.h"
#include "runtime/threads.h"

/* Blocks per thread: enough for dynamic balancing when one core is shared with
 * another process or items cost unequal time (Mandelbrot), few enough that
 * handing them out stays negligible. */
#define PF_BLOCKS_PER_THREAD 16

/* The largest block, and a watched serial call's chunk, in multiples of the
 * call's min_parallel (about the work worth a thread, tens of microseconds):
 * a huge call still checks for an interruption every few milliseconds
 * between blocks, and a kernel that fills a pipeline of vectors
 * (mandelbrot's) drains it rarely enough to cost under 1 %.  Kernels with
 * long items check inside their items. */
#define PF_CHUNK_FACTOR 64

/* How long a worker keeps polling for the next job, and a caller for its
 * helpers, before sleeping on a condition variable.  Waking a sleeping thread
 * costs a sizeable part of a mid-sized call; back-to-back calls (loops,
 * benchmarks, a notebook cell) then find the workers awake; longer spins only
 * burn a core that another process may want.  The spin is short, so the
 * polite PAUSE/YIELD hint (pf_cpu_relax) is worth it: it lets an SMT sibling
 * run and keeps the loop from flooding the memory pipeline. */
#define PF_SPIN_NS 20000

/* Polls until `(*value == target) == equal` for up to PF_SPIN_NS; returns
 * whether that happened. */
static int spin_until(const atomic_uint_fast64_t *value, uint64_t target, int equal)
{
    const int64_t deadline = pf_monotonic_ns() + PF_SPIN_NS;
    for (;;) {
        for (int i = 0; i < 64; i++) {
            if ((atomic_load_explicit(value, memory_order_acquire) == target) == equal)
                return 1;
            pf_cpu_relax();
        }
        if (pf_monotonic_ns() > deadline)
            return 0;
    }
}

typedef struct {
    pf_range_fn fn;
    void *ctx;
    intptr_t n;
    intptr_t block;
    intptr_t nblocks;
    atomic_intptr_t next_block;
    int nhelpers;     /* workers with index < nhelpers may take part */
    int open_seats;   /* helpers that may still join; guarded by pool.lock */
    atomic_uint_fast64_t helpers_left;
    atomic_int fp_flags;
    fenv_t env;       /* the caller's rounding mode and FTZ/DAZ, for workers */
    atomic_int *stop_flag; /* the caller's watch's, or NULL */
} pf_job;

static struct {
    pf_mutex busy; /* held by the call that owns the pool */
    pf_mutex lock; /* guards everything below except the atomics */
    pf_cond work_ready;
    pf_cond work_done;
    atomic_uint_fast64_t generation; /* written under lock, polled without */
    int sleeping_workers;
    int caller_sleeping;
    int retiring;  /* workers are to exit (before fork) */
    uint64_t birth_generation[PF_MAX_THREADS];
    pf_thread handles[PF_MAX_THREADS];
    pf_thread_start_args starts[PF_MAX_THREADS];
    int nworkers;
    pf_job job;
    atomic_int nthreads;
} pool = {
    .busy = PF_MUTEX_INIT,
    .lock = PF_MUTEX_INIT,
    .work_ready = PF_COND_INIT,
    .work_done = PF_COND_INIT,
    .nthreads = 1,
};

/* Whether this thread is the caller of the pool's running job (holds
 * pool.busy).  Only calling threads write it; a worker never takes the pool. */
static PF_THREAD_LOCAL int runs_job;

/* Every thread stops taking blocks once the call is interrupted; the caller
 * polls here between its blocks. */
static void run_blocks(pf_job *job)
{
    for (;;) {
        if (pf_interrupted())
            return;
        const intptr_t b = atomic_fetch_add_explicit(&job->next_block, 1, memory_order_relaxed);
        if (b >= job->nblocks)
            return;
        const intptr_t begin = b * job->block;
        const intptr_t end = begin + job->block < job->n ? begin + job->block : job->n;
        job->fn(job->ctx, begin, end);
    }
}

static void worker_main(void *arg)
{
    const int index = (int)(intptr_t)arg;
    pf_mutex_lock(&pool.lock);
    uint64_t seen = pool.birth_generation[index];
    pf_mutex_unlock(&pool.lock);
    for (;;) {
        const int woke_spinning = spin_until(&pool.generation, seen, 0);
        pf_mutex_lock(&pool.lock);
        if (!woke_spinning) {
            pool.sleeping_workers++;
            while (atomic_load(&pool.generation) == seen)
                pf_cond_wait(&pool.work_ready, &pool.lock);
            pool.sleeping_workers--;
        }
        /* Under the lock the generation and the job it names are consistent:
         * the caller writes both while holding it. */
        seen = atomic_load(&pool.generation);
        if (pool.retiring) {
            pf_mutex_unlock(&pool.lock);
            return;
        }
        pf_job *job = &pool.job;
        const int takes_part = index < job->nhelpers && job->open_seats > 0;
        if (takes_part)
            job->open_seats--;
        pf_mutex_unlock(&pool.lock);
        if (!takes_part)
            continue;

        fesetenv(&job->env);
        feclearexcept(FE_ALL_EXCEPT);
        run_blocks(job);
        const int raised = fetestexcept(FE_ALL_EXCEPT);
        if (raised)
            atomic_fetch_or_explicit(&job->fp_flags, raised, memory_order_relaxed);

        if (atomic_fetch_sub_explicit(&job->helpers_left, 1, memory_order_acq_rel) == 1) {
            pf_mutex_lock(&pool.lock);
            if (pool.caller_sleeping)
                pf_cond_signal(&pool.work_done);
            pf_mutex_unlock(&pool.lock);
        }
    }
}

/* Starts workers up to `wanted`; called with pool.lock held.  Returns how many
 * exist, which is fewer than wanted if the system refuses more threads. */
static int ensure_workers(int wanted)
{
    while (pool.nworkers < wanted) {
        const int index = pool.nworkers;
        pool.birth_generation[index] = atomic_load(&pool.generation);
        pool.starts[index] = (pf_thread_start_args){worker_main, (void *)(intptr_t)index};
        if (pf_thread_start(&pool.handles[index], &pool.starts[index]) != 0)
            break;
        pool.nworkers++;
    }
    return pool.nworkers;
}

void pf_serial_for(intptr_t n, intptr_t chunk, pf_range_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (chunk >= n || !pf_watching()) { /* a small call reads no thread key */
        fn(ctx, 0, n);
        return;
    }
    if (chunk < 1)
        chunk = 1;
    for (intptr_t begin = 0; begin < n; begin += chunk) {
        if (pf_interrupted())
            return;
        fn(ctx, begin, n - begin > chunk ? begin + chunk : n);
    }
}

intptr_t pf_serial_chunk(intptr_t min_parallel, intptr_t grain)
{
    if (grain < 1)
        grain = 1;
    if (min_parallel > INTPTR_MAX / PF_CHUNK_FACTOR / 2)
        return INTPTR_MAX; /* one piece */
    const intptr_t most = min_parallel * PF_CHUNK_FACTOR;
    const intptr_t chunk = most > grain ? most : grain;
    const intptr_t align = grain < 64 ? grain : 64;
    return chunk > INTPTR_MAX - align ? INTPTR_MAX : (chunk + align - 1) / align * align;
}

/* A call below min_parallel (most calls) is one piece: no chunk computed. */
static void run_serially(intptr_t n, intptr_t min_parallel, intptr_t grain,
                         pf_range_fn fn, void *ctx)
{
    if (n <= min_parallel)
        fn(ctx, 0, n);
    else
        pf_serial_for(n, pf_serial_chunk(min_parallel, grain), fn, ctx);
}

void pf_parallel_for(intptr_t n, intptr_t min_parallel, intptr_t grain,
                     pf_range_fn fn, void *ctx)
{
    const int nthreads = atomic_load_explicit(&pool.nthreads, memory_order_relaxed);
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    if (nthreads <= 1 || n < min_parallel || pf_mutex_trylock(&pool.busy) != 0) {
        run_serially(n, min_parallel, grain, fn, ctx);
        return;
    }

    const intptr_t per_block = (n + (intptr_t)nthreads * PF_BLOCKS_PER_THREAD - 1) /
                               ((intptr_t)nthreads * PF_BLOCKS_PER_THREAD);
    /* Blocks of many cheap items (elementwise loops) are rounded to 64 so SIMD
     * bodies and cache lines stay whole; blocks of few costly items (gufunc
     * rows) are not, or a hundred long rows would make one block. */
    intptr_t block = per_block > grain ? per_block : grain;
    const intptr_t most = min_parallel > INTPTR_MAX / PF_CHUNK_FACTOR
                              ? INTPTR_MAX : min_parallel * PF_CHUNK_FACTOR;
    if (block > most && most >= grain)
        block = most;
    const intptr_t align = grain < 64 ? grain : 64;
    block = (block + align - 1) / align * align;
    const intptr_t nblocks = (n + block - 1) / block;
    int nhelpers = nblocks - 1 < nthreads - 1 ? (int)(nblocks - 1) : nthreads - 1;

    pf_mutex_lock(&pool.lock);
    const int available = ensure_workers(nhelpers);
    if (available < nhelpers)
        nhelpers = available;
    if (nhelpers == 0) {
        pf_mutex_unlock(&pool.lock);
        pf_mutex_unlock(&pool.busy);
        run_serially(n, min_parallel, grain, fn, ctx);
        return;
    }
    pf_job *job = &pool.job;
    job->fn = fn;
    job->ctx = ctx;
    job->n = n;
    job->block = block;
    job->nblocks = nblocks;
    atomic_store_explicit(&job->next_block, 0, memory_order_relaxed);
    job->nhelpers = nhelpers;
    job->open_seats = nhelpers;
    atomic_store_explicit(&job->helpers_left, (uint64_t)nhelpers, memory_order_relaxed);
    atomic_store_explicit(&job->fp_flags, 0, memory_order_relaxed);
    fegetenv(&job->env);
    job->stop_flag = pf_current_stop_flag();
    pf_share_stop_flag(job->stop_flag); /* the workers' (runtime/interrupt.h) */
    runs_job = 1;
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    if (pool.sleeping_workers > 0)
        pf_cond_broadcast(&pool.work_ready);
    pf_mutex_unlock(&pool.lock);

    run_blocks(job);

    /* Every block is taken.  A helper that has not joined yet (its core busy
     * with another process, or still waking) would find nothing to do: close
     * its seat rather than wait for it to be scheduled. */
    pf_mutex_lock(&pool.lock);
    const int never_joined = job->open_seats;
    job->open_seats = 0;
    pf_mutex_unlock(&pool.lock);
    if (never_joined > 0)
        atomic_fetch_sub_explicit(&job->helpers_left, (uint64_t)never_joined, memory_order_acq_rel);

    if (!spin_until(&job->helpers_left, 0, 1)) {
        /* A watched caller keeps polling while helpers finish long blocks;
         * the poll may run Python code, so never under the pool's lock. */
        const int watching = pf_watching();
        pf_mutex_lock(&pool.lock);
        pool.caller_sleeping = 1;
        while (atomic_load_explicit(&job->helpers_left, memory_order_acquire) != 0) {
            if (!watching) {
                pf_cond_wait(&pool.work_done, &pool.lock);
                continue;
            }
            pf_cond_timedwait_ms(&pool.work_done, &pool.lock, PF_POLL_INTERVAL_NS / 1000000);
            pf_mutex_unlock(&pool.lock);
            pf_interrupted();
            pf_mutex_lock(&pool.lock);
        }
        pool.caller_sleeping = 0;
        pf_mutex_unlock(&pool.lock);
    }
    const int raised = atomic_load_explicit(&job->fp_flags, memory_order_relaxed);
    pf_share_stop_flag(NULL); /* no worker is in run_blocks any more */
    runs_job = 0;
    pf_mutex_unlock(&pool.busy);
    if (raised)
        feraiseexcept(raised);
}

/*
 * fork() copies only the calling thread, and must never wait for a call that
 * another thread is running (the forking thread holds Python's GIL, and every
 * Python thread would freeze with it).  So the prepare handler only tries the
 * pool: when it is idle, it holds both locks across fork() so the child's
 * copies are consistent, and first retires the workers, as OpenBLAS does, so
 * the process has no threads of ours when fork() copies it (Python >= 3.12
 * warns at every fork of a multi-threaded process); the next parallel call
 * starts them again.  When a call is running, the parent's pool is left
 * alone and the child re-creates whatever state it inherited.  Either way the
 * child starts with an empty pool whose workers start on first use.
 */
/* Prepare and parent/child handlers run on the forking thread, never a worker. */
static PF_THREAD_LOCAL int fork_holds_pool;

/*
 * A fork taken by the caller of a running job itself (its poll runs Python's
 * signal handlers, and a handler may call os.fork) leaves the child with that
 * call under way and none of its helpers.  The prepare handler holds
 * pool.lock across fork() (workers hold it only for a moment, never while
 * they run blocks), so the child's copy of the job's seat counts is
 * consistent.  In the child the caller stops waiting for the helpers; if one
 * of them had joined the job and not ended (it may have taken a block it will
 * never finish), the call is abandoned as an interrupted call is: its stop
 * flag says PF_STOP_FORKED (runtime/interrupt.h) and no further block is
 * started.  Otherwise no block is lost, and the caller finishes the job alone.
 * A caller without a watch runs nothing of its own during the job (no poll):
 * only a C signal handler could fork there, which is not supported (the
 * child's call would end without the lost blocks).
 */
static void after_fork_child_of_caller(void)
{
    pf_job *job = &pool.job;
    const uint64_t unfinished = atomic_load(&job->helpers_left) - (uint64_t)job->open_seats;
    job->open_seats = 0;
    atomic_store(&job->helpers_left, 0);
    if (unfinished > 0 && job->stop_flag != NULL) {
        int running = 0;
        atomic_compare_exchange_strong(job->stop_flag, &running, PF_STOP_FORKED);
    }
    pf_mutex_lock(&pool.busy); /* the call goes on here, and unlocks it */
}

/* Called with pool.lock held; returns with it held and no worker alive. */
static void retire_workers(void)
{
    const int nworkers = pool.nworkers;
    if (nworkers == 0)
        return;
    pool.retiring = 1;
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    pf_cond_broadcast(&pool.work_ready);
    pf_mutex_unlock(&pool.lock);
    for (int i = 0; i < nworkers; i++)
        pf_thread_join(pool.handles[i]);
    pf_mutex_lock(&pool.lock);
    pool.retiring = 0;
    pool.nworkers = 0;
    pool.sleeping_workers = 0;
}

static void before_fork(void)
{
    if (runs_job) {
        fork_holds_pool = 0;
        pf_mutex_lock(&pool.lock);
        return;
    }
    fork_holds_pool = pf_mutex_trylock(&pool.busy) == 0;
    if (!fork_holds_pool)
        return;
    pf_mutex_lock(&pool.lock);
    retire_workers();
}

static void after_fork_parent(void)
{
    if (runs_job) {
        pf_mutex_unlock(&pool.lock);
        return;
    }
    if (!fork_holds_pool)
        return;
    pf_mutex_unlock(&pool.lock);
    pf_mutex_unlock(&pool.busy);
}

/* The locks may be held by threads the child does not have (a running call's
 * caller and workers): re-created, not unlocked. */
static void after_fork_child(void)
{
    pool.nworkers = 0;
    pool.sleeping_workers = 0;
    pool.caller_sleeping = 0;
    pool.retiring = 0;
    atomic_store(&pool.generation, 0);
    pf_share_stop_flag(NULL);
    pf_mutex_reinit(&pool.busy);
    pf_mutex_reinit(&pool.lock);
    pf_cond_reinit(&pool.work_ready);
    pf_cond_reinit(&pool.work_done);
    if (runs_job)
        after_fork_child_of_caller();
}

static atomic_flag fork_handler_registered = ATOMIC_FLAG_INIT;

int pf_pool_init(int nthreads)
{
    if (!atomic_flag_test_and_set(&fork_handler_registered)) {
        /* Before any worker exists: the caller's timed waits use the
         * monotonic clock where the platform lets them. */
        pf_cond_reinit(&pool.work_done);
        pf_interrupt_init();
        pf_thread_atfork(before_fork, after_fork_parent, after_fork_child);
    }
    return pf_pool_set_threads(nthreads);
}

int pf_pool_default_threads(void)
{
    const int count = pf_cpu_count();
    return count < PF_MAX_THREADS ? count : PF_MAX_THREADS;
}

int pf_pool_get_threads(void)
{
    return atomic_load_explicit(&pool.nthreads, memory_order_relaxed);
}

int pf_pool_set_threads(int nthreads)
{
    if (nthreads < 1 || nthreads > PF_MAX_THREADS)
        return -1;
    atomic_store_explicit(&pool.nthreads, nthreads, memory_order_relaxed);
    return 0;
}
