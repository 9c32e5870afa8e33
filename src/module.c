/*
 * polyfast._core: builds every ufunc from the spec table and exposes the
 * thread pool and SIMD settings.  Loops, kernels and the pool live elsewhere.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define PY_ARRAY_UNIQUE_SYMBOL polyfast_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL polyfast_UFUNC_API
#include <numpy/ndarrayobject.h>
#include <numpy/ufuncobject.h>

#include <stdlib.h>

#include "runtime/cpu_features.h"
#include "random/sampler_glue.h"
#include "runtime/thread_pool.h"
#include "ufunc/ragged_bumps.h"
#include "ufunc/ufunc_builder.h"

static PyObject *set_num_threads(PyObject *self, PyObject *arg)
{
    (void)self;
    if (PyBool_Check(arg) || !PyIndex_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "set_num_threads() argument 'n' must be an integer, not %.100s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const Py_ssize_t n = PyNumber_AsSsize_t(arg, NULL);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 1 || n > PF_MAX_THREADS) {
        PyErr_Format(PyExc_ValueError,
                     "set_num_threads() argument 'n' must be between 1 and %d, got %zd",
                     PF_MAX_THREADS, n);
        return NULL;
    }
    pf_pool_set_threads((int)n);
    Py_RETURN_NONE;
}

static PyObject *get_num_threads(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(pf_pool_get_threads());
}

static PyObject *get_simd_level(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(pf_simd_level_name(pf_selected_simd_level()));
}

static PyObject *get_cpu_simd_level(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(pf_simd_level_name(pf_cpu_best_simd_level()));
}

/* numpydoc docstrings; the first lines give the call signature (Argument Clinic
 * style) so help() and inspect.signature show it. */
#define SET_NUM_THREADS_DOC                                                       \
    "set_num_threads(n, /)\n--\n\n"                                              \
    "Use ``n`` threads (1 to 256) for large inputs.\n\n"                          \
    "The pool is shared by every ufunc of polyfast and by the bump finder; small\n" \
    "inputs always run on the calling thread. The initial value is\n"             \
    "``POLYFAST_NUM_THREADS`` if set at import, else the CPUs this process may\n"  \
    "use. Results do not depend on the thread count.\n\n"                         \
    "Parameters\n----------\n"                                                    \
    "n : int\n    Number of threads, from 1 to 256.\n\n"                          \
    "Returns\n-------\nNone\n\n"                                                 \
    "Raises\n------\n"                                                            \
    "TypeError\n    If ``n`` is not an integer (a bool or float is refused).\n"    \
    "ValueError\n    If ``n`` is outside 1 to 256.\n\n"                           \
    "See Also\n--------\nget_num_threads\n\n"                                    \
    "Examples\n--------\n"                                                        \
    ">>> import polyfast\n"                                                      \
    ">>> before = polyfast.get_num_threads()\n"                                  \
    ">>> polyfast.set_num_threads(1)\n"                                          \
    ">>> polyfast.get_num_threads()\n1\n"                                        \
    ">>> polyfast.set_num_threads(before)\n"

#define GET_NUM_THREADS_DOC                                                       \
    "get_num_threads()\n--\n\n"                                                  \
    "The number of threads large inputs are split over.\n\n"                      \
    "Returns\n-------\nint\n    From 1 to 256; see `set_num_threads`.\n\n"       \
    "Examples\n--------\n"                                                        \
    ">>> import polyfast\n"                                                      \
    ">>> 1 <= polyfast.get_num_threads() <= 256\nTrue\n"

#define GET_SIMD_LEVEL_DOC                                                        \
    "get_simd_level()\n--\n\n"                                                   \
    "The SIMD level the loops use: 'scalar', 'avx2' or 'avx512'.\n\n"             \
    "The best level the CPU supports, unless ``POLYFAST_SIMD`` lowered it at\n"    \
    "import. Every level gives the same bits.\n\n"                                \
    "Returns\n-------\nstr\n    'scalar', 'avx2' or 'avx512'.\n\n"               \
    "See Also\n--------\nget_cpu_simd_level\n\n"                                 \
    "Examples\n--------\n"                                                        \
    ">>> import polyfast\n"                                                      \
    ">>> polyfast.get_simd_level() in ('scalar', 'avx2', 'avx512')\nTrue\n"

#define GET_CPU_SIMD_LEVEL_DOC                                                    \
    "get_cpu_simd_level()\n--\n\n"                                               \
    "The best SIMD level this CPU supports.\n\n"                                  \
    "Returns\n-------\nstr\n    'scalar', 'avx2' or 'avx512'.\n\n"               \
    "See Also\n--------\nget_simd_level\n\n"                                     \
    "Examples\n--------\n"                                                        \
    ">>> import polyfast\n"                                                      \
    ">>> polyfast.get_cpu_simd_level() in ('scalar', 'avx2', 'avx512')\nTrue\n"

