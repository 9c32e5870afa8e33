/*
 * The declarative description of one ufunc: everything the builder needs, and
 * nothing about how to build it.  The rows are not written by hand: each
 * family's spec.py describes its ufuncs, and src/codegen/generate.py turns
 * every spec.py into the generated table (ufunc_table.c in the build
 * directory), which defines pf_spec_<name> for each ufunc, pf_ufunc_specs and
 * pf_module_methods; the loops are those of the plain-C table (kernels.h).
 */
#ifndef POLYFAST_UFUNC_SPEC_H
#define POLYFAST_UFUNC_SPEC_H

#include "module/numpy_api.h"

#include "runtime/kernel_table.h"

/* One type signature, with its kernel at each SIMD level: a row of the
 * generated plain-C table (runtime/kernel_table.h, kernels.c); its types are
 * pf_type codes, which the builder turns into NumPy's. */
typedef pf_kernel_loop pf_loop_spec;

typedef struct {
    /* Name, signature, operands, split dimension and loops: the ufunc's row
     * of the plain-C table (kernels.c), which the fuzz driver reads too. */
    const pf_kernel_ufunc *kernels;
    const char *doc;               /* numpydoc body; NumPy prepends the call line */
    intptr_t min_parallel;         /* outer items below which one thread runs */
    intptr_t grain;                /* fewest outer items in a block */
    PyUFunc_ProcessCoreDimsFunc *process_core_dims; /* NULL if not needed */
} pf_ufunc_spec;

/* Every ufunc, NULL-terminated, in the order of src/meson.build's families. */
extern const pf_ufunc_spec *const pf_ufunc_specs[];

/* The module's functions (the runtime's and the families'), ending with a
 * NULL row. */
extern PyMethodDef pf_module_methods[];

#endif
