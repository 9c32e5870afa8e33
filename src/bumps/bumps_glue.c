/*
 * The bump finder's Python glue: the gufunc's core-dimension check and the
 * ragged entry point _find_bumps_ragged (pv_locations_ragged in one call into
 * C: one pass over the input, a second over rows whose locations did not
 * fit the arena).
 *
 * The ragged path splits the rows over the thread pool by the find_bumps
 * gufunc's own min_parallel and grain (bumps/spec.py, through
 * pf_min_parallel_outer as the ufuncs' loop does), and scans them with
 * pf_bumps_scan_f32/_f64 at the SIMD level the ufuncs use, picked the way the
 * ufunc builder picks kernels: the same function the gufunc runs.  Nothing
 * is allocated on the pool's threads (a worker's first malloc would give it
 * a glibc arena of its own, 64 MiB of address space): the caller allocates
 * one arena before the pass (a quarter of the input's items, between 2^16 and
 * 2^24, less if that much address space is refused), and each block claims
 * pieces of it with an atomic counter, scans its rows into them and writes
 * the rows' counts straight into the offsets array and their positions into
 * a second array.  After the pass the counts become offsets by a prefix sum,
 * the values array is allocated at its exact size, the rows that did not fit
 * the arena (all of them, if the result does not fit beside the arena) are
 * scanned again straight into it in a second parallel
 * pass, and the arena's rows are copied in.  The input is read once when the
 * locations fit the arena, and nothing of the size of a padded
 * (rows, (n + 1) // 2) result ever exists: peak extra memory is the offsets,
 * 8 bytes a row of positions, the arena's used part (the values and at most
 * 1024 items per block) and the result.  Any strides and either row order
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

typedef struct {
    const char *base;
    intptr_t cols, row_stride, col_stride;
    int is_f32;
    size_t item;
    pf_bumps_scan_f32_fn scan_f32;
    pf_bumps_scan_f64_fn scan_f64;
    double threshold, integral_threshold; /* exact values of the targets' dtype */
    int64_t min_width;
    int64_t *counts;         /* counts[r] = bumps in row r (offsets + 1) */
    int64_t *where;          /* where[r]: row r's first location in the arena, or
                              * -1 if the arena was full (scanned again later) */
    char *arena;             /* the first pass's locations; may be NULL */
    intptr_t arena_items;
    atomic_intptr_t arena_used; /* items claimed by blocks */
    atomic_int overflowed;   /* some row's locations did not fit the arena */
    char *values;            /* the second pass: the result, and its offsets */
    const int64_t *offsets;
} ragged_ctx;

/* Items scanned between two checks for an interrupted call: tens of
 * microseconds, so a block of many short rows does not read the clock per
 * row, and a block of long rows checks between rows. */
#define PF_BUMPS_CHECK_ITEMS ((intptr_t)1 << 16)

/* A block's first claim on the arena, in locations; each further claim is
 * twice the last (and at least the row that did not fit), so a block of
 * dense rows scans few rows twice, and what it leaves unused of its last
 * claim stays below what it stored. */
#define PF_BUMPS_CLAIM ((intptr_t)1024)

/* The arena: a quarter of the input's items (denser output than that is
 * rare), at least PF_BUMPS_ARENA_MIN and at most PF_BUMPS_ARENA_MAX items,
 * never more than the most locations the rows can hold; rows that do not fit
 * are scanned a second time, straight into the result.  Untouched pages of
 * it cost no memory, only address space, which the cap bounds. */
#define PF_BUMPS_ARENA_MIN ((intptr_t)1 << 16)
#define PF_BUMPS_ARENA_MAX ((intptr_t)1 << 24)

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

/* Claims up to `want` items of the arena, at least `least`: the index of the
 * first (their number in *got), or -1 if fewer than `least` are left. */
static intptr_t claim_arena(ragged_ctx *ctx, intptr_t want, intptr_t least, intptr_t *got)
{
    intptr_t at = atomic_load_explicit(&ctx->arena_used, memory_order_relaxed);
    for (;;) {
        const intptr_t left = ctx->arena_items - at;
        if (left < least)
            return -1;
        const intptr_t take = want < left ? want : left;
        if (atomic_compare_exchange_weak_explicit(&ctx->arena_used, &at, at + take,
                                                  memory_order_relaxed, memory_order_relaxed)) {
            *got = take;
            return at;
        }
    }
}

/* The first pass, on any thread of the pool: every row's count, and its
 * locations in the arena where they fit.  Allocates nothing (a worker that
 * calls malloc gets a glibc arena of its own: 64 MiB of address space). */
