/*
 * The few threading primitives the pool needs, in one place, over the
 * platform's own: pthreads on POSIX systems, Win32 threads with slim
 * reader/writer locks and condition variables on Windows (both have static
 * initializers, so the pool needs no init call before its first lock).
 */
#ifndef POLYFAST_THREADS_H
#define POLYFAST_THREADS_H

#include <stdint.h>

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

typedef SRWLOCK pf_mutex;
typedef CONDITION_VARIABLE pf_cond;
#define PF_MUTEX_INIT SRWLOCK_INIT
#define PF_COND_INIT CONDITION_VARIABLE_INIT

static inline void pf_mutex_lock(pf_mutex *m) { AcquireSRWLockExclusive(m); }
static inline void pf_mutex_unlock(pf_mutex *m) { ReleaseSRWLockExclusive(m); }
/* 0 when the lock was taken, as pthread_mutex_trylock. */
static inline int pf_mutex_trylock(pf_mutex *m) { return TryAcquireSRWLockExclusive(m) ? 0 : 1; }
static inline void pf_cond_wait(pf_cond *c, pf_mutex *m) { SleepConditionVariableSRW(c, m, INFINITE, 0); }
static inline void pf_cond_signal(pf_cond *c) { WakeConditionVariable(c); }
static inline void pf_cond_broadcast(pf_cond *c) { WakeAllConditionVariable(c); }
typedef HANDLE pf_thread;
/* Fiber-local storage: a thread slot with a destructor, as pthread keys have. */
typedef DWORD pf_tls_key;
static inline int pf_tls_create(pf_tls_key *key, void (*destructor)(void *))
{
    *key = FlsAlloc((PFLS_CALLBACK_FUNCTION)destructor);
    return *key == FLS_OUT_OF_INDEXES ? -1 : 0;
}
static inline void *pf_tls_get(pf_tls_key key) { return FlsGetValue(key); }
static inline void pf_tls_set(pf_tls_key key, void *value) { FlsSetValue(key, value); }
#else
#include <pthread.h>

typedef pthread_mutex_t pf_mutex;
typedef pthread_cond_t pf_cond;
#define PF_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define PF_COND_INIT PTHREAD_COND_INITIALIZER

static inline void pf_mutex_lock(pf_mutex *m) { pthread_mutex_lock(m); }
static inline void pf_mutex_unlock(pf_mutex *m) { pthread_mutex_unlock(m); }
static inline int pf_mutex_trylock(pf_mutex *m) { return pthread_mutex_trylock(m); }
static inline void pf_cond_wait(pf_cond *c, pf_mutex *m) { pthread_cond_wait(c, m); }
static inline void pf_cond_signal(pf_cond *c) { pthread_cond_signal(c); }
static inline void pf_cond_broadcast(pf_cond *c) { pthread_cond_broadcast(c); }
typedef pthread_t pf_thread;
typedef pthread_key_t pf_tls_key;
static inline int pf_tls_create(pf_tls_key *key, void (*destructor)(void *))
{
    return pthread_key_create(key, destructor) == 0 ? 0 : -1;
}
static inline void *pf_tls_get(pf_tls_key key) { return pthread_getspecific(key); }
static inline void pf_tls_set(pf_tls_key key, void *value) { pthread_setspecific(key, value); }
#endif

/*
 * Thread-local values through the platform's keys (pf_tls_*) rather than C11
 * _Thread_local: in a shared library loaded at run time (a Python extension)
 * the first access to a _Thread_local variable on a thread allocates its block
 * with malloc, and glibc gives a thread's first malloc an arena of its own,
 * 64 MiB of address space per worker.  Reading a key that was never set on a
 * thread allocates nothing; workers only ever read.  The destructor runs
 * when a thread that set a value ends.
 */

/* C11's _Thread_local, or the spelling of compilers without it: only for
 * state no worker touches (see pf_tls_key below). */
#if defined(_MSC_VER) && !defined(__clang__)
#define PF_THREAD_LOCAL __declspec(thread)
#else
#define PF_THREAD_LOCAL _Thread_local
#endif

/* The stack of every thread pf_thread_start makes.  Workers run kernels and
 * the pool's loop, whose frames hold a few vectors and buffers of at most
 * 32 KiB (a Mandelbrot grid chunk, mandelbrot.h): far below this, even under
 * ASan, which pads every frame.  The platforms' defaults (8 MiB on
 * glibc, 1 MiB on Windows) reserve address space per worker that a process
 * under `ulimit -v` then cannot allocate.  A build may override it. */
#ifndef PF_THREAD_STACK_BYTES
#define PF_THREAD_STACK_BYTES (256 * 1024)
#endif

typedef void (*pf_thread_fn)(void *arg);

/* What a new thread runs: fn(arg).  Owned by the caller of pf_thread_start,
 * and read by the new thread as it starts, so it must outlive that: a thread
 * that frees memory allocated elsewhere gets a malloc arena of its own (see
 * pf_tls_key). */
typedef struct {
    pf_thread_fn fn;
    void *arg;
} pf_thread_start_args;

/* Starts a thread running start->fn(start->arg) on a stack of
 * PF_THREAD_STACK_BYTES; 0 on success.  With `handle` NULL the thread is detached, otherwise it must be
 * joined by pf_thread_join(*handle).  On POSIX the thread starts with every
 * signal blocked: a worker must never run a signal handler (Python's C-level
 * handler included). */
int pf_thread_start(pf_thread *handle, const pf_thread_start_args *start);
void pf_thread_join(pf_thread handle);

/* Waits on c for at most `ms` milliseconds (a monotonic wait where the
 * platform has one; a spurious or early return is allowed). */
void pf_cond_timedwait_ms(pf_cond *c, pf_mutex *m, int ms);

/* pthread_atfork where fork() exists; elsewhere nothing to do (returns 0).
 * A child re-creates the locks and condition variables it inherited in an
 * unknown state with pf_mutex_reinit and pf_cond_reinit. */
int pf_thread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
void pf_cond_reinit(pf_cond *c);
void pf_mutex_reinit(pf_mutex *m);

/* A monotonic clock in nanoseconds, for short spin deadlines. */
int64_t pf_monotonic_ns(void);

/* The polite spin-wait hint (PAUSE on x86, YIELD on arm64). */
void pf_cpu_relax(void);

#endif
