#include "runtime/threads.h"

#include <stdatomic.h>

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

#if defined(_WIN32)
#include <process.h>

static unsigned __stdcall thread_trampoline(void *p)
{
    const pf_thread_start_args *start = p;
    start->fn(start->arg);
    return 0;
}

int pf_thread_start(pf_thread *handle, const pf_thread_start_args *start)
{
    /* _beginthreadex rather than CreateThread: the C runtime sets up its
     * per-thread state (errno, the floating-point environment).  The size is
     * the stack's reservation, not only its first commit. */
    const uintptr_t thread = _beginthreadex(NULL, PF_THREAD_STACK_BYTES, thread_trampoline,
                                            (void *)start, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (thread == 0)
        return -1;
    if (handle != NULL)
        *handle = (HANDLE)thread;
    else
        CloseHandle((HANDLE)thread);
    return 0;
}

void pf_thread_join(pf_thread handle)
{
    WaitForSingleObject(handle, INFINITE);
    CloseHandle(handle);
}

void pf_cond_timedwait_ms(pf_cond *c, pf_mutex *m, int ms)
{
    SleepConditionVariableSRW(c, m, (DWORD)ms, 0);
}

void pf_mutex_reinit(pf_mutex *m)
{
    InitializeSRWLock(m);
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
#include <unistd.h>

static void *thread_trampoline(void *p)
{
    const pf_thread_start_args *start = p;
    start->fn(start->arg);
    return NULL;
}

/* PF_THREAD_STACK_BYTES, raised to the system's minimum and rounded to
 * pages as some systems require. */
static size_t stack_bytes(void)
{
    size_t bytes = PF_THREAD_STACK_BYTES;
    const long least = sysconf(_SC_THREAD_STACK_MIN);
    if (least > 0 && (size_t)least > bytes)
        bytes = (size_t)least;
    const long page = sysconf(_SC_PAGESIZE);
    if (page > 0)
        bytes = (bytes + (size_t)page - 1) / (size_t)page * (size_t)page;
    return bytes;
}

int pf_thread_start(pf_thread *handle, const pf_thread_start_args *start)
{
    /* The new thread inherits the creator's mask: block everything around the
     * creation, then restore the creator's. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, handle != NULL ? PTHREAD_CREATE_JOINABLE
                                                      : PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, stack_bytes()); /* on failure, the default */
    pthread_t thread;
    const int failed = pthread_create(&thread, &attr, thread_trampoline, (void *)start);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (failed)
        return -1;
    if (handle != NULL)
        *handle = thread;
    return 0;
}

void pf_thread_join(pf_thread handle)
{
    pthread_join(handle, NULL);
}

int pf_thread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    return pthread_atfork(prepare, parent, child);
}

/* Condition variables wait on the monotonic clock where it can be chosen, so
 * that a step of the wall clock cannot stretch a timed wait; macOS cannot
 * choose, and waits relative to now instead. */
void pf_cond_reinit(pf_cond *c)
{
#if defined(__APPLE__)
    pthread_cond_init(c, NULL);
#else
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
#endif
}

void pf_cond_timedwait_ms(pf_cond *c, pf_mutex *m, int ms)
{
#if defined(__APPLE__)
    const struct timespec relative = {ms / 1000, (long)(ms % 1000) * 1000000};
    pthread_cond_timedwait_relative_np(c, m, &relative);
#else
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(c, m, &until);
#endif
}

void pf_mutex_reinit(pf_mutex *m)
{
    pthread_mutex_init(m, NULL);
}

int64_t pf_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}
#endif
