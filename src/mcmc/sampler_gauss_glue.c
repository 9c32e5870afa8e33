/*
 * A RandomState's cached Gaussian (has_gauss, gauss) read and written for
 * the sampler: in the object's own field (legacy_gauss.h) once
 * polyfast/_mcmc.py has checked it, else through get_state()/set_state(),
 * with `proxy` as the RandomState's _bit_generator for the duration of the
 * call so that they touch only has_gauss and gauss (see sampler_glue.c).
 */
#include "mcmc/sampler_glue.h"

/* rs.<method>(arg) with rs._bit_generator temporarily `proxy` (NULL: no
 * swap).  Returns a new reference. */
static PyObject *call_with_proxy(const pf_glue_ctx *ctx, PyObject *method, PyObject *arg)
{
    PyObject *rs = ctx->rng, *attr = ctx->names->_bit_generator;
    if (ctx->proxy == NULL)
        return PyObject_CallMethodOneArg(rs, method, arg);
    if (PyObject_SetAttr(rs, attr, ctx->proxy) < 0)
        return NULL;
    PyObject *result = PyObject_CallMethodOneArg(rs, method, arg);
    /* restore the attribute whatever happened; keep the first error */
    pf_saved_error err = pf_save_error();
    if (PyObject_SetAttr(rs, attr, ctx->bitgen_obj) < 0) {
        pf_keep_first_error(&err);
        Py_CLEAR(result);
    }
    if (pf_has_saved(&err)) {
        Py_CLEAR(result);
        pf_restore_error(err);
    }
    return result;
}

int pf_read_cached_gauss(const pf_glue_ctx *ctx, int *has_gauss, double *gauss)
{
    if (ctx->field != NULL) {
        *has_gauss = ctx->field->has_gauss != 0;
        *gauss = ctx->field->gauss;
        return 0;
    }
    if (ctx->proxy != NULL) {
        PyObject *fake = Py_BuildValue("{s:s}", "bit_generator", "MT19937");
        if (fake == NULL)
            return -1;
        const int set = PyObject_SetAttr(ctx->proxy, ctx->names->state, fake);
        Py_DECREF(fake);
        if (set < 0)
            return -1;
    }
    PyObject *st = call_with_proxy(ctx, ctx->names->get_state, Py_False);
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

int pf_write_cached_gauss(const pf_glue_ctx *ctx, int has_gauss, double gauss)
{
    if (ctx->field != NULL) {
        ctx->field->has_gauss = has_gauss;
        ctx->field->gauss = gauss;
        return 0;
    }
    PyObject *st;
    if (ctx->proxy != NULL) {
        /* set_state only hands `state` to the proxy */
        st = Py_BuildValue("{s:s,s:{},s:i,s:d}", "bit_generator", "MT19937", "state",
                           "has_gauss", has_gauss, "gauss", gauss);
    } else {
        st = PyObject_GetAttr(ctx->bitgen_obj, ctx->names->state); /* the current MT state */
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
    PyObject *r = call_with_proxy(ctx, ctx->names->set_state, st);
    Py_DECREF(st);
    if (r == NULL)
        return -1;
    Py_DECREF(r);
    return 0;
}
