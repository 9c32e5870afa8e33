#include "runtime/thread_pool.h"

#include <fenv.h>
#include <stdatomic.h>

#include "runtime/cpu_features.h"
#include "runtime/threads.h"

/* Blocks per thread: enough for dynamic balancing when one core is shared with
 * another process or items cost unequal time (Mandelbrot), few enough that
 * handing them out stays negligible. */
#define PF_BLOCKS_PER_THREAD 16

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
} pf_job;

static struct {
    pf_mutex busy; /* held by the call that owns the pool */
    pf_mutex lock; /* guards everything below except the atomics */
    pf_cond work_ready;
    pf_cond work_done;
    atomic_uint_fast64_t generation; /* written under lock, polled without */
    int sleeping_workers;
    int caller_sleeping;
    uint64_t birth_generation[PF_MAX_THREADS];
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

static void run_blocks(pf_job *job)
{
    for (;;) {
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
        if (pf_thread_start(worker_main, (void *)(intptr_t)index) != 0)
            break;
        pool.nworkers++;
    }
    return pool.nworkers;
}

void pf_parallel_for(intptr_t n, intptr_t min_parallel, intptr_t grain,
                     pf_range_fn fn, void *ctx)
{
    const int nthreads = atomic_load_explicit(&pool.nthreads, memory_order_relaxed);
    if (n <= 0)
        return;
    if (nthreads <= 1 || n < min_parallel || pf_mutex_trylock(&pool.busy) != 0) {
        fn(ctx, 0, n);
        return;
    }

    if (grain < 1)
        grain = 1;
    const intptr_t per_block = (n + (intptr_t)nthreads * PF_BLOCKS_PER_THREAD - 1) /
                               ((intptr_t)nthreads * PF_BLOCKS_PER_THREAD);
    /* Blocks of many cheap items (elementwise loops) are rounded to 64 so SIMD
     * bodies and cache lines stay whole; blocks of few costly items (gufunc
     * rows) are not, or a hundred long rows would make one block. */
    intptr_t block = per_block > grain ? per_block : grain;
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
        fn(ctx, 0, n);
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
        pf_mutex_lock(&pool.lock);
        pool.caller_sleeping = 1;
        while (atomic_load_explicit(&job->helpers_left, memory_order_acquire) != 0)
            pf_cond_wait(&pool.work_done, &pool.lock);
        pool.caller_sleeping = 0;
        pf_mutex_unlock(&pool.lock);
    }
    const int raised = atomic_load_explicit(&job->fp_flags, memory_order_relaxed);
    pf_mutex_unlock(&pool.busy);
    if (raised)
        feraiseexcept(raised);
}

/* fork() copies only the calling thread: hold both locks across it so the
 * child's copies are consistent, then give the child an empty pool that
 * starts its own workers on first use. */
static void before_fork(void)
{
    pf_mutex_lock(&pool.busy);
    pf_mutex_lock(&pool.lock);
}

static void after_fork_parent(void)
{
    pf_mutex_unlock(&pool.lock);
    pf_mutex_unlock(&pool.busy);
}

static void after_fork_child(void)
{
    pool.nworkers = 0;
    pool.sleeping_workers = 0;
    pool.caller_sleeping = 0;
    atomic_store(&pool.generation, 0);
    pf_cond_reinit(&pool.work_ready);
    pf_cond_reinit(&pool.work_done);
    pf_mutex_unlock(&pool.lock);
    pf_mutex_unlock(&pool.busy);
}

/* fork() copies only the calling thread; see before_fork. */
static atomic_flag fork_handler_registered = ATOMIC_FLAG_INIT;

int pf_pool_init(int nthreads)
{
    if (!atomic_flag_test_and_set(&fork_handler_registered))
        pf_thread_atfork(before_fork, after_fork_parent, after_fork_child);
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
