/*
 * Python's side of interruptible calls (runtime/interrupt.h): a watch whose
 * poll takes the GIL briefly (PyGILState_Ensure, what NumPy's NPY_ALLOW_C_API
 * does; the thread may hold it already when NumPy did not release it for a
 * small input) and runs PyErr_CheckSignals, so a pending signal's Python
 * handler runs on the calling thread mid-call, and an exception it raises
 * stops the call.  A call NumPy made with the GIL held (it keeps it for
 * small inputs, which with a large maxiter can still take long) releases it
 * at its first poll, 50 ms in, and takes it back when it ends: other Python
 * threads (and os.fork in them) do not wait for it.
 *
 * How the exception reaches the caller:
 *  - an entry point of our own (the ragged bump scan) closes the watch with
 *    pf_py_watch_end after taking the GIL back and returns NULL with it set;
 *  - a ufunc loop cannot: NumPy ignores an exception set by a legacy inner
 *    loop on most of its paths (a buffered or gufunc call would return a
 *    result with an exception set, a SystemError).  pf_py_watch_end_in_loop
 *    hands it to Py_AddPendingCall instead, which raises it on this same
 *    thread (only the main thread runs signal handlers, and pending calls run
 *    there) at the interpreter's next check, as soon as the ufunc returns;
 *    until then this thread's further inner-loop calls of the same ufunc call
 *    (NumPy's buffered chunks) skip their work (pf_py_unwinding).
 *
 * A handler that forks while the call runs on several threads leaves the
 * child that call without the workers computing part of it: if the pool had
 * to abandon it there (runtime/thread_pool.c), the child's call raises a
 * RuntimeError saying so (unless the handler raised), the same way.
 */
#ifndef POLYFAST_INTERRUPT_GLUE_H
#define POLYFAST_INTERRUPT_GLUE_H

#include "module/numpy_api.h"

#include "runtime/interrupt.h"

typedef struct {
    pf_watch watch;
    PyObject *exception;   /* raised by a poll; owned */
    PyThreadState *parked; /* the GIL NumPy held, released by the first poll */
} pf_py_watch;

/* Opens the watch on this thread, with or without the GIL held. */
void pf_py_watch_begin(pf_py_watch *watch);

/* Closes it, with the GIL held: -1 with the poll's exception set if the call
 * was interrupted, else 0. */
int pf_py_watch_end(pf_py_watch *watch);

/* Closes it from a ufunc inner loop (GIL held or not): the exception, if
 * any, is raised once NumPy returns. */
void pf_py_watch_end_in_loop(pf_py_watch *watch);

/* Whether this thread's ufunc call was interrupted and is still returning
 * (its remaining inner-loop calls must do nothing). */
int pf_py_unwinding(void);

#endif
