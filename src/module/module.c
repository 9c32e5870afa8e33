/*
 * polyfast._core: builds every ufunc of the generated spec table, adds the
 * generated method table (the runtime's functions below and the families'
 * entry points) and the module's __all__.  Loops, kernels and the pool live
 * elsewhere; docstrings and stubs come from the spec.py files.
 */
#define PF_IMPORT_NUMPY_API
#include "module/numpy_api.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"
#include "module/ufunc_builder.h"

PyObject *pf_set_num_threads(PyObject *self, PyObject *arg)
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

PyObject *pf_get_num_threads(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(pf_pool_get_threads());
}

PyObject *pf_get_simd_level(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(pf_simd_level_name(pf_selected_simd_level()));
}

PyObject *pf_get_cpu_simd_level(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(pf_simd_level_name(pf_cpu_best_simd_level()));
}

/*
 * The only symbols of the extension visible to the dynamic linker besides
 * PyInit__core: threadpoolctl's controller (polyfast/_threadpoolctl.py) finds
 * this library among the loaded ones by its file name "_core.*" and tells it
 * from other packages' "_core" modules by these names, then calls them through
 * ctypes, as it does for OpenBLAS or OpenMP.  They touch no Python state.
 */
#if defined(_WIN32)
#define PF_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define PF_EXPORT __attribute__((visibility("default")))
#else
#define PF_EXPORT
#endif

PF_EXPORT int polyfast_threadpool_get_num_threads(void)
{
    return pf_pool_get_threads();
}

PF_EXPORT int polyfast_threadpool_set_num_threads(int n)
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
    .m_methods = pf_module_methods,
};

/* The value of an environment variable without surrounding whitespace and,
 * with `lower`, in lower case, in `buffer`; NULL when unset or blank.  Peers
 * (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) are that lenient. */
static const char *env_value(const char *name, char *buffer, size_t size, int lower)
{
    const char *text = getenv(name);
    if (text == NULL)
        return NULL;
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t' ||
                          text[length - 1] == '\n' || text[length - 1] == '\r'))
        length--;
    if (length == 0)
        return NULL;
    if (length >= size)
        length = size - 1; /* too long to be valid: still named in the warning */
    for (size_t i = 0; i < length; i++)
        buffer[i] = lower && text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a')
                                                             : text[i];
    buffer[length] = '\0';
    return buffer;
}

/* POLYFAST_SIMD may lower the level (to test every path on one machine);
 * asking for more than the CPU has would crash with SIGILL, so it warns, as
 * it does for a name it does not know: a bad setting never stops an import. */
static int select_simd_level(void)
{
    const pf_simd_level best = pf_cpu_best_simd_level();
    pf_set_selected_simd_level(best);
    char buffer[64];
    const char *forced = env_value("POLYFAST_SIMD", buffer, sizeof buffer, 1);
    if (forced == NULL)
        return 0;
    pf_simd_level wanted;
    if (pf_simd_level_from_name(forced, &wanted) < 0) {
#define PF_QUOTED_LEVEL(level) " '" #level "'"
        return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                "POLYFAST_SIMD='%s' is not one of" PF_FOR_EACH_SIMD_LEVEL(
                                    PF_QUOTED_LEVEL) "; using '%s', the best this CPU supports",
                                forced, pf_simd_level_name(best));
#undef PF_QUOTED_LEVEL
    }
    if (wanted > best)
        return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                "POLYFAST_SIMD=%s: this CPU supports at most '%s'; using '%s'",
                                forced, pf_simd_level_name(best), pf_simd_level_name(best));
    pf_set_selected_simd_level(wanted);
    return 0;
}

/* POLYFAST_NUM_THREADS, or the CPUs this process may use; a value that is no
 * integer from 1 to PF_MAX_THREADS warns and names the count used instead. */
