/*
 * What numba-compiled code calls (polyfast/_numba.py): two plain-C entry
 * points and, for every loop of every ufunc, the address of the pf_loop_data
 * the ufunc itself runs with (its kernel at the SIMD level chosen at import,
 * its thread-pool split).  numba binds each address to a symbol name
 * (llvmlite's add_symbol), so compiled code refers to names, not to
 * addresses of this process, and numba's on-disk cache stays valid in the
 * next one.  Nothing here is per-ufunc: the loops come from the ufunc
 * objects, which come from the spec.py files.
 */
#include "module/numpy_api.h"

#include "module/parallel_loop.h"

/* The C signatures, which name the capsules; polyfast/_numba.py checks them
 * before it binds anything. */
#define PF_NUMBA_LOOP_SIGNATURE \
    "void (const pf_loop_data *, char **, const npy_intp *, const npy_intp *)"
#define PF_NUMBA_POINT_SIGNATURE "void (const pf_loop_data *, char *const *)"
#define PF_NUMBA_DATA_NAME "const pf_loop_data"

/* An array call: NumPy's inner-loop arguments (dimensions[0] outer items,
 * then the core sizes; outer steps, then core steps), run exactly as NumPy
 * runs the ufunc, through the same loop, pool and interrupt watch. */
static void numba_loop(const pf_loop_data *loop, char **args, const npy_intp *dimensions,
                       const npy_intp *steps)
{
    pf_parallel_loop(args, dimensions, steps, (void *)loop);
}

/* One elementwise item, on the calling thread: the ufunc's kernel alone,
 * without the pool or Python (safe from numba's prange threads, which hold
 * no GIL). */
static void numba_point(const pf_loop_data *loop, char *const *args)
{
    static const intptr_t steps[PF_MAX_ARGS] = {0};
    loop->kernel(args, 1, NULL, steps, 0u);
}

static int add_capsule(PyObject *table, const char *key, void *pointer, const char *name)
{
    PyObject *capsule = PyCapsule_New(pointer, name, NULL);
    if (capsule == NULL)
        return -1;
    const int added = PyDict_SetItemString(table, key, capsule);
    Py_DECREF(capsule);
    return added;
}

/* The ufunc's loop data, checked to be polyfast's own loops. */
static int add_ufunc_loops(PyObject *table, PyObject *module, const pf_ufunc_spec *spec)
{
    PyObject *object = PyObject_GetAttrString(module, spec->name);
    if (object == NULL)
        return -1;
    if (!PyObject_TypeCheck(object, &PyUFunc_Type)) {
        PyErr_Format(PyExc_TypeError, "polyfast._core.%s is not a ufunc", spec->name);
        Py_DECREF(object);
        return -1;
    }
    PyUFuncObject *ufunc = (PyUFuncObject *)object;
    for (int i = 0; i < ufunc->ntypes; i++) {
        if (ufunc->functions[i] != pf_parallel_loop) {
            PyErr_Format(PyExc_TypeError, "polyfast._core.%s: loop %d is not polyfast's",
                         spec->name, i);
            Py_DECREF(object);
            return -1;
        }
        char key[128];
        PyOS_snprintf(key, sizeof key, "%s.%d", spec->name, i);
        if (add_capsule(table, key, ufunc->data[i], PF_NUMBA_DATA_NAME) < 0) {
            Py_DECREF(object);
            return -1;
        }
    }
    /* The module keeps the ufunc, and with it the loop data, alive: numba's
     * code holds the addresses only while polyfast._core is loaded, which is
     * for the rest of the process. */
    Py_DECREF(object);
    return 0;
}

PyObject *pf_numba_capsules(PyObject *module, PyObject *unused)
{
    (void)unused;
    PyObject *table = PyDict_New();
    if (table == NULL)
        return NULL;
    if (add_capsule(table, "loop", (void *)numba_loop, PF_NUMBA_LOOP_SIGNATURE) < 0 ||
        add_capsule(table, "point", (void *)numba_point, PF_NUMBA_POINT_SIGNATURE) < 0)
        goto fail;
    for (const pf_ufunc_spec *const *spec = pf_ufunc_specs; *spec != NULL; spec++)
        if (add_ufunc_loops(table, module, *spec) < 0)
            goto fail;
    return table;
fail:
    Py_DECREF(table);
    return NULL;
}
