/*
 * The Python side of polyfast.sampler: takes the bit generator's bitgen_t
 * from its capsule under the generator's lock, runs the chain of
 * metropolis.c with the GIL released, and (for a RandomState)
 * carries NumPy's cached legacy Gaussian in and out.
 *
 * RandomState keeps its cached Gaussian (has_gauss, gauss) in the RandomState
 * object, reachable only through get_state()/set_state().  Both copy the
 * 624-word MT19937 key through Python, which would cost more than the whole
 * chain.  With a `proxy`, the glue points RandomState._bit_generator at it for the duration of one get_state() or
 * set_state() call, so that those calls read or write only has_gauss and
 * gauss; the MT19937 state itself is already current, advanced in place
 * through the capsule.  The swap happens with the GIL and the generator's
 * lock held and no Python code running in between, and the attribute is
 * always restored.  polyfast/_mcmc.py checks once per process that this gives
 * the same result as the plain get_state()/set_state() round trip (proxy =
 * None), which it uses otherwise.
 *
 * With `gauss_field` the cached Gaussian is read and written in the
 * RandomState's own field instead (legacy_gauss.h), once polyfast/_mcmc.py
 * has checked that field; the proxy and the plain round trip remain for a
 * RandomState where it is not found.
 *
 * How the draws are made (the direct MT19937 and PCG64 streams and their
 * once-per-process checks): sampler_streams_glue.c; the Python call-outs in
 * the middle of the chain: sampler_handover_glue.c; the files:
 * sampler_glue.h.
 *
 * Free-threaded CPython: with the GIL off another thread could see the
 * swapped attribute, so polyfast/_mcmc.py passes no proxy there.  Everything
 * else holds without the GIL: the bit generator is used only between
 * lock.acquire() and lock.release() (NumPy's own methods take the same lock),
 * the cached Gaussian is read and written inside that window, and the chain
 * touches no Python object.
 */
#include "mcmc/sampler_glue.h"

/* Check for KeyboardInterrupt this often (steps). */
#define POLL_EVERY ((intptr_t)1 << 16)