static void scan_rows(void *ctx_, intptr_t begin, intptr_t end)
{
    ragged_ctx *ctx = ctx_;
    intptr_t at = 0, room = 0; /* the block's claim: arena items [at, at + room) */
    intptr_t claim = PF_BUMPS_CLAIM / 2;
    intptr_t unchecked = 0;
    for (intptr_t r = begin; r < end; r++) {
        unchecked += ctx->cols + 1;
        if (unchecked >= PF_BUMPS_CHECK_ITEMS) {
            unchecked = 0;
            if (pf_interrupted())
                return; /* the caller discards the result */
        }
        intptr_t found = scan_row(ctx, r, room > 0 ? ctx->arena + at * ctx->item : NULL, room);
        if (found > room) {
            /* The claim is full: claim more, then scan the row again. */
            intptr_t got;
            if (claim < ctx->arena_items)
                claim *= 2;
            if (claim < found)
                claim = found;
            const intptr_t first = claim_arena(ctx, claim, found, &got);
            if (first < 0) {
                ctx->where[r] = -1;
                ctx->counts[r] = found;
                atomic_store_explicit(&ctx->overflowed, 1, memory_order_relaxed);
                continue;
            }
            at = first;
            room = got;
            found = scan_row(ctx, r, ctx->arena + at * ctx->item, room);
        }
        ctx->where[r] = at;
        ctx->counts[r] = found;
        at += found;
        room -= found;
    }
}

/* The second pass: the rows that did not fit the arena, scanned again into
 * the result at their offsets. */
static void rescan_rows(void *ctx_, intptr_t begin, intptr_t end)
{
    ragged_ctx *ctx = ctx_;
    intptr_t unchecked = 0;
    for (intptr_t r = begin; r < end; r++) {
        if (ctx->where[r] >= 0)
            continue;
        unchecked += ctx->cols + 1;
        if (unchecked >= PF_BUMPS_CHECK_ITEMS) {
            unchecked = 0;
            if (pf_interrupted())
                return;
        }
        const int64_t first = ctx->offsets[r];
        scan_row(ctx, r, ctx->values + first * (int64_t)ctx->item, ctx->offsets[r + 1] - first);
    }
}

/* The arena's size in items (see PF_BUMPS_ARENA_MIN). */
static intptr_t arena_items(intptr_t rows, intptr_t cols)
{
    const intptr_t per_row = pf_bumps_max_count(cols);
    if (rows == 0 || per_row == 0)
        return 0;
    intptr_t items = rows > PF_BUMPS_ARENA_MAX / cols ? PF_BUMPS_ARENA_MAX : rows * cols / 4;
    if (items < PF_BUMPS_ARENA_MIN)
        items = PF_BUMPS_ARENA_MIN;
    if (items > PF_BUMPS_ARENA_MAX)
        items = PF_BUMPS_ARENA_MAX;
    if (rows <= items / per_row)
        items = rows * per_row;
    return items;
}

/* Copies the locations of the rows that fit the arena into the result, each
 * run of rows stored one after the other in it at once. */
static void copy_from_arena(const ragged_ctx *ctx, char *values, const int64_t *offsets,
                            intptr_t rows)
{
    const int64_t item = (int64_t)ctx->item;
    intptr_t r = 0;
    while (r < rows) {
        if (ctx->where[r] < 0 || offsets[r + 1] == offsets[r]) {
            r++;
            continue;
        }
        const int64_t from = ctx->where[r];
        intptr_t last = r + 1;
        while (last < rows && ctx->where[last] == from + (offsets[last] - offsets[r]))
            last++;
        memcpy(values + offsets[r] * item, ctx->arena + from * item,
               (size_t)((offsets[last] - offsets[r]) * item));
        r = last;
    }
}

static const pf_bumps_scan_f32_fn scans_f32[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_bumps_scan_f32);
static const pf_bumps_scan_f64_fn scans_f64[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_bumps_scan_f64);

/* CPython and NumPy raise a MemoryError without a message where they fail to
 * allocate an object of their own: say what could not be allocated. */
static void name_memory_error(const char *what, Py_ssize_t count)
{
    if (!PyErr_ExceptionMatches(PyExc_MemoryError))
        return;
    PyErr_Clear();
    PyErr_Format(PyExc_MemoryError, "pv_locations_ragged: could not allocate %s (%zd rows)",
                 what, count);
}

