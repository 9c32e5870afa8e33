#include "module/parallel_loop.h"

#include "module/interrupt_glue.h"
#include "runtime/residency.h"
#include "runtime/thread_pool.h"

typedef struct {
    const pf_loop_data *loop;
    char **args;
    const npy_intp *core_dims;
    const npy_intp *steps;
    unsigned hints;
} block_ctx;

static void run_block(void *ctx_, intptr_t begin, intptr_t end)
{
    const block_ctx *ctx = ctx_;
    const int nargs = ctx->loop->nin + ctx->loop->nout;
    char *block_args[PF_MAX_ARGS];
    for (int i = 0; i < nargs; i++)
        block_args[i] = ctx->args[i] + begin * ctx->steps[i];
    ctx->loop->kernel(block_args, end - begin, ctx->core_dims, ctx->steps, ctx->hints);
}

/* Units [begin, end) of a split call: unit t is outer item t / size, slice
 * t % size of the split dimension (size its length).  Each outer item's run
 * of slices is one kernel call on one item whose split dimension is that
 * run: the operands that have the dimension start at its first slice. */
static void run_split_block(void *ctx_, intptr_t begin, intptr_t end)
{
    const block_ctx *ctx = ctx_;
    const pf_loop_data *loop = ctx->loop;
    const int nargs = loop->nin + loop->nout;
    const intptr_t size = ctx->core_dims[loop->split_dim];
    intptr_t dims[PF_MAX_CORE_DIMS];
    for (int d = 0; d < loop->ncore_dims; d++)
        dims[d] = ctx->core_dims[d];
    char *block_args[PF_MAX_ARGS];
    for (intptr_t t = begin; t < end;) {
        const intptr_t item = t / size, first = t % size;
        const intptr_t take = size - first < end - t ? size - first : end - t;
        for (int i = 0; i < nargs; i++) {
            const int s = loop->split_steps[i];
            block_args[i] = ctx->args[i] + item * ctx->steps[i] +
                            (s >= 0 ? first * ctx->steps[s] : 0);
        }
        dims[loop->split_dim] = take;
        loop->kernel(block_args, 1, dims, ctx->steps, ctx->hints);
        t += take;
    }
}

/* The byte range an operand's outer loop touches, widened by one step (or 16
 * bytes for a broadcast operand) to cover the last element. */
static void operand_extent(const char *base, npy_intp n, npy_intp step,
                           uintptr_t *low, uintptr_t *high)
{
    const npy_intp span = (n - 1) * step;
    const npy_intp width = step == 0 ? 16 : (step < 0 ? -step : step);
    const char *first = span < 0 ? base + span : base;
    const char *last = span < 0 ? base : base + span;
    *low = (uintptr_t)first;
    *high = (uintptr_t)last + (uintptr_t)width;
}

/*
 * NumPy passes an output that partly overlaps an input without copying when
 * an in-order loop would be correct (out = x[:-1] for x[1:]): blocks run at
 * the same time would then read elements another block already overwrote.
 * Only exact aliasing (same start, same stride) is safe to split.
 */
static int outputs_partly_overlap_inputs(char **args, npy_intp n, const npy_intp *steps,
                                         int nin, int nout)
{
    for (int o = nin; o < nin + nout; o++) {
        uintptr_t out_low, out_high;
        operand_extent(args[o], n, steps[o], &out_low, &out_high);
        for (int i = 0; i < nin; i++) {
            if (args[i] == args[o] && steps[i] == steps[o])
                continue;
            uintptr_t in_low, in_high;
            operand_extent(args[i], n, steps[i], &in_low, &in_high);
            if (in_low < out_high && out_low < in_high)
                return 1;
        }
    }
    return 0;
}

/* Stream a large output only into pages that already exist: a fresh
 * allocation (NumPy's own output) takes its page faults either way, and
 * non-temporal stores into it measured slower than plain ones, while into a
 * reused buffer (out=) they save reading the destination into the cache. */
static int worth_streaming(char **args, npy_intp n, const npy_intp *steps,
                           const pf_loop_data *loop, intptr_t out_bytes)
{
    if (out_bytes < loop->stream_min_bytes)
        return 0;
    for (int o = loop->nin; o < loop->nin + loop->nout; o++) {
        const npy_intp step = steps[o] < 0 ? -steps[o] : steps[o];
        const char *low = steps[o] < 0 ? args[o] + (n - 1) * steps[o] : args[o];
        if (pf_pages_resident(low, n * step) == 0)
            return 0;
    }
    return 1;
}

intptr_t pf_min_parallel_outer(intptr_t min_parallel, intptr_t work_per_item)
{
    if (work_per_item <= 1)
        return min_parallel;
    const intptr_t outer = min_parallel / work_per_item + (min_parallel % work_per_item != 0);
    return outer > 1 ? outer : 1;
}

static void run_loop(char **args, npy_intp const *dimensions, npy_intp const *steps,
                     const pf_loop_data *loop, int watched)
{
    const npy_intp n = dimensions[0];
    if (n <= 0 || pf_py_unwinding())
        return;
    intptr_t out_bytes = 0;
    for (int i = loop->nin; i < loop->nin + loop->nout; i++)
        out_bytes += n * (steps[i] < 0 ? -steps[i] : steps[i]);
    block_ctx ctx = {
        .loop = loop,
        .args = args,
        .core_dims = dimensions + 1,
        .steps = steps,
        .hints = worth_streaming(args, n, steps, loop, out_bytes) ? PF_HINT_STREAM : 0u,
    };
    intptr_t work_per_item = 1;
    for (int d = 0; d < loop->nwork_dims; d++) {
        const npy_intp size = dimensions[1 + loop->work_dims[d]];
        if (size == 0 || work_per_item > INTPTR_MAX / size) {
            work_per_item = size == 0 ? 1 : INTPTR_MAX;
            break;
        }
        work_per_item *= size;
    }
    const intptr_t min_parallel = pf_min_parallel_outer(loop->min_parallel, work_per_item);
    /* A split dimension multiplies the units handed out; an empty one leaves
     * the kernel nothing to do. */
    intptr_t units = n;
    pf_range_fn run = run_block;
    if (loop->split_dim >= 0) {
        const npy_intp size = dimensions[1 + loop->split_dim];
        if (size == 0)
            return;
        if (n <= INTPTR_MAX / size) { /* always, for sizes NumPy can allocate */
            units = n * size;
            run = run_split_block;
        }
    }
    pf_py_watch watch;
    if (watched)
        pf_py_watch_begin(&watch);
    /* In order, on this thread: an in-order pass is what makes a partly
     * overlapping output correct. */
    if (outputs_partly_overlap_inputs(args, n, steps, loop->nin, loop->nout))
        pf_serial_for(units, pf_serial_chunk(min_parallel, loop->grain), run, &ctx);
    else
        pf_parallel_for(units, min_parallel, loop->grain, run, &ctx);
    if (watched)
        pf_py_watch_end_in_loop(&watch);
}

/* NumPy calls this with the GIL released, or held for a small call
 * (NPY_BEGIN_THREADS_THRESHOLDED); either way the call is watched, so a
 * pending signal stops it (module/interrupt_glue.h). */
void pf_parallel_loop(char **args, npy_intp const *dimensions,
                      npy_intp const *steps, void *data)
{
    run_loop(args, dimensions, steps, data, 1);
}

void pf_parallel_loop_unwatched(char **args, npy_intp const *dimensions,
                                npy_intp const *steps, const pf_loop_data *loop)
{
    run_loop(args, dimensions, steps, loop, 0);
}