PyObject *pf_sampler(PyObject *self, PyObject *args)
{
    (void)self;
    PyArrayObject *data;
    Py_ssize_t samples;
    double mu_init, width, prior_mu, prior_sd, tie_margin;
    PyObject *rng, *proxy, *tie;
    int legacy, direct_mt = 0, gauss_field = 0;
    if (!PyArg_ParseTuple(args, "O!nddddOpOOd|ip:_sampler", &PyArray_Type, &data, &samples,
                          &mu_init, &width, &prior_mu, &prior_sd, &rng, &legacy, &proxy,
                          &tie, &tie_margin, &direct_mt, &gauss_field))
        return NULL;
    if (direct_mt < 0 || direct_mt > 2 + PF_MT_FAULT_POSITION) {
        PyErr_SetString(PyExc_ValueError, "_sampler: direct_mt must be 0 to 4");
        return NULL;
    }
    if (PyArray_NDIM(data) != 1 || PyArray_TYPE(data) != NPY_DOUBLE ||
        !PyArray_ISALIGNED(data) || !PyArray_ISNOTSWAPPED(data)) {
        PyErr_SetString(PyExc_TypeError, "_sampler: data must be a 1-D aligned float64 array");
        return NULL;
    }
    if (samples < 0 || samples >= PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "_sampler: samples out of range");
        return NULL;
    }
    if (proxy == Py_None)
        proxy = NULL;
    if (tie == Py_None)
        tie = NULL;
    else if (!PyCallable_Check(tie)) {
        PyErr_SetString(PyExc_TypeError, "_sampler: tie must be callable or None");
        return NULL;
    }

    /* Sufficient statistics (O(n), without the GIL for large data). */
    pf_mh_stats stats;
    intptr_t bad = 0;
    int stats_rc;
    const char *base = PyArray_BYTES(data);
    const npy_intp n = PyArray_DIM(data, 0), stride = PyArray_STRIDE(data, 0);
    if (n >= 65536) {
        Py_BEGIN_ALLOW_THREADS
        stats_rc = pf_mh_stats_compute(base, n, stride, &stats, &bad);
        Py_END_ALLOW_THREADS
    } else {
        stats_rc = pf_mh_stats_compute(base, n, stride, &stats, &bad);
    }
    if (stats_rc < 0) {
        PyObject *value = PyFloat_FromDouble(*(const double *)(base + bad * stride));
        if (value != NULL) {
            PyErr_Format(PyExc_ValueError, "sampler() argument 'data' must be finite, data[%zd] is %R",
                         (Py_ssize_t)bad, value);
            Py_DECREF(value);
        }
        return NULL;
    }

    const pf_sampler_names *names = pf_sampler_names_get();
    if (names == NULL)
        return NULL;
    npy_intp dims[1] = {(npy_intp)samples + 1};
    PyArrayObject *chain = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_DOUBLE);
    if (chain == NULL)
        return NULL;

    PyObject *bitgen_obj = NULL, *capsule = NULL, *lock = NULL, *r = NULL;
    bitgen_t *bitgen = NULL;
    int locked = 0, gauss_read = 0, failed = 1, streams_open = 0;
    pf_sampler_streams streams;
    pf_glue_ctx ctx = {.names = names, .tie = tie, .rng = rng, .proxy = proxy};
    pf_mh_params params;

    bitgen_obj = PyObject_GetAttr(rng, legacy ? names->_bit_generator : names->bit_generator);
    if (bitgen_obj == NULL)
        goto cleanup;
    ctx.bitgen_obj = bitgen_obj;
    capsule = PyObject_GetAttr(bitgen_obj, names->capsule);
    if (capsule == NULL)
        goto cleanup;
    bitgen = PyCapsule_GetPointer(capsule, "BitGenerator");
    if (bitgen == NULL)
        goto cleanup;
    lock = PyObject_GetAttr(bitgen_obj, names->lock);
    if (lock == NULL)
        goto cleanup;
    r = PyObject_CallMethodNoArgs(lock, names->acquire);
    if (r == NULL)
        goto cleanup;
    Py_DECREF(r);
    locked = 1;
    ctx.lock = lock;
    ctx.locked = &locked;

    if (legacy) {
        int has_gauss0;
        double gauss0;
        if (gauss_field)
            ctx.field = pf_find_legacy_gauss(rng, bitgen);
        if (pf_read_cached_gauss(&ctx, &has_gauss0, &gauss0) < 0)
            goto cleanup;
        gauss_read = 1;
        pf_streams_open_legacy(&streams, bitgen_obj, bitgen, direct_mt, has_gauss0, gauss0);
        ctx.gauss = &streams.gauss;
        ctx.object_has_gauss = has_gauss0;
        ctx.object_gauss = gauss0;
    } else {
        pf_streams_open_generator(&streams, bitgen_obj, bitgen, direct_mt);
    }
    streams_open = 1;

    params = (pf_mh_params){
        .mu_init = mu_init,
        .proposal_width = width,
        .prior_mu = prior_mu,
        .prior_sd = prior_sd,
        .tie_margin = tie_margin,
        .tie = tie != NULL ? pf_glue_tie_break : NULL,
        .tie_ctx = &ctx,
        .poll = pf_glue_poll_signals,
        .poll_ctx = &ctx,
        .poll_every = POLL_EVERY,
    };
    double *out = (double *)PyArray_DATA(chain);
    ctx.save = PyEval_SaveThread();
    const int chain_rc =
        streams.fill == NULL
            ? pf_metropolis(&stats, &params, &streams.draws, (intptr_t)samples, out, NULL)
            : pf_metropolis_filled(&stats, &params, streams.fill, &streams.draws,
                                   (intptr_t)samples, out, NULL);
    PyEval_RestoreThread(ctx.save);
    failed = chain_rc != 0;

cleanup:
    /* Runs with or without an exception set; keeps the first one. */
    {
        pf_saved_error err = pf_save_error();
        /* The RandomState object gets the chain's cached Gaussian if it
         * holds another one, and the generator the stream's position, only
         * if this call holds the lock: without it (a KeyboardInterrupt
         * raised while it waited to take the lock back) the state was lent
         * when the lock was let go, and another thread may be drawing. */
        if (gauss_read && locked && pf_glue_lend_gauss(&ctx) < 0) {
            failed = 1;
            pf_keep_first_error(&err);
        }
        if (streams_open)
            pf_streams_report(&streams, locked);
        if (locked) {
            PyObject *rr = PyObject_CallMethodNoArgs(lock, names->release);
            if (rr == NULL) {
                failed = 1;
                pf_keep_first_error(&err);
            }
            Py_XDECREF(rr);
        }
        if (pf_has_saved(&err))
            pf_restore_error(err);
    }
    Py_XDECREF(lock);
    Py_XDECREF(capsule);
    Py_XDECREF(bitgen_obj);
    if (failed) {
        Py_DECREF(chain);
        return NULL;
    }
    return (PyObject *)chain;
}
