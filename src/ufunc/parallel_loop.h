/* The one inner loop NumPy calls for every polyfast ufunc: it splits the outer
 * dimension over the thread pool and calls the kernel on each block. */
#ifndef POLYFAST_PARALLEL_LOOP_H
#define POLYFAST_PARALLEL_LOOP_H

#include "ufunc/ufunc_spec.h"

/* What the builder stores as a loop's `data` pointer. */
typedef struct {
    pf_kernel_fn kernel;
    int nin, nout;
    intptr_t min_parallel;
    intptr_t grain;
    intptr_t stream_min_bytes; /* calls writing more than this stream their output */
} pf_loop_data;

void pf_parallel_loop(char **args, npy_intp const *dimensions,
                      npy_intp const *steps, void *data);

#endif
