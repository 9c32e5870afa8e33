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
 * With NumPy's MT19937 itself as the bit generator, `direct_mt` lets the
 * chain read the MT19937 state directly (mt19937_stream.h): 1, trusted (the
 * tests compare it with the function pointers); 2, once this process has
 * checked the stream against the function pointers on real draws: until
 * then a call draws through bitgen_t and checks the stream beside it
 * (pf_mt_check), and any difference turns the direct stream off for the
 * process, so a wrong stream never makes a wrong chain; 3 and 4 (tests
 * only), as 2 with a deliberately broken stream (PF_MT_FAULT_*), checked
 * even if the check has passed before.  lend_gauss and take_back_gauss,
 * which run around every piece of Python code, also hand the position over
 * and take the state back (or compare and copy it, while checking).
 *
 * Free-threaded CPython: with the GIL off another thread could see the
 * swapped attribute, so polyfast/_mcmc.py passes no proxy there.  Everything
 * else holds without the GIL: the bit generator is used only between
 * lock.acquire() and lock.release() (NumPy's own methods take the same lock),
 * the cached Gaussian is read and written inside that window, and the chain
 * touches no Python object.
 */
#include "module/numpy_api.h"

#include <numpy/random/distributions.h>

#include <string.h>

#include "mcmc/legacy_gauss.h"
#include "mcmc/metropolis.h"

#include <stdatomic.h>

/* Holding an exception aside while cleanup code calls into Python. */
#if PY_VERSION_HEX >= 0x030C0000
typedef struct { PyObject *exc; } saved_error;
static saved_error save_error(void) { return (saved_error){PyErr_GetRaisedException()}; }
static int has_saved(const saved_error *e) { return e->exc != NULL; }
static void restore_error(saved_error e) { PyErr_SetRaisedException(e.exc); }
#else
typedef struct { PyObject *type, *value, *tb; } saved_error;
static saved_error save_error(void)
{
    saved_error e;
    PyErr_Fetch(&e.type, &e.value, &e.tb);
    return e;
}
static int has_saved(const saved_error *e) { return e->type != NULL; }
static void restore_error(saved_error e) { PyErr_Restore(e.type, e.value, e.tb); }
#endif

/* The attribute `name` of `obj`, and the method `name` of `obj` called
 * without arguments.  Through the interned name, so that the lookup hits
 * the type's attribute cache (a string made for the call never does, and
 * the lookups then cost about as much as a short chain). */
static PyObject *get_attr(PyObject *obj, const char *name)
{
    PyObject *key = PyUnicode_InternFromString(name);
    if (key == NULL)
        return NULL;
    PyObject *r = PyObject_GetAttr(obj, key);
    Py_DECREF(key);
    return r;
}

static PyObject *call_method(PyObject *obj, const char *name)
{
    PyObject *key = PyUnicode_InternFromString(name);
    if (key == NULL)
        return NULL;
    PyObject *r = PyObject_CallMethodNoArgs(obj, key);
    Py_DECREF(key);
    return r;
}

/* After a failed cleanup step: keep the earlier error if there is one. */
static void keep_first_error(saved_error *first)
{
    if (has_saved(first))
        PyErr_Clear();
    else
        *first = save_error();
}

/* NumPy's MT19937 bit generator, whose state mt19937_stream.h reads. */
#define MT19937_TYPE_NAME "numpy.random._mt19937.MT19937"

/* Check for KeyboardInterrupt this often (steps). */
#define POLL_EVERY ((intptr_t)1 << 16)

/* The direct MT19937 stream is trusted once the check has seen this many
 * twists of the key (each one 312 doubles, the whole key's words) with
 * every double and every handed-over state the function pointers'. */
#define MT_TWISTS_TO_TRUST 2

/* This process's check of the direct stream: 0 under way, 1 passed, -1
 * failed (for good); and the twists it has seen pass. */
static atomic_int direct_mt_verdict;
static atomic_int direct_mt_twists;

static void report_check(const pf_mt_check *check)
{
    if (check->mismatch) {
        atomic_store(&direct_mt_verdict, -1);
        return;
    }
    const int seen = atomic_fetch_add(&direct_mt_twists, check->stream.twists) +
                     check->stream.twists;
    int under_way = 0;
    if (seen >= MT_TWISTS_TO_TRUST)
        atomic_compare_exchange_strong(&direct_mt_verdict, &under_way, 1);
}

typedef struct {
    PyObject *tie;
    PyThreadState *save; /* the released thread state while the chain runs */
    /* A RandomState's cached Gaussian: the chain's copy (NULL for a
     * Generator), and what the RandomState object holds now. */
    pf_legacy_gauss_state *gauss;
    int object_has_gauss;
    double object_gauss;
    PyObject *rng, *bitgen_obj, *proxy;
    pf_aug_bitgen_layout *field; /* the RandomState's cached Gaussian, or NULL */
    PyObject *lock; /* the bit generator's */
    int *locked;    /* whether this call holds it */
} glue_ctx;

static int read_cached_gauss(const glue_ctx *ctx, int *has_gauss, double *gauss);
static int write_cached_gauss(const glue_ctx *ctx, int has_gauss, double gauss);

/*
 * Python code run in the middle of the chain (the tie-breaker, a signal
 * handler at a poll) may draw from the same RandomState, in this thread or
 * another: the chain lets go of the generator's lock meanwhile (hand_over
 * below).  So before such code runs the object
 * gets the chain's cached Gaussian, and afterwards the chain takes back what
 * the object then holds: no draw is ever used twice.  MT19937's own state is
 * advanced in place through the capsule and needs no copy.
 */
static int lend_gauss(glue_ctx *ctx)
{
    if (ctx->gauss != NULL && ctx->gauss->mt != NULL)
        pf_mt_stream_sync(ctx->gauss->mt, ctx->gauss->mt->pos);
    if (ctx->gauss != NULL && ctx->gauss->check != NULL)
        pf_mt_check_sync(ctx->gauss->check);
    if (ctx->gauss == NULL || (ctx->gauss->has_gauss == ctx->object_has_gauss &&
                               memcmp(&ctx->gauss->gauss, &ctx->object_gauss,
                                      sizeof ctx->object_gauss) == 0))
        return 0;
    if (write_cached_gauss(ctx, ctx->gauss->has_gauss, ctx->gauss->gauss) < 0)
        return -1;
    ctx->object_has_gauss = ctx->gauss->has_gauss;
    ctx->object_gauss = ctx->gauss->gauss;
    return 0;
}

static int take_back_gauss(glue_ctx *ctx)
{
    if (ctx->gauss == NULL)
        return 0;
    if (ctx->gauss->mt != NULL)
        pf_mt_stream_reload(ctx->gauss->mt);
    if (ctx->gauss->check != NULL)
        pf_mt_check_reload(ctx->gauss->check);
    if (read_cached_gauss(ctx, &ctx->object_has_gauss, &ctx->object_gauss) < 0)
        return -1;
    ctx->gauss->has_gauss = ctx->object_has_gauss;
    ctx->gauss->gauss = ctx->object_gauss;
    return 0;
}

/* take_back_gauss with an exception possibly set (raised by the tie-breaker
 * or a signal handler): that one is kept. */
static int take_back_gauss_keeping_error(glue_ctx *ctx)
{
    saved_error err = save_error();
    const int rc = take_back_gauss(ctx);
    if (rc < 0)
        keep_first_error(&err);
    if (has_saved(&err))
        restore_error(err);
    return rc;
}

/*
 * Before NumPy 2.4 the generator's lock is a plain Lock: Python code that
 * draws from the generator while this call holds it would wait for itself
 * forever.  So the chain lets go of the lock around its Python call-outs
 * (every version alike), after lending the Gaussian, and takes it back
 * before taking the Gaussian back: whatever ran meanwhile, in this thread or
 * another, drew from a generator whose state was whole.
 */
static int release_lock(glue_ctx *ctx)
{
    PyObject *r = call_method(ctx->lock, "release");
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    *ctx->locked = 0;
    return 0;
}

/* With an exception possibly set (the call-out's), which is kept. */
static int reacquire_lock(glue_ctx *ctx)
{
    saved_error err = save_error();
    PyObject *r = call_method(ctx->lock, "acquire");
    if (r == NULL)
        keep_first_error(&err);
    else
        *ctx->locked = 1;
    Py_XDECREF(r);
    if (has_saved(&err))
        restore_error(err);
    return r == NULL ? -1 : 0;
}

/* lend_gauss, then the lock released; 0 or -1 with an exception set. */
static int hand_over(glue_ctx *ctx)
{
    if (lend_gauss(ctx) < 0)
        return -1;
    return release_lock(ctx);
}

/* The lock taken again, then the Gaussian back; an exception set before
 * (the call-out's) is kept. */
static int take_over(glue_ctx *ctx)
{
    if (reacquire_lock(ctx) < 0)
        return -1;
    return take_back_gauss_keeping_error(ctx);
}

static int tie_break(void *ctx_, double mu_current, double mu_proposal, double u)
{
    glue_ctx *ctx = ctx_;
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

static int poll_signals(void *ctx_)
{
    glue_ctx *ctx = ctx_;
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

/* Generator.normal(loc, scale) is random_normal = loc + scale *
 * random_standard_normal; the kernel does the loc + scale * z. */
static double generator_normal(void *bitgen)
{
    return random_standard_normal((bitgen_t *)bitgen);
}

static double generator_uniform(void *bitgen)
{
    return random_standard_uniform((bitgen_t *)bitgen);
}

/* A block of Generator draws: NumPy's own functions called directly, not
 * through the two pointers above (one indirect call per draw fewer). */
static void generator_fill(const pf_mh_draws *draws, intptr_t m, double w, double *d, double *u)
{
    bitgen_t *bitgen = draws->state;
    for (intptr_t j = 0; j < m; j++) {
        d[j] = w * random_standard_normal(bitgen); /* NumPy's scale * z */
        u[j] = bitgen->next_double(bitgen->state); /* random_standard_uniform */
    }
}

/* rs.get_state(legacy=False) with rs._bit_generator temporarily `proxy`
 * (NULL: no swap).  Returns a new reference. */
static PyObject *call_with_proxy(PyObject *rs, PyObject *bitgen_obj, PyObject *proxy,
                                 const char *method, PyObject *arg)
{
    if (proxy == NULL)
        return PyObject_CallMethod(rs, method, "O", arg);
    if (PyObject_SetAttrString(rs, "_bit_generator", proxy) < 0)
        return NULL;
    PyObject *result = PyObject_CallMethod(rs, method, "O", arg);
    /* restore the attribute whatever happened; keep the first error */
    saved_error err = save_error();
    if (PyObject_SetAttrString(rs, "_bit_generator", bitgen_obj) < 0) {
        keep_first_error(&err);
        Py_CLEAR(result);
    }
    if (has_saved(&err)) {
        Py_CLEAR(result);
        restore_error(err);
    }
    return result;
}

static int read_cached_gauss(const glue_ctx *ctx, int *has_gauss, double *gauss)
{
    if (ctx->field != NULL) {
        *has_gauss = ctx->field->has_gauss != 0;
        *gauss = ctx->field->gauss;
        return 0;
    }
    PyObject *rs = ctx->rng, *bitgen_obj = ctx->bitgen_obj, *proxy = ctx->proxy;
    if (proxy != NULL) {
        PyObject *fake = Py_BuildValue("{s:s}", "bit_generator", "MT19937");
        if (fake == NULL)
            return -1;
        const int set = PyObject_SetAttrString(proxy, "state", fake);
        Py_DECREF(fake);
        if (set < 0)
            return -1;
    }
    PyObject *st = call_with_proxy(rs, bitgen_obj, proxy, "get_state", Py_False);
    if (st == NULL)
        return -1;
    int rc = -1;
    if (!PyDict_Check(st)) {
        PyErr_SetString(PyExc_TypeError, "RandomState.get_state(legacy=False) gave no dict");
        goto done;
    }
    PyObject *h = PyDict_GetItemString(st, "has_gauss"); /* borrowed */
    PyObject *g = PyDict_GetItemString(st, "gauss");
    if (h == NULL || g == NULL) {
        PyErr_SetString(PyExc_TypeError, "RandomState.get_state() has no has_gauss/gauss");
        goto done;
    }
    const long hv = PyLong_AsLong(h);
    if (hv == -1 && PyErr_Occurred())
        goto done;
    const double gv = PyFloat_AsDouble(g);
    if (gv == -1.0 && PyErr_Occurred())
        goto done;
    *has_gauss = hv != 0;
    *gauss = gv;
    rc = 0;
done:
    Py_DECREF(st);
    return rc;
}

static int write_cached_gauss(const glue_ctx *ctx, int has_gauss, double gauss)
{
    if (ctx->field != NULL) {
        ctx->field->has_gauss = has_gauss;
        ctx->field->gauss = gauss;
        return 0;
    }
    PyObject *rs = ctx->rng, *bitgen_obj = ctx->bitgen_obj, *proxy = ctx->proxy;
    PyObject *st;
    if (proxy != NULL) {
        /* set_state only hands `state` to the proxy */
        st = Py_BuildValue("{s:s,s:{},s:i,s:d}", "bit_generator", "MT19937", "state",
                           "has_gauss", has_gauss, "gauss", gauss);
    } else {
        st = PyObject_GetAttrString(bitgen_obj, "state"); /* the current MT state */
        if (st != NULL && !PyDict_Check(st)) {
            PyErr_SetString(PyExc_TypeError, "bit_generator.state is not a dict");
            Py_CLEAR(st);
        }
        if (st != NULL) {
            PyObject *h = PyLong_FromLong(has_gauss);
            PyObject *g = PyFloat_FromDouble(gauss);
            if (h == NULL || g == NULL || PyDict_SetItemString(st, "has_gauss", h) < 0 ||
                PyDict_SetItemString(st, "gauss", g) < 0)
                Py_CLEAR(st);
            Py_XDECREF(h);
            Py_XDECREF(g);
        }
    }
    if (st == NULL)
        return -1;
    PyObject *r = call_with_proxy(rs, bitgen_obj, proxy, "set_state", st);
    Py_DECREF(st);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}

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

    npy_intp dims[1] = {(npy_intp)samples + 1};
    PyArrayObject *chain = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_DOUBLE);
    if (chain == NULL)
        return NULL;

    PyObject *bitgen_obj = NULL, *capsule = NULL, *lock = NULL, *r = NULL;
    bitgen_t *bitgen = NULL;
    int locked = 0, gauss_read = 0, failed = 1;
    pf_legacy_gauss_state gauss_state = {NULL, 0, 0.0, NULL, NULL};
    pf_mt_stream mt;
    pf_mt_check check;
    int has_gauss0 = 0;
    double gauss0 = 0.0;
    pf_mh_draws draws;
    glue_ctx ctx = {.tie = tie, .rng = rng, .proxy = proxy};
    pf_mh_params params;

    bitgen_obj = get_attr(rng, legacy ? "_bit_generator" : "bit_generator");
    if (bitgen_obj == NULL)
        goto cleanup;
    ctx.bitgen_obj = bitgen_obj;
    capsule = get_attr(bitgen_obj, "capsule");
    if (capsule == NULL)
        goto cleanup;
    bitgen = PyCapsule_GetPointer(capsule, "BitGenerator");
    if (bitgen == NULL)
        goto cleanup;
    lock = get_attr(bitgen_obj, "lock");
    if (lock == NULL)
        goto cleanup;
    r = call_method(lock, "acquire");
    if (r == NULL)
        goto cleanup;
    Py_DECREF(r);
    locked = 1;
    ctx.lock = lock;
    ctx.locked = &locked;

    if (legacy) {
        if (gauss_field)
            ctx.field = pf_find_legacy_gauss(rng, bitgen);
        if (read_cached_gauss(&ctx, &has_gauss0, &gauss0) < 0)
            goto cleanup;
        gauss_read = 1;
        gauss_state = (pf_legacy_gauss_state){bitgen, has_gauss0, gauss0, NULL, NULL};
        draws = (pf_mh_draws){pf_legacy_gauss, pf_legacy_uniform, &gauss_state};
        /* the exact type: a subclass could keep its state elsewhere */
        if (direct_mt && strcmp(Py_TYPE(bitgen_obj)->tp_name, MT19937_TYPE_NAME) == 0) {
            const int fault = direct_mt >= 2 ? direct_mt - 2 : PF_MT_FAULT_NONE;
            const int verdict = atomic_load(&direct_mt_verdict);
            if (direct_mt == 1 || (fault == PF_MT_FAULT_NONE && verdict == 1)) {
                pf_mt_stream_open(&mt, bitgen, 1);
                gauss_state.mt = &mt;
                draws = (pf_mh_draws){pf_legacy_gauss_mt, pf_legacy_uniform_mt, &gauss_state};
            } else if (fault != PF_MT_FAULT_NONE || verdict == 0) {
                pf_mt_check_open(&check, bitgen, fault);
                gauss_state.check = &check;
                draws = (pf_mh_draws){pf_legacy_gauss_check, pf_legacy_uniform_check,
                                      &gauss_state};
            }
        }
        ctx.gauss = &gauss_state;
        ctx.object_has_gauss = has_gauss0;
        ctx.object_gauss = gauss0;
    } else {
        draws = (pf_mh_draws){generator_normal, generator_uniform, bitgen};
    }

    params = (pf_mh_params){
        .mu_init = mu_init,
        .proposal_width = width,
        .prior_mu = prior_mu,
        .prior_sd = prior_sd,
        .tie_margin = tie_margin,
        .tie = tie != NULL ? tie_break : NULL,
        .tie_ctx = &ctx,
        .poll = poll_signals,
        .poll_ctx = &ctx,
        .poll_every = POLL_EVERY,
    };
    double *out = (double *)PyArray_DATA(chain);
    ctx.save = PyEval_SaveThread();
    const int chain_rc =
        legacy ? pf_metropolis(&stats, &params, &draws, (intptr_t)samples, out, NULL)
               : pf_metropolis_filled(&stats, &params, generator_fill, &draws, (intptr_t)samples,
                                      out, NULL);
    PyEval_RestoreThread(ctx.save);
    failed = chain_rc != 0;

cleanup:
    /* Runs with or without an exception set; keeps the first one. */
    {
        saved_error err = save_error();
        /* The RandomState object gets the chain's cached Gaussian if it
         * holds another one, and the generator the stream's position, only
         * if this call holds the lock: without it (a KeyboardInterrupt
         * raised while it waited to take the lock back) the state was lent
         * when the lock was let go, and another thread may be drawing. */
        if (gauss_read && locked && lend_gauss(&ctx) < 0) {
            failed = 1;
            keep_first_error(&err);
        }
        /* the check's last comparison is the one lend_gauss made */
        if (gauss_state.check != NULL && (locked || check.mismatch))
            report_check(&check);
        if (locked) {
            PyObject *rr = call_method(lock, "release");
            if (rr == NULL) {
                failed = 1;
                keep_first_error(&err);
            }
            Py_XDECREF(rr);
        }
        if (has_saved(&err))
            restore_error(err);
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

/* polyfast._core._sampler_checks() */
PyObject *pf_sampler_checks(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    const int verdict = atomic_load(&direct_mt_verdict);
    return Py_BuildValue("{s:s,s:i}", "direct_mt",
                         verdict > 0 ? "trusted" : verdict < 0 ? "failed" : "checking",
                         "twists_checked", atomic_load(&direct_mt_twists));
}
