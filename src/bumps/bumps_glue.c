/*
 * The bump finder's Python glue: the gufunc's core-dimension check and the
 * ragged entry point _find_bumps_ragged (pv_locations_ragged in one call into
 * C, one pass over the input).
 *
 * The ragged path splits the rows over the thread pool by the find_bumps
 * gufunc's own min_parallel and grain (bumps/spec.py, through
 * pf_min_parallel_outer as the ufuncs' loop does), and scans them with
 * pf_bumps_scan_f32/_f64 at the SIMD level the ufuncs use, picked the way the
 * ufunc builder picks kernels: the same function the gufunc runs.  Each block
 * of rows scans into a buffer of its own (grown by doubling) and writes its
 * rows' counts straight into the offsets array; after the pass the counts
 * become offsets by a prefix sum, the values array is allocated at its exact
 * size and the blocks' buffers are copied into it.  The input is read once,
 * and nothing of the size of a padded (rows, (n + 1) // 2) result ever
 * exists: peak extra memory is the offsets plus at most about three times the
 * values (the block buffers, up to twice their contents after doubling, and
 * the result) plus 1024 items per block.  Any strides and either row order
 * are scanned in place; only an unaligned or byte-swapped input is copied
 * first.
 */
#include "module/ufunc_spec.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bumps/bumps.h"
#include "module/interrupt_glue.h"
#include "runtime/cpu_features.h"
#include "runtime/fp_flags.h"
#include "runtime/thread_pool.h"
#include "module/parallel_loop.h"

extern const pf_ufunc_spec pf_spec_find_bumps; /* generated from bumps/spec.py */

/* core_dim_sizes = {n, m}.  m is -1 unless the caller passed out=; then it
 * must have room for the most bumps a row can hold. */
int pf_find_bumps_process_core_dims(PyUFuncObject *ufunc, npy_intp *core_dim_sizes)
{
    (void)ufunc;
    const npy_intp n = core_dim_sizes[0];
    const npy_intp needed = pf_bumps_max_count(n);
    if (core_dim_sizes[1] == -1) {
        core_dim_sizes[1] = needed;
        return 0;
    }
    if (core_dim_sizes[1] < needed) {
        PyErr_Format(PyExc_ValueError,
                     "find_bumps: the locations output has core dimension m=%zd, but a row "
                     "of n=%zd items can hold (n + 1) // 2 = %zd bumps",
                     (Py_ssize_t)core_dim_sizes[1], (Py_ssize_t)n, (Py_ssize_t)needed);
        return -1;
    }
    return 0;
}

typedef struct chunk {
    struct chunk *next;
    intptr_t begin;  /* first row */
    intptr_t used;   /* locations in data */
    char *data;
} chunk;

typedef struct {
    const char *base;
    intptr_t cols, row_stride, col_stride;
    int is_f32;
    pf_bumps_scan_f32_fn scan_f32;
    pf_bumps_scan_f64_fn scan_f64;
    double threshold, integral_threshold; /* exact values of the targets' dtype */
    int64_t min_width;
    int64_t *counts;          /* counts[r] = bumps in row r (offsets + 1) */
    _Atomic(chunk *) chunks;  /* every finished block, in any order */
    atomic_int failed;        /* out of memory in some block */
} ragged_ctx;

/* Items scanned between two checks for an interrupted call: tens of
 * microseconds, so a block of many short rows does not read the clock per
 * row, and a block of long rows checks between rows. */
#define PF_BUMPS_CHECK_ITEMS ((intptr_t)1 << 16)

static intptr_t scan_row(const ragged_ctx *ctx, intptr_t r, char *out, intptr_t cap)
{
    const char *row = ctx->base + r * ctx->row_stride;
    if (ctx->is_f32)
        return ctx->scan_f32(row, ctx->cols, ctx->col_stride, (float)ctx->threshold,
                                 (float)ctx->integral_threshold, ctx->min_width, out,
                                 (intptr_t)sizeof(float), cap);
    return ctx->scan_f64(row, ctx->cols, ctx->col_stride, ctx->threshold,
                             ctx->integral_threshold, ctx->min_width, out,
                             (intptr_t)sizeof(double), cap);
}

