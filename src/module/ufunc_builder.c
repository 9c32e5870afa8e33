#include "module/ufunc_builder.h"

#include <string.h>

#include "module/parallel_loop.h"

/* NumPy keeps pointers to the loop tables for the ufunc's whole life; they
 * live in one allocation owned by a capsule in the ufunc's `obj` slot, which
 * NumPy releases when the ufunc dies. */
typedef struct {
    PyUFuncGenericFunction *functions;
    void **data;
    char *types;
    pf_loop_data *loop_data;
} loop_tables;

/* NumPy's type number of each pf_type (runtime/kernel_table.h). */
static const int npy_types[] = {
    [PF_F32] = NPY_FLOAT, [PF_F64] = NPY_DOUBLE, [PF_C64] = NPY_CFLOAT,
    [PF_C128] = NPY_CDOUBLE, [PF_I64] = NPY_INT64,
};

static void free_loop_tables(PyObject *capsule)
{
    PyMem_Free(PyCapsule_GetPointer(capsule, "polyfast.loop_tables"));
}

/* The sizes that make up a unit's work (pf_min_parallel_outer): the first
 * input's core dimensions but the split one, as NumPy numbered them when it
 * parsed the signature; and where each operand's stride along the split
 * dimension sits in NumPy's steps (outer strides, then each operand's core
 * strides in order). */
static void set_work_dims(const PyUFuncObject *ufunc, int split_dim, pf_loop_data *loop_data,
                          int nloops)
{
    const int nargs = ufunc->nargs;
    int ndims = 0;
    int dims[PF_MAX_ARGS];
    int split_steps[PF_MAX_ARGS];
    for (int a = 0; a < nargs; a++)
        split_steps[a] = -1;
    if (ufunc->core_enabled) {
        const int first = ufunc->core_num_dims[0] < PF_MAX_ARGS ? ufunc->core_num_dims[0]
                                                                 : PF_MAX_ARGS;
        for (int d = 0; d < first; d++) {
            const int dim = ufunc->core_dim_ixs[ufunc->core_offsets[0] + d];
            if (dim != split_dim)
                dims[ndims++] = dim;
        }
        for (int a = 0; a < nargs && split_dim >= 0; a++)
            for (int d = 0; d < ufunc->core_num_dims[a]; d++)
                if (ufunc->core_dim_ixs[ufunc->core_offsets[a] + d] == split_dim)
                    split_steps[a] = nargs + ufunc->core_offsets[a] + d;
    }
    for (int i = 0; i < nloops; i++) {
        loop_data[i].nwork_dims = ndims;
        memcpy(loop_data[i].work_dims, dims, (size_t)ndims * sizeof dims[0]);
        loop_data[i].split_dim = ufunc->core_enabled ? split_dim : -1;
        loop_data[i].ncore_dims = ufunc->core_enabled ? ufunc->core_num_dim_ix : 0;
        memcpy(loop_data[i].split_steps, split_steps, (size_t)nargs * sizeof split_steps[0]);
    }
}

PyObject *pf_build_ufunc(const pf_ufunc_spec *spec, pf_simd_level level,
                         intptr_t stream_min_bytes)
{
    const pf_kernel_ufunc *desc = spec->kernels;
    const int nargs = desc->nin + desc->nout;
    const int nloops = desc->nloops;
    if (nargs > PF_MAX_ARGS) {
        PyErr_Format(PyExc_SystemError, "%s: %d operands exceed PF_MAX_ARGS", desc->name,
                     nargs);
        return NULL;
    }

    const size_t bytes = sizeof(loop_tables) + nloops * (sizeof(PyUFuncGenericFunction) +
                         sizeof(void *) + sizeof(pf_loop_data) + nargs);
    loop_tables *tables = PyMem_Calloc(1, bytes);
    if (tables == NULL)
        return PyErr_Format(PyExc_MemoryError,
                            "polyfast: could not allocate %zu bytes for the loop tables of %s",
                            bytes, desc->name);
    char *cursor = (char *)(tables + 1);
    tables->loop_data = (pf_loop_data *)cursor;
    cursor += nloops * sizeof(pf_loop_data);
    tables->functions = (PyUFuncGenericFunction *)cursor;
    cursor += nloops * sizeof(PyUFuncGenericFunction);
    tables->data = (void **)cursor;
    cursor += nloops * sizeof(void *);
    tables->types = cursor;

    for (int i = 0; i < nloops; i++) {
        const pf_loop_spec *loop = &desc->loops[i];
        pf_kernel_fn kernel;
        PF_PICK_LEVEL(loop->kernels, level, kernel);
        if (kernel == NULL) {
            PyMem_Free(tables);
            PyErr_Format(PyExc_SystemError, "%s: loop %d has no kernel", desc->name, i);
            return NULL;
        }
        tables->loop_data[i] = (pf_loop_data){
            .kernel = kernel,
            .nin = desc->nin,
            .nout = desc->nout,
            .min_parallel = spec->min_parallel,
            .grain = spec->grain,
            .stream_min_bytes = stream_min_bytes,
        };
        tables->functions[i] = pf_parallel_loop;
        tables->data[i] = &tables->loop_data[i];
        for (int a = 0; a < nargs; a++)
            tables->types[i * nargs + a] = (char)npy_types[loop->types[a]];
    }

    PyObject *owner = PyCapsule_New(tables, "polyfast.loop_tables", free_loop_tables);
    if (owner == NULL) {
        PyMem_Free(tables);
        return NULL;
    }
    PyObject *ufunc = PyUFunc_FromFuncAndDataAndSignature(
        tables->functions, tables->data, tables->types, nloops, desc->nin, desc->nout,
        PyUFunc_None, desc->name, spec->doc, 0, desc->signature);
    if (ufunc == NULL) {
        Py_DECREF(owner);
        return NULL;
    }
    PyUFuncObject *as_ufunc = (PyUFuncObject *)ufunc;
    as_ufunc->obj = owner; /* the ufunc now owns the tables */
    as_ufunc->process_core_dims_func = spec->process_core_dims;
    if (desc->split_dim >= 0 && as_ufunc->core_num_dim_ix > PF_MAX_CORE_DIMS) {
        Py_DECREF(ufunc);
        PyErr_Format(PyExc_SystemError, "%s: more than %d core dimensions to split",
                     desc->name, PF_MAX_CORE_DIMS);
        return NULL;
    }
    set_work_dims(as_ufunc, desc->split_dim, tables->loop_data, nloops);

    /* Pickle finds a ufunc by `__module__` and `__name__`; NumPy >= 2.2 lets
     * us say it lives in polyfast, older ones keep "numpy" (pickle then
     * searches sys.modules and still finds polyfast.<name>). */
    PyObject *module_name = PyUnicode_FromString("polyfast");
    if (module_name == NULL) {
        Py_DECREF(ufunc);
        return NULL;
    }
    if (PyObject_SetAttrString(ufunc, "__module__", module_name) < 0) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            Py_DECREF(module_name);
            Py_DECREF(ufunc);
            return NULL;
        }
        PyErr_Clear();
    }
    Py_DECREF(module_name);
    return ufunc;
}