/* One view per row of `values`; a new reference to the list, or NULL. */
static PyObject *split_rows(PyArrayObject *values, const int64_t *offsets, npy_intp rows)
{
    PyObject *list = PyList_New(rows);
    if (list == NULL) {
        name_memory_error("the list of rows", (Py_ssize_t)rows);
        return NULL;
    }
    PyArray_Descr *descr = PyArray_DESCR(values);
    char *data = PyArray_BYTES(values);
    const npy_intp item = PyArray_ITEMSIZE(values);
    for (npy_intp r = 0; r < rows; r++) {
        npy_intp len = (npy_intp)(offsets[r + 1] - offsets[r]);
        Py_INCREF(descr); /* stolen by NewFromDescr */
        PyObject *view = PyArray_NewFromDescr(&PyArray_Type, descr, 1, &len, NULL,
                                              data + offsets[r] * item, NPY_ARRAY_CARRAY, NULL);
        if (view == NULL) {
            name_memory_error("a view of one row's locations", (Py_ssize_t)rows);
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
    const npy_intp cols = PyArray_DIM(targets, 1);
    npy_intp noffsets = rows + 1;
    PyArrayObject *offsets = (PyArrayObject *)PyArray_EMPTY(1, &noffsets, NPY_INT64, 0);
    int64_t *where = offsets != NULL ? malloc((size_t)noffsets * sizeof(int64_t)) : NULL;
    if (where == NULL) {
        if (offsets != NULL)
            PyErr_Format(PyExc_MemoryError,
                         "pv_locations_ragged: could not allocate %zd bytes for the positions "
                         "of %zd rows' locations",
                         (Py_ssize_t)((size_t)noffsets * sizeof(int64_t)), (Py_ssize_t)rows);
        Py_XDECREF(offsets);
        Py_DECREF(targets);
        return NULL;
    }
    int64_t *off = (int64_t *)PyArray_DATA(offsets);
    off[0] = 0;

    ragged_ctx ctx = {
        .base = PyArray_BYTES(targets),
        .cols = cols,
        .row_stride = PyArray_STRIDE(targets, 0),
        .col_stride = PyArray_STRIDE(targets, 1),
        .is_f32 = type == NPY_FLOAT,
        .item = type == NPY_FLOAT ? sizeof(float) : sizeof(double),
        .threshold = threshold,
        .integral_threshold = integral_threshold,
        .min_width = (int64_t)min_width,
        .counts = off + 1,
        .where = where,
    };
    PF_PICK_LEVEL(scans_f32, level, ctx.scan_f32);
    PF_PICK_LEVEL(scans_f64, level, ctx.scan_f64);
    atomic_init(&ctx.arena_used, 0);
    atomic_init(&ctx.overflowed, 0);
    /* Smaller if address space is short: what does not fit is scanned again. */
    for (intptr_t items = arena_items(rows, cols); items >= PF_BUMPS_CLAIM; items /= 2) {
        ctx.arena = malloc((size_t)items * ctx.item);
        if (ctx.arena != NULL) {
            ctx.arena_items = items;
            break;
        }
    }

    const intptr_t min_rows = pf_min_parallel_outer(pf_spec_find_bumps.min_parallel, cols);
    PyArrayObject *values = NULL;
    /* inf / inf in a bump gives a NaN location and raises "invalid"; keep the
     * caller's floating-point flags as they were, as a NumPy function would. */
    pf_fpflags saved_flags;
    pf_fpflags_save(&saved_flags);
    pf_py_watch watch;
    pf_py_watch_begin(&watch);
    Py_BEGIN_ALLOW_THREADS
    pf_parallel_for(rows, min_rows, pf_spec_find_bumps.grain, scan_rows, &ctx);
    Py_END_ALLOW_THREADS
    if (!pf_watch_stopped(&watch.watch)) {
        for (npy_intp r = 0; r < rows; r++)
            off[r + 1] += off[r];
        npy_intp total = (npy_intp)off[rows];
        values = (PyArrayObject *)PyArray_EMPTY(1, &total, type, 0);
        if (values == NULL && ctx.arena != NULL && PyErr_ExceptionMatches(PyExc_MemoryError)) {
            /* Short of address space: give up the arena, scan every row again. */
            PyErr_Clear();
            free(ctx.arena);
            ctx.arena = NULL;
            for (npy_intp r = 0; r < rows; r++)
                where[r] = -1;
            atomic_store(&ctx.overflowed, 1);
            values = (PyArrayObject *)PyArray_EMPTY(1, &total, type, 0);
        }
    }
    if (values != NULL && atomic_load_explicit(&ctx.overflowed, memory_order_relaxed)) {
        ctx.values = PyArray_BYTES(values);
        ctx.offsets = off;
        Py_BEGIN_ALLOW_THREADS
        pf_parallel_for(rows, min_rows, pf_spec_find_bumps.grain, rescan_rows, &ctx);
        Py_END_ALLOW_THREADS
    }
    pf_fpflags_restore(&saved_flags);
    Py_DECREF(targets);
    if (pf_py_watch_end(&watch) < 0 || values == NULL) {
        Py_XDECREF(values);
        free(ctx.arena);
        free(where);
        Py_DECREF(offsets);
        return NULL;
    }
    copy_from_arena(&ctx, PyArray_BYTES(values), off, rows);
    free(ctx.arena);
    free(where);

    PyObject *result;
    if (as_list)
        result = split_rows(values, off, rows);
    else
        result = PyTuple_Pack(2, (PyObject *)values, (PyObject *)offsets);
    if (result == NULL && !as_list)
        name_memory_error("the (values, offsets) tuple", (Py_ssize_t)rows);
    Py_DECREF(values);
    Py_DECREF(offsets);
    return result;
}
