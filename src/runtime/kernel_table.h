/*
 * The plain-C description of every ufunc: its operands, core dimensions and
 * loops, each loop a type signature with its kernel at each SIMD level.  The
 * rows are generated (src/codegen/generate.py writes kernels.h, which declares
 * every kernel by its full name, and kernels.c, which defines the rows, from
 * the families' spec.py files); the registration table (module/ufunc_spec.h)
 * takes its loops from here, and the fuzz driver (fuzz/fuzz_kernels.c) walks
 * the rows to check every SIMD loop against the scalar loop of its ufunc.  No
 * Python or NumPy header: a C test can include it.
 */
#ifndef POLYFAST_KERNEL_TABLE_H
#define POLYFAST_KERNEL_TABLE_H

#include <stdint.h>

#include "runtime/kernel_api.h"
#include "runtime/simd_levels.h"

#define PF_MAX_ARGS 8     /* operands of a ufunc, inputs and outputs */
#define PF_MAX_OP_CORE 4  /* core dimensions of one operand */

/* An operand's element type (the spec's f32 f64 c64 c128 i64). */
typedef enum { PF_F32, PF_F64, PF_C64, PF_C128, PF_I64 } pf_type;

/* One type signature and its kernel at each level; a NULL entry falls back to
 * the next lower level (PF_PICK_LEVEL), so a scalar-only loop names one. */
typedef struct {
    unsigned char types[PF_MAX_ARGS];          /* pf_type, inputs then outputs */
    pf_kernel_fn kernels[PF_SIMD_NLEVELS];
    const char *kernel_names[PF_SIMD_NLEVELS]; /* "pf_poly8_f64_avx2", NULL where none */
} pf_kernel_loop;

typedef struct {
    const char *name;
    const char *signature;                        /* gufunc core signature, NULL if none */
    int nin, nout;
    int ncore;                                    /* distinct core dimensions */
    signed char op_ndim[PF_MAX_ARGS];             /* core dimensions of each operand */
    signed char op_dims[PF_MAX_ARGS][PF_MAX_OP_CORE]; /* their numbers, NumPy's order */
    int split_dim;                                /* splittable core dimension, -1 if none */
    /* Sets each core dimension that only outputs have to the smallest size
     * the ufunc accepts given the others (the spec's `out_dims`), NULL if
     * any size goes. */
    void (*min_out_dims)(intptr_t *core_dims);
    int nloops;
    const pf_kernel_loop *loops;
} pf_kernel_ufunc;

/* Bytes of one element of each pf_type. */
static inline intptr_t pf_type_size(int type)
{
    static const unsigned char sizes[] = {4, 8, 8, 16, 8};
    return sizes[type];
}

#endif
