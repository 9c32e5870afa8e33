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
#endif

typedef void (*pf_thread_fn)(void *arg);

/* Starts a detached thread running fn(arg); 0 on success.  On POSIX the
 * thread starts with every signal blocked: a worker must never run a signal
 * handler (Python's C-level handler included). */
int pf_thread_start(pf_thread_fn fn, void *arg);

/* pthread_atfork where fork() exists; elsewhere nothing to do (returns 0).
 * A child's condition variables are re-created by pf_cond_reinit. */
int pf_thread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
void pf_cond_reinit(pf_cond *c);

/* A monotonic clock in nanoseconds, for short spin deadlines. */
int64_t pf_monotonic_ns(void);

/* The polite spin-wait hint (PAUSE on x86, YIELD on arm64). */
void pf_cpu_relax(void);

#endif
