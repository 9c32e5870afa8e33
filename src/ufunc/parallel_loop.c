#include "ufunc/parallel_loop.h"

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

void pf_parallel_loop(char **args, npy_intp const *dimensions,
                      npy_intp const *steps, void *data)
{
    const pf_loop_data *loop = data;
    const npy_intp n = dimensions[0];
    intptr_t out_bytes = 0;
    for (int i = loop->nin; i < loop->nin + loop->nout; i++)
        out_bytes += n * (steps[i] < 0 ? -steps[i] : steps[i]);
    block_ctx ctx = {
        .loop = loop,
        .args = args,
        .core_dims = dimensions + 1,
        .steps = steps,
        .hints = out_bytes >= loop->stream_min_bytes ? PF_HINT_STREAM : 0u,
    };
    pf_parallel_for(n, loop->min_parallel, loop->grain, run_block, &ctx);
}
