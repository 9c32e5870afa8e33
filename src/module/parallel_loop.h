/* The one inner loop NumPy calls for every polyfast ufunc: it splits the outer
 * dimension over the thread pool and calls the kernel on each block. */
#ifndef POLYFAST_PARALLEL_LOOP_H
#define POLYFAST_PARALLEL_LOOP_H

#include "module/ufunc_spec.h"

/* Distinct core dimensions a split gufunc may have. */
#define PF_MAX_CORE_DIMS 16

/* What the builder stores as a loop's `data` pointer. */
typedef struct {
    pf_kernel_fn kernel;
    int nin, nout;
    intptr_t min_parallel;     /* work items (see pf_min_parallel_outer) */
    intptr_t grain;
    intptr_t stream_min_bytes; /* calls writing more than this stream their output */
    int nwork_dims;            /* the first input's core dimensions but split_dim: */
    int work_dims[PF_MAX_ARGS]; /* a unit's work is the product of their sizes */
    int split_dim;             /* NumPy's index of the core dimension split, -1 if none */
    int ncore_dims;            /* the gufunc's distinct core dimensions */
    int split_steps[PF_MAX_ARGS]; /* index in steps of each operand's stride along it, -1 */
} pf_loop_data;

void pf_parallel_loop(char **args, npy_intp const *dimensions,
                      npy_intp const *steps, void *data);

/* The same loop without the interrupt watch, for a caller that does not
 * hold the GIL and may not take it: a numba prange worker, whose main
 * thread holds the GIL while it waits for the workers, would wait forever
 * in the watch's first poll (module/numba_glue.c). */
void pf_parallel_loop_unwatched(char **args, npy_intp const *dimensions,
                                npy_intp const *steps, const pf_loop_data *loop);

/*
 * A spec's min_parallel counts work items: outer items times the size of the
 * first input's core (1 for elementwise ufuncs, a row's length for the bump
 * finder).  This is the number of outer items from which a call whose items
 * each carry `work_per_item` goes parallel; every parallel path of polyfast
 * (the ufuncs' loop and the ragged bump scan) decides through it.
 */
intptr_t pf_min_parallel_outer(intptr_t min_parallel, intptr_t work_per_item);

#endif
