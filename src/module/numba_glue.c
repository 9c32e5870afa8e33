/*
 * What numba-compiled code calls (polyfast/_numba.py): one plain-C entry
 * point for arrays and, for every loop of every ufunc, the address of the
 * pf_loop_data the ufunc itself runs with (its kernel at the SIMD level
 * chosen at import, its thread-pool split) and of the loop's scalar-level
 * kernel, which numba calls on one item, and the scalar entries a spec
 * declares (numba_points.h).  numba binds each address to a symbol name
 * (llvmlite's add_symbol), so compiled code refers to names, not to
 * addresses of this process, and numba's on-disk cache stays valid in the
 * next one.  Nothing here is per-ufunc: the loops come from the ufunc
 * objects, which come from the spec.py files.
 */
#include "module/numpy_api.h"

#include "module/parallel_loop.h"
#include "module/numba_points.h"

/* The C signatures, which name the capsules; polyfast/_numba.py checks them
 * before it binds anything. */
#define PF_NUMBA_LOOP_SIGNATURE \
    "void (const pf_loop_data *, char **, const npy_intp *, const npy_intp *)"
#define PF_NUMBA_KERNEL_SIGNATURE \
    "void (char *const *, intptr_t, const intptr_t *, const intptr_t *, unsigned)"
#define PF_NUMBA_DATA_NAME "const pf_loop_data"

/* An array call: NumPy's inner-loop arguments (dimensions[0] outer items,
 * then the core sizes; outer steps, then core steps), run exactly as NumPy
 * runs the ufunc, through the same loop and pool.  Watched for Ctrl-C when
 * the caller holds the GIL (plain njit code, as NumPy's calls are); from a
 * thread without it (numba's prange workers, nogil code) the watch's poll
 * could wait for a GIL whose holder waits for this thread, so it runs
 * unwatched, as numba's own loops do. */
static void numba_loop(const pf_loop_data *loop, char **args, const npy_intp *dimensions,
                       const npy_intp *steps)
{
    if (PyGILState_Check())
        pf_parallel_loop(args, dimensions, steps, (void *)loop);
    else
        pf_parallel_loop_unwatched(args, dimensions, steps, loop);
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
static int add_ufunc_loops(PyObject *table, PyObject *module, const pf_kernel_ufunc *desc)
{
    PyObject *object = PyObject_GetAttrString(module, desc->name);
    if (object == NULL)
        return -1;
    if (!PyObject_TypeCheck(object, &PyUFunc_Type)) {
        PyErr_Format(PyExc_TypeError, "polyfast._core.%s is not a ufunc", desc->name);
        Py_DECREF(object);
        return -1;
    }
    PyUFuncObject *ufunc = (PyUFuncObject *)object;
    if (ufunc->ntypes != desc->nloops) {
        PyErr_Format(PyExc_TypeError, "polyfast._core.%s has %d loops, its spec %d",
                     desc->name, ufunc->ntypes, desc->nloops);
        Py_DECREF(object);
        return -1;
    }
    for (int i = 0; i < ufunc->ntypes; i++) {
        if (ufunc->functions[i] != pf_parallel_loop) {
            PyErr_Format(PyExc_TypeError, "polyfast._core.%s: loop %d is not polyfast's",
                         desc->name, i);
            Py_DECREF(object);
            return -1;
        }
        /* One item costs a call of the scalar level's kernel: the vector
         * levels' setup is paid per call, and every level gives the same
         * bits.  It runs on the calling thread, without the pool or Python
         * (safe from numba's prange threads, which hold no GIL). */
        const pf_kernel_fn scalar_kernel = desc->loops[i].kernels[PF_SIMD_SCALAR];
        char key[128], point_key[160];
        PyOS_snprintf(key, sizeof key, "%s.%d", desc->name, i);
        PyOS_snprintf(point_key, sizeof point_key, "%s.point", key);
        if (add_capsule(table, key, ufunc->data[i], PF_NUMBA_DATA_NAME) < 0 ||
            add_capsule(table, point_key, (void *)scalar_kernel, PF_NUMBA_KERNEL_SIGNATURE) < 0) {
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
    if (add_capsule(table, "loop", (void *)numba_loop, PF_NUMBA_LOOP_SIGNATURE) < 0)
        goto fail;
    for (const pf_ufunc_spec *const *spec = pf_ufunc_specs; *spec != NULL; spec++)
        if (add_ufunc_loops(table, module, (*spec)->kernels) < 0)
            goto fail;
    /* The scalar entries of the specs that declare them (numba_points.h),
     * named with their C signature: "ufunc.i.scalar". */
    for (const pf_numba_point *point = pf_numba_points; point->ufunc != NULL; point++) {
        char key[160];
        PyOS_snprintf(key, sizeof key, "%s.%d.scalar", point->ufunc, point->loop);
        if (add_capsule(table, key, (void *)point->function, point->signature) < 0)
            goto fail;
    }
    return table;
fail:
    Py_DECREF(table);
    return NULL;
}
