#include "module/interrupt_glue.h"

#include <stdatomic.h>

#include "runtime/threads.h"

/* The thread (its PyThread ident) whose interrupted ufunc call is returning,
 * 0 if none.  One slot is enough: only the main thread runs signal handlers,
 * so only it can be interrupted. */
static atomic_ulong unwinding_thread;

/* The raised exception, owned; NULL if none is set. */
static PyObject *take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value != NULL && traceback != NULL)
        PyException_SetTraceback(value, traceback);
    Py_XDECREF(traceback);
    Py_XDECREF(type);
    return value;
#endif
}

/* Sets `exception` (stolen) as the raised one. */
static void restore_exception(PyObject *exception)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exception);
#else
    PyObject *traceback = PyException_GetTraceback(exception);
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exception)), exception, traceback);
#endif
}

static int poll_signals(void *arg)
{
    pf_py_watch *watch = arg;
    const PyGILState_STATE state = PyGILState_Ensure();
    int stop = 0;
    if (PyErr_CheckSignals() < 0) {
        watch->exception = take_exception();
        stop = 1;
    }
    PyGILState_Release(state);
    if (state == PyGILState_LOCKED && watch->parked == NULL)
        watch->parked = PyEval_SaveThread();
    return stop;
}

/* A call the pool abandoned in the child of a fork its own poll took (a
 * signal handler called os.fork while the call ran on several threads,
 * runtime/thread_pool.c) raises this there, unless the handler raised. */
static PyObject *forked_error(void)
{
    PyErr_SetString(PyExc_RuntimeError,
                    "polyfast: this call was abandoned in the child process of a fork "
                    "taken during it (in a signal handler) while it ran on several threads: "
                    "the child has none of the worker threads that were computing part of "
                    "it, so part of its result is missing; call it again in the child");
    return take_exception();
}

/* The exception the watched call ends with: the poll's, or the fork's; owned. */
static PyObject *ending_exception(pf_py_watch *watch)
{
    PyObject *exception = watch->exception;
    watch->exception = NULL;
    if (exception == NULL && pf_watch_stop_reason(&watch->watch) == PF_STOP_FORKED)
        exception = forked_error();
    return exception;
}

void pf_py_watch_begin(pf_py_watch *watch)
{
    watch->exception = NULL;
    watch->parked = NULL;
    pf_watch_begin(&watch->watch, poll_signals, watch);
}

int pf_py_watch_end(pf_py_watch *watch)
{
    pf_watch_end(&watch->watch);
    if (watch->parked != NULL)
        PyEval_RestoreThread(watch->parked);
    PyObject *exception = ending_exception(watch);
    if (exception == NULL)
        return 0;
    restore_exception(exception);
    return -1;
}

/* A pending call: raises the exception in the interpreter loop. */
static int raise_deferred(void *exception)
{
    atomic_store(&unwinding_thread, 0);
    restore_exception(exception);
    return -1;
}

void pf_py_watch_end_in_loop(pf_py_watch *watch)
{
    pf_watch_end(&watch->watch);
    if (watch->parked != NULL)
        PyEval_RestoreThread(watch->parked);
    if (!pf_watch_stopped(&watch->watch) && watch->exception == NULL)
        return; /* the common case: no GIL taken */
    const PyGILState_STATE state = PyGILState_Ensure();
    PyObject *exception = ending_exception(watch);
    if (exception == NULL) {
        PyGILState_Release(state);
        return;
    }
    atomic_store(&unwinding_thread, PyThread_get_thread_ident());
    if (Py_AddPendingCall(raise_deferred, exception) < 0) {
        /* The queue is full (it holds 32): the best left is to set the
         * exception here, which NumPy's unbuffered elementwise path reports. */
        atomic_store(&unwinding_thread, 0);
        restore_exception(exception);
    }
    PyGILState_Release(state);
}

int pf_py_unwinding(void)
{
    const unsigned long thread = atomic_load_explicit(&unwinding_thread, memory_order_relaxed);
    return thread != 0 && thread == PyThread_get_thread_ident();
}