static int initial_thread_count(int *nthreads)
{
    *nthreads = pf_pool_default_threads();
    char buffer[64];
    const char *text = env_value("POLYFAST_NUM_THREADS", buffer, sizeof buffer, 0);
    if (text == NULL)
        return 0;
    char *end;
    const long value = strtol(text, &end, 10);
    if (*end == '\0' && value >= 1 && value <= PF_MAX_THREADS) {
        *nthreads = (int)value;
        return 0;
    }
    if (*end == '\0' && value > PF_MAX_THREADS)
        *nthreads = PF_MAX_THREADS;
    return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                            "POLYFAST_NUM_THREADS='%s' is not an integer from 1 to %d; "
                            "using %d threads", text, PF_MAX_THREADS, *nthreads);
}

static int append_name(PyObject *list, const char *name)
{
    PyObject *text = PyUnicode_FromString(name);
    if (text == NULL)
        return -1;
    const int appended = PyList_Append(list, text);
    Py_DECREF(text);
    return appended;
}

/* __all__: every public ufunc, then the public functions, as the generated stub
 * _core.pyi lists them. */
static int add_public_names(PyObject *module)
{
    PyObject *names = PyList_New(0);
    if (names == NULL)
        return -1;
    for (const pf_ufunc_spec *const *spec = pf_ufunc_specs; *spec != NULL; spec++)
        if ((*spec)->kernels->name[0] != '_' && append_name(names, (*spec)->kernels->name) < 0)
            goto fail;
    for (const PyMethodDef *method = pf_module_methods; method->ml_name != NULL; method++)
        if (method->ml_name[0] != '_' && append_name(names, method->ml_name) < 0)
            goto fail;
    if (PyModule_AddObjectRef(module, "__all__", names) < 0)
        goto fail;
    Py_DECREF(names);
    return 0;
fail:
    Py_DECREF(names);
    return -1;
}

/*
 * Outputs larger than half the last-level cache cannot survive in it
 * alongside their input: write them past the cache.  The cache a machine
 * reports can mislead both ways (a VM may report its host's shared L3 of
 * hundreds of MiB, of which one process gets a fraction), so the threshold is
 * kept between 1 and 16 MiB: an output of 16 MiB next to its 16 MiB input
 * already fills most real per-process cache shares.
 */
static intptr_t stream_threshold(intptr_t last_level_cache_bytes)
{
    const intptr_t lowest = (intptr_t)1 << 20, highest = (intptr_t)16 << 20;
    const intptr_t half = last_level_cache_bytes / 2;
    return half < lowest ? lowest : half > highest ? highest : half;
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
#ifdef Py_GIL_DISABLED
    /* Free-threaded CPython: say that this module does not need the GIL, or
     * importing it would turn the GIL back on for the whole process.  Nothing
     * here relies on it: the pool and the SIMD level are state of their own,
     * under their own locks and atomics (runtime/threads.h), the loops run
     * without the GIL anyway, the ufuncs are built once here, and the sampler
     * holds the bit generator's own lock while it uses it (polyfast/_mcmc.py
     * drops the one trick that relied on the GIL, the swapped
     * RandomState._bit_generator, when the GIL is off).  Single-phase init,
     * so this call rather than a Py_mod_gil slot. */
    if (PyUnstable_Module_SetGIL(module, Py_MOD_GIL_NOT_USED) < 0) {
        Py_DECREF(module);
        return NULL;
    }
#endif
    const intptr_t stream_min_bytes = stream_threshold(pf_cpu_last_level_cache_bytes());
    for (const pf_ufunc_spec *const *spec = pf_ufunc_specs; *spec != NULL; spec++) {
        PyObject *ufunc = pf_build_ufunc(*spec, pf_selected_simd_level(), stream_min_bytes);
        if (ufunc == NULL) {
            Py_DECREF(module);
            return NULL;
        }
        const int added = PyModule_AddObjectRef(module, (*spec)->kernels->name, ufunc);
        Py_DECREF(ufunc);
        if (added < 0) {
            Py_DECREF(module);
            return NULL;
        }
    }
    if (PyModule_AddIntConstant(module, "MAX_THREADS", PF_MAX_THREADS) < 0 ||
        add_public_names(module) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