static void scan_rows(void *ctx_, intptr_t begin, intptr_t end)
{
    ragged_ctx *ctx = ctx_;
    if (atomic_load_explicit(&ctx->failed, memory_order_relaxed))
        return;
    const size_t item = ctx->is_f32 ? sizeof(float) : sizeof(double);
    chunk *c = malloc(sizeof *c);
    /* Start small and double: the slack stays below the block's own output. */
    const intptr_t most = pf_bumps_max_count(ctx->cols);
    intptr_t cap = most < 1024 / (end - begin) ? most * (end - begin) : 1024;
    if (cap < 1)
        cap = 1;
    char *data = c != NULL ? malloc((size_t)cap * item) : NULL;
    if (data == NULL)
        goto fail;
    intptr_t used = 0;
    intptr_t unchecked = 0;
    for (intptr_t r = begin; r < end; r++) {
        unchecked += ctx->cols + 1;
        if (unchecked >= PF_BUMPS_CHECK_ITEMS) {
            unchecked = 0;
            if (pf_interrupted())
                break; /* the caller discards every block */
        }
        intptr_t found = scan_row(ctx, r, data + used * item, cap - used);
        if (found > cap - used) {
            /* Rare: grow to fit this row at least, then scan it again. */
            intptr_t grown = 2 * cap > used + found ? 2 * cap : used + found;
            char *bigger = realloc(data, (size_t)grown * item);
            if (bigger == NULL)
                goto fail;
            data = bigger;
            cap = grown;
            found = scan_row(ctx, r, data + used * item, cap - used);
        }
        ctx->counts[r] = found;
        used += found;
    }
    c->begin = begin;
    c->used = used;
    c->data = data;
    c->next = atomic_load_explicit(&ctx->chunks, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&ctx->chunks, &c->next, c,
                                                  memory_order_release, memory_order_relaxed))
        ;
    return;
fail:
    free(data);
    free(c);
    atomic_store_explicit(&ctx->failed, 1, memory_order_relaxed);
}

static void free_chunks(chunk *c)
{
    while (c != NULL) {
        chunk *next = c->next;
        free(c->data);
        free(c);
        c = next;
    }
}

static const pf_bumps_scan_f32_fn scans_f32[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_bumps_scan_f32);
static const pf_bumps_scan_f64_fn scans_f64[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_bumps_scan_f64);

