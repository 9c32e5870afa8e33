/*
 * The declarative description of one ufunc: everything the builder needs, and
 * nothing about how to build it.  Each family of ufuncs has a spec_<family>.c
 * holding its rows; spec_table.c lists them all.
 */
#ifndef POLYFAST_UFUNC_SPEC_H
#define POLYFAST_UFUNC_SPEC_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#define PY_ARRAY_UNIQUE_SYMBOL polyfast_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL polyfast_UFUNC_API
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>

#include "kernels/kernel_api.h"
#include "runtime/cpu_features.h"

#define PF_MAX_ARGS 8

/* One type signature, with its kernel at each SIMD level.  A NULL entry falls
 * back to the next lower level, so scalar-only loops name one kernel. */
typedef struct {
    char types[PF_MAX_ARGS]; /* NPY_* type numbers, inputs then outputs */
    pf_kernel_fn kernels[PF_SIMD_NLEVELS];
} pf_loop_spec;

typedef struct {
    const char *name;
    const char *doc;               /* numpydoc body; NumPy prepends the call line */
    const char *signature;         /* gufunc core signature, NULL for elementwise */
    int nin, nout;
    intptr_t min_parallel;         /* outer items below which one thread runs */
    intptr_t grain;                /* fewest outer items in a block */
    PyUFunc_ProcessCoreDimsFunc *process_core_dims; /* NULL if not needed */
    int nloops;
    const pf_loop_spec *loops;
} pf_ufunc_spec;

/* NULL-terminated, in spec_table.c. */
extern const pf_ufunc_spec *const pf_ufunc_specs[];

#endif
