#include "runtime/interrupt.h"

#include <stddef.h>
#include <stdlib.h>

#include "runtime/threads.h"

/*
 * Each calling thread has a slot holding its current watch, found through a
 * thread key (runtime/threads.h: never _Thread_local, which would make every
 * worker allocate) and set once per thread, so opening and closing a watch
 * are plain stores (a key's write costs more than a small ufunc call's own
 * work).  Workers have no slot: they work for the pool's current job, whose
 * stop flag is shared_flag.
 */
typedef struct {
    pf_watch *watch;
} thread_slot;

static pf_tls_key slot_key;
static atomic_int have_key;
static _Atomic(const atomic_int *) shared_flag;

void pf_interrupt_init(void)
{
    if (!atomic_load(&have_key) && pf_tls_create(&slot_key, free) == 0)
        atomic_store(&have_key, 1);
}

static thread_slot *current_slot(void)
{
    return atomic_load_explicit(&have_key, memory_order_relaxed) ? pf_tls_get(slot_key) : NULL;
}

void pf_watch_begin(pf_watch *watch, pf_poll_fn poll, void *poll_arg)
{
    atomic_init(&watch->stop, 0);
    watch->next_poll_ns = 0; /* set by the first check: a short call reads no clock */
    watch->poll = poll;
    watch->poll_arg = poll_arg;
    watch->outer = NULL;
    thread_slot *slot = current_slot();
    if (slot == NULL && atomic_load_explicit(&have_key, memory_order_relaxed)) {
        slot = calloc(1, sizeof *slot);
        if (slot != NULL)
            pf_tls_set(slot_key, slot);
    }
    watch->slot = slot;
    if (slot == NULL)
        return; /* no key or no memory: the call runs to its end */
    watch->outer = slot->watch;
    slot->watch = watch;
}

void pf_watch_end(pf_watch *watch)
{
    thread_slot *slot = watch->slot;
    if (slot != NULL)
        slot->watch = watch->outer;
}

static pf_watch *current_watch(void)
{
    const thread_slot *slot = current_slot();
    return slot != NULL ? slot->watch : NULL;
}

int pf_interrupted(void)
{
    pf_watch *watch = current_watch();
    if (watch == NULL) {
        const atomic_int *flag = atomic_load_explicit(&shared_flag, memory_order_acquire);
        return flag != NULL && atomic_load_explicit(flag, memory_order_relaxed) != 0;
    }
    if (atomic_load_explicit(&watch->stop, memory_order_relaxed))
        return 1;
    const int64_t now = pf_monotonic_ns();
    if (watch->next_poll_ns == 0)
        watch->next_poll_ns = now + PF_POLL_INTERVAL_NS;
    if (now < watch->next_poll_ns)
        return 0;
    watch->next_poll_ns = now + PF_POLL_INTERVAL_NS;
    if (!watch->poll(watch->poll_arg)) /* a fork in the poll may have stopped the call */
        return atomic_load_explicit(&watch->stop, memory_order_relaxed) != 0;
    /* The poll may have forked, and the pool then marked the call: keep why. */
    int running = 0;
    atomic_compare_exchange_strong_explicit(&watch->stop, &running, PF_STOP_POLLED,
                                            memory_order_relaxed, memory_order_relaxed);
    return 1;
}

int pf_watching(void)
{
    return current_watch() != NULL;
}

atomic_int *pf_current_stop_flag(void)
{
    pf_watch *watch = current_watch();
    return watch != NULL ? &watch->stop : NULL;
}

void pf_share_stop_flag(const atomic_int *flag)
{
    atomic_store_explicit(&shared_flag, flag, memory_order_release);
}