static PyMethodDef core_methods[] = {
    {"set_num_threads", set_num_threads, METH_O, SET_NUM_THREADS_DOC},
    {"get_num_threads", get_num_threads, METH_NOARGS, GET_NUM_THREADS_DOC},
    {"get_simd_level", get_simd_level, METH_NOARGS, GET_SIMD_LEVEL_DOC},
    {"get_cpu_simd_level", get_cpu_simd_level, METH_NOARGS, GET_CPU_SIMD_LEVEL_DOC},
    {"_find_bumps_ragged", pf_find_bumps_ragged, METH_VARARGS, PF_FIND_BUMPS_RAGGED_DOC},
    {"_sampler", pf_sampler_run, METH_VARARGS, PF_SAMPLER_DOC},
    {NULL, NULL, 0, NULL},
};

/*
 * The only symbols of the extension visible to the dynamic linker besides
 * PyInit__core: threadpoolctl's controller (polyfast/_threadpoolctl.py) finds
 * this library among the loaded ones by its file name "_core.*" and tells it
 * from other packages' "_core" modules by these names, then calls them through
 * ctypes, as it does for OpenBLAS or OpenMP.  They touch no Python state.
 */
__attribute__((visibility("default"))) int polyfast_threadpool_get_num_threads(void)
{
    return pf_pool_get_threads();
}

__attribute__((visibility("default"))) int polyfast_threadpool_set_num_threads(int n)
{
    if (n < 1)
        n = 1;
    if (n > PF_MAX_THREADS)
        n = PF_MAX_THREADS;
    return pf_pool_set_threads(n);
}

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "polyfast._core",
    .m_doc = "The C core of polyfast: ufuncs, thread pool and SIMD dispatch.",
    .m_size = -1,
    .m_methods = core_methods,
};

/* POLYFAST_SIMD may lower the level (to test every path on one machine);
 * asking for more than the CPU has would crash with SIGILL, so it warns. */
static int select_simd_level(void)
{
    const pf_simd_level best = pf_cpu_best_simd_level();
    pf_set_selected_simd_level(best);
    const char *forced = getenv("POLYFAST_SIMD");
    if (forced == NULL || forced[0] == '\0')
        return 0;
    pf_simd_level wanted;
    if (pf_simd_level_from_name(forced, &wanted) < 0) {
        PyErr_Format(PyExc_ValueError,
                     "POLYFAST_SIMD must be 'scalar', 'avx2' or 'avx512', got '%.50s'", forced);
        return -1;
    }
    if (wanted > best) {
        if (PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                             "POLYFAST_SIMD=%s: this CPU supports at most '%s'; using '%s'",
                             forced, pf_simd_level_name(best), pf_simd_level_name(best)) < 0)
            return -1;
        return 0;
    }
    pf_set_selected_simd_level(wanted);
    return 0;
}

static int initial_thread_count(int *nthreads)
{
    *nthreads = pf_pool_default_threads();
    const char *text = getenv("POLYFAST_NUM_THREADS");
    if (text == NULL || text[0] == '\0')
        return 0;
    char *end;
    const long value = strtol(text, &end, 10);
    if (*end != '\0' || value < 1 || value > PF_MAX_THREADS) {
        PyErr_Format(PyExc_ValueError,
                     "POLYFAST_NUM_THREADS must be an integer from 1 to %d, got '%.50s'",
                     PF_MAX_THREADS, text);
        return -1;
    }
    *nthreads = (int)value;
    return 0;
}

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    import_umath();

    int nthreads;
    if (select_simd_level() < 0 || initial_thread_count(&nthreads) < 0)
        return NULL;
    pf_pool_init(nthreads);

    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL)
        return NULL;
    /* Outputs larger than half the last-level cache cannot survive in it
     * alongside their input: write them past the cache. */
    const intptr_t stream_min_bytes = pf_cpu_last_level_cache_bytes() / 2;
    for (const pf_ufunc_spec *const *spec = pf_ufunc_specs; *spec != NULL; spec++) {
        PyObject *ufunc = pf_build_ufunc(*spec, pf_selected_simd_level(), stream_min_bytes);
        if (ufunc == NULL) {
            Py_DECREF(module);
            return NULL;
        }
        const int added = PyModule_AddObjectRef(module, (*spec)->name, ufunc);
        Py_DECREF(ufunc);
        if (added < 0) {
            Py_DECREF(module);
            return NULL;
        }
    }
    if (PyModule_AddIntConstant(module, "MAX_THREADS", PF_MAX_THREADS) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
