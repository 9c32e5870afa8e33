#include "runtime/threads.h"

#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#include <immintrin.h> /* _mm_pause: gcc, clang and MSVC spell it alike */
#define PF_RELAX() _mm_pause()
#elif (defined(__aarch64__) || defined(__arm__)) && (defined(__GNUC__) || defined(__clang__))
#define PF_RELAX() __asm__ __volatile__("yield" ::: "memory")
#elif defined(_M_ARM64) || defined(_M_ARM)
#include <intrin.h>
#define PF_RELAX() __yield()
#else
#define PF_RELAX() atomic_signal_fence(memory_order_seq_cst)
#endif

void pf_cpu_relax(void)
{
    PF_RELAX();
}

typedef struct {
    pf_thread_fn fn;
    void *arg;
} pf_thread_start_args;

#if defined(_WIN32)
#include <process.h>

static unsigned __stdcall thread_trampoline(void *p)
{
    pf_thread_start_args start = *(pf_thread_start_args *)p;
    free(p);
    start.fn(start.arg);
    return 0;
}

int pf_thread_start(pf_thread_fn fn, void *arg)
{
    pf_thread_start_args *start = malloc(sizeof *start);
    if (start == NULL)
        return -1;
    start->fn = fn;
    start->arg = arg;
    /* _beginthreadex rather than CreateThread: the C runtime sets up its
     * per-thread state (errno, the floating-point environment). */
    const uintptr_t handle = _beginthreadex(NULL, 0, thread_trampoline, start, 0, NULL);
    if (handle == 0) {
        free(start);
        return -1;
    }
    CloseHandle((HANDLE)handle); /* detached: nobody joins the pool's workers */
    return 0;
}

int pf_thread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    (void)prepare;
    (void)parent;
    (void)child;
    return 0; /* no fork() on Windows */
}

void pf_cond_reinit(pf_cond *c)
{
    InitializeConditionVariable(c);
}

int64_t pf_monotonic_ns(void)
{
    static LARGE_INTEGER frequency; /* constant since boot; a racy first write is benign */
    LARGE_INTEGER now;
    if (frequency.QuadPart == 0)
        QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    const int64_t seconds = now.QuadPart / frequency.QuadPart;
    const int64_t rest = now.QuadPart % frequency.QuadPart;
    return seconds * 1000000000 + rest * 1000000000 / frequency.QuadPart;
}
#else
#include <signal.h>
#include <time.h>

static void *thread_trampoline(void *p)
{
    pf_thread_start_args start = *(pf_thread_start_args *)p;
    free(p);
    start.fn(start.arg);
    return NULL;
}

int pf_thread_start(pf_thread_fn fn, void *arg)
{
    pf_thread_start_args *start = malloc(sizeof *start);
    if (start == NULL)
        return -1;
    start->fn = fn;
    start->arg = arg;
    /* The new thread inherits the creator's mask: block everything around the
     * creation, then restore the creator's. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    const int failed = pthread_create(&thread, &attr, thread_trampoline, start);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (failed) {
        free(start);
        return -1;
    }
    return 0;
}

int pf_thread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    return pthread_atfork(prepare, parent, child);
}

void pf_cond_reinit(pf_cond *c)
{
    pthread_cond_init(c, NULL);
}

int64_t pf_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}
#endif