/* One view per row of `values`; a new reference to the list, or NULL. */
static PyObject *split_rows(PyArrayObject *values, const int64_t *offsets, npy_intp rows)
{
    PyObject *list = PyList_New(rows);
    if (list == NULL)
        return NULL;
    PyArray_Descr *descr = PyArray_DESCR(values);
    char *data = PyArray_BYTES(values);
    const npy_intp item = PyArray_ITEMSIZE(values);
    for (npy_intp r = 0; r < rows; r++) {
        npy_intp len = (npy_intp)(offsets[r + 1] - offsets[r]);
        Py_INCREF(descr); /* stolen by NewFromDescr */
        PyObject *view = PyArray_NewFromDescr(&PyArray_Type, descr, 1, &len, NULL,
                                              data + offsets[r] * item, NPY_ARRAY_CARRAY, NULL);
        if (view == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        Py_INCREF(values); /* stolen by SetBaseObject, even when it fails */
        if (PyArray_SetBaseObject((PyArrayObject *)view, (PyObject *)values) < 0) {
            Py_DECREF(view);
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, r, view);
    }
    return list;
}

PyObject *pf_find_bumps_ragged(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    double threshold, integral_threshold;
    long long min_width;
    int as_list;
    if (!PyArg_ParseTuple(args, "OddLp:_find_bumps_ragged", &obj, &threshold,
                          &integral_threshold, &min_width, &as_list))
        return NULL;
    if (!PyArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "_find_bumps_ragged: targets must be an ndarray");
        return NULL;
    }
    const pf_simd_level level = pf_selected_simd_level();
    const int type = PyArray_TYPE((PyArrayObject *)obj);
    if (type != NPY_FLOAT && type != NPY_DOUBLE) {
        PyErr_SetString(PyExc_TypeError,
                        "_find_bumps_ragged: targets must be float32 or float64");
        return NULL;
    }
    /* Scanned in place whatever its strides; copied only if unaligned or swapped. */
    PyArrayObject *targets = (PyArrayObject *)PyArray_FromAny(
        obj, PyArray_DescrFromType(type), 2, 2, NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED,
        NULL);
    if (targets == NULL)
        return NULL;

    const npy_intp rows = PyArray_DIM(targets, 0);
    npy_intp noffsets = rows + 1;
    PyArrayObject *offsets = (PyArrayObject *)PyArray_EMPTY(1, &noffsets, NPY_INT64, 0);
    if (offsets == NULL) {
        Py_DECREF(targets);
        return NULL;
    }
    int64_t *off = (int64_t *)PyArray_DATA(offsets);
    off[0] = 0;

    ragged_ctx ctx = {
        .base = PyArray_BYTES(targets),
        .cols = PyArray_DIM(targets, 1),
        .row_stride = PyArray_STRIDE(targets, 0),
        .col_stride = PyArray_STRIDE(targets, 1),
        .is_f32 = type == NPY_FLOAT,
        .threshold = threshold,
        .integral_threshold = integral_threshold,
        .min_width = (int64_t)min_width,
        .counts = off + 1,
    };
    PF_PICK_LEVEL(scans_f32, level, ctx.scan_f32);
    PF_PICK_LEVEL(scans_f64, level, ctx.scan_f64);
    atomic_init(&ctx.chunks, NULL);
    atomic_init(&ctx.failed, 0);

    /* inf / inf in a bump gives a NaN location and raises "invalid"; keep the
     * caller's floating-point flags as they were, as a NumPy function would. */
    pf_fpflags saved_flags;
    pf_fpflags_save(&saved_flags);
    pf_py_watch watch;
    pf_py_watch_begin(&watch);
    Py_BEGIN_ALLOW_THREADS
    pf_parallel_for(rows, pf_min_parallel_outer(pf_spec_find_bumps.min_parallel, ctx.cols),
                    pf_spec_find_bumps.grain, scan_rows, &ctx);
    Py_END_ALLOW_THREADS
    pf_fpflags_restore(&saved_flags);
    chunk *chunks = atomic_load_explicit(&ctx.chunks, memory_order_acquire);
    Py_DECREF(targets);
    if (pf_py_watch_end(&watch) < 0) {
        free_chunks(chunks);
        Py_DECREF(offsets);
        return NULL;
    }
    if (atomic_load_explicit(&ctx.failed, memory_order_relaxed)) {
        free_chunks(chunks);
        Py_DECREF(offsets);
        return PyErr_NoMemory();
    }

    for (npy_intp r = 0; r < rows; r++)
        off[r + 1] += off[r];
    npy_intp total = (npy_intp)off[rows];
    PyArrayObject *values = (PyArrayObject *)PyArray_EMPTY(1, &total, type, 0);
    if (values == NULL) {
        free_chunks(chunks);
        Py_DECREF(offsets);
        return NULL;
    }
    const npy_intp item = PyArray_ITEMSIZE(values);
    for (const chunk *c = chunks; c != NULL; c = c->next)
        if (c->used > 0)
            memcpy(PyArray_BYTES(values) + off[c->begin] * item, c->data,
                   (size_t)(c->used * item));
    free_chunks(chunks);

    PyObject *result;
    if (as_list)
        result = split_rows(values, off, rows);
    else
        result = PyTuple_Pack(2, (PyObject *)values, (PyObject *)offsets);
    Py_DECREF(values);
    Py_DECREF(offsets);
    return result;
}
