/*
 * The chain's Python call-outs (the tie-breaker, a signal handler at a
 * poll) and the generator handed over around them.
 *
 * Python code run in the middle of the chain may draw from the same
 * RandomState, in this thread or another: the chain lets go of the
 * generator's lock meanwhile.  So before such code runs the object gets the
 * chain's cached Gaussian (and a direct MT19937 stream writes its position
 * back), and afterwards the chain takes back what the object then holds: no
 * draw is ever used twice.  MT19937's own state is advanced in place
 * through the capsule and needs no copy; a PCG64 stream writes its state
 * back after each block, before the chain runs it.
 *
 * Before NumPy 2.4 the generator's lock is a plain Lock: Python code that
 * draws from the generator while this call holds it would wait for itself
 * forever.  So the chain lets go of the lock around its call-outs (every
 * version alike), after lending the Gaussian, and takes it back before
 * taking the Gaussian back: whatever ran meanwhile, in this thread or
 * another, drew from a generator whose state was whole.
 */
#include "mcmc/sampler_glue.h"

#include <string.h>

int pf_glue_lend_gauss(pf_glue_ctx *ctx)
{
    pf_legacy_gauss_state *g = ctx->gauss;
    if (g != NULL && g->mt != NULL)
        pf_mt_stream_sync(g->mt, g->mt->pos);
    if (g != NULL && g->check != NULL)
        pf_mt_check_sync(g->check);
    if (g == NULL || (g->has_gauss == ctx->object_has_gauss &&
                      memcmp(&g->gauss, &ctx->object_gauss, sizeof ctx->object_gauss) == 0))
        return 0;
    if (pf_write_cached_gauss(ctx, g->has_gauss, g->gauss) < 0)
        return -1;
    ctx->object_has_gauss = g->has_gauss;
    ctx->object_gauss = g->gauss;
    return 0;
}

static int take_back_gauss(pf_glue_ctx *ctx)
{
    pf_legacy_gauss_state *g = ctx->gauss;
    if (g == NULL)
        return 0;
    if (g->mt != NULL)
        pf_mt_stream_reload(g->mt);
    if (g->check != NULL)
        pf_mt_check_reload(g->check);
    if (pf_read_cached_gauss(ctx, &ctx->object_has_gauss, &ctx->object_gauss) < 0)
        return -1;
    g->has_gauss = ctx->object_has_gauss;
    g->gauss = ctx->object_gauss;
    return 0;
}

/* take_back_gauss with an exception possibly set (raised by the tie-breaker
 * or a signal handler): that one is kept. */
static int take_back_gauss_keeping_error(pf_glue_ctx *ctx)
{
    pf_saved_error err = pf_save_error();
    const int rc = take_back_gauss(ctx);
    if (rc < 0)
        pf_keep_first_error(&err);
    if (pf_has_saved(&err))
        pf_restore_error(err);
    return rc;
}

static int release_lock(pf_glue_ctx *ctx)
{
    PyObject *r = PyObject_CallMethodNoArgs(ctx->lock, ctx->names->release);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    *ctx->locked = 0;
    return 0;
}

/* With an exception possibly set (the call-out's), which is kept. */
static int reacquire_lock(pf_glue_ctx *ctx)
{
    pf_saved_error err = pf_save_error();
    PyObject *r = PyObject_CallMethodNoArgs(ctx->lock, ctx->names->acquire);
    if (r == NULL)
        pf_keep_first_error(&err);
    else
        *ctx->locked = 1;
    Py_XDECREF(r);
    if (pf_has_saved(&err))
        pf_restore_error(err);
    return r == NULL ? -1 : 0;
}

/* pf_glue_lend_gauss, then the lock released; 0 or -1 with an exception set. */
static int hand_over(pf_glue_ctx *ctx)
{
    if (pf_glue_lend_gauss(ctx) < 0)
        return -1;
    return release_lock(ctx);
}

/* The lock taken again, then the Gaussian back; an exception set before
 * (the call-out's) is kept. */
static int take_over(pf_glue_ctx *ctx)
{
    if (reacquire_lock(ctx) < 0)
        return -1;
    return take_back_gauss_keeping_error(ctx);
}

int pf_glue_tie_break(void *ctx_, double mu_current, double mu_proposal, double u)
{
    pf_glue_ctx *ctx = ctx_;
    PyEval_RestoreThread(ctx->save);
    if (hand_over(ctx) < 0) {
        ctx->save = PyEval_SaveThread();
        return PF_MH_ERROR;
    }
    int result;
    PyObject *r = PyObject_CallFunction(ctx->tie, "ddd", mu_current, mu_proposal, u);
    if (r == NULL) {
        result = PF_MH_ERROR;
    } else if (r == Py_None) {
        result = PF_MH_UNDECIDED;
    } else {
        const int truth = PyObject_IsTrue(r);
        result = truth < 0 ? PF_MH_ERROR : truth ? PF_MH_ACCEPT : PF_MH_REJECT;
    }
    Py_XDECREF(r);
    if (take_over(ctx) < 0)
        result = PF_MH_ERROR;
    ctx->save = PyEval_SaveThread();
    return result;
}

int pf_glue_poll_signals(void *ctx_)
{
    pf_glue_ctx *ctx = ctx_;
    PyEval_RestoreThread(ctx->save);
    if (hand_over(ctx) < 0) {
        ctx->save = PyEval_SaveThread();
        return -1;
    }
    int r = PyErr_CheckSignals();
    if (take_over(ctx) < 0)
        r = -1;
    ctx->save = PyEval_SaveThread();
    return r;
}
