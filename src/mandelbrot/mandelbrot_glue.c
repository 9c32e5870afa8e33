/*
 * _mandelbrot_grid_shifted(x, y, maxiter, shift, out): make_fractal's one
 * pass, the grid driver of mandelbrot_grid with its count shift
 * (mandelbrot.h), at the SIMD level the ufuncs use.  Private: the caller
 * (polyfast.notebook) passes float64 x and y and a C-contiguous int64 out of
 * shape (len(y), len(x)); anything else is refused, never guessed.
 */
#include "module/ufunc_spec.h"

#include "mandelbrot/mandelbrot.h"
#include "module/interrupt_glue.h"
#include "runtime/cpu_features.h"

static const pf_mb_chunk_fn chunks_c128[PF_SIMD_NLEVELS] = PF_LEVEL_TABLE(pf_mb_chunk_c128);

static int is_vector(PyArrayObject *a)
{
    return PyArray_NDIM(a) == 1 && PyArray_TYPE(a) == NPY_DOUBLE && PyArray_ISALIGNED(a) &&
           PyArray_ISNOTSWAPPED(a);
}

PyObject *pf_mandelbrot_grid_shifted(PyObject *self, PyObject *args)
{
    (void)self;
    PyArrayObject *x, *y, *out;
    long long maxiter, shift;
    if (!PyArg_ParseTuple(args, "O!O!LLO!:_mandelbrot_grid_shifted", &PyArray_Type, &x,
                          &PyArray_Type, &y, &maxiter, &shift, &PyArray_Type, &out))
        return NULL;
    if (!is_vector(x) || !is_vector(y)) {
        PyErr_SetString(PyExc_TypeError,
                        "_mandelbrot_grid_shifted: x and y must be aligned 1-D float64 arrays");
        return NULL;
    }
    if (PyArray_NDIM(out) != 2 || PyArray_TYPE(out) != NPY_INT64 ||
        !PyArray_IS_C_CONTIGUOUS(out) || !PyArray_ISWRITEABLE(out) ||
        !PyArray_ISNOTSWAPPED(out) || PyArray_DIM(out, 0) != PyArray_DIM(y, 0) ||
        PyArray_DIM(out, 1) != PyArray_DIM(x, 0)) {
        PyErr_SetString(PyExc_ValueError,
                        "_mandelbrot_grid_shifted: out must be a writeable C-contiguous int64 "
                        "array of shape (len(y), len(x))");
        return NULL;
    }
    if (shift < 0 || shift > (1LL << 62)) {
        PyErr_SetString(PyExc_ValueError, "_mandelbrot_grid_shifted: shift out of range");
        return NULL;
    }
    const pf_mb_grid grid = {
        .x = PyArray_BYTES(x), .y = PyArray_BYTES(y),
        .nx = PyArray_DIM(x, 0), .ny = PyArray_DIM(y, 0),
        .xs = PyArray_STRIDE(x, 0), .ys = PyArray_STRIDE(y, 0),
        .maxiter = maxiter, .shift = shift,
        .out = PyArray_BYTES(out), .ors = PyArray_STRIDE(out, 0),
        .ocs = PyArray_STRIDE(out, 1),
    };
    pf_mb_chunk_fn chunk;
    PF_PICK_LEVEL(chunks_c128, pf_selected_simd_level(), chunk);
    /* make_fractal with a huge maxiter must stop on Ctrl-C: interrupted, out
     * holds each point's shifted count or what it held before. */
    pf_py_watch watch;
    pf_py_watch_begin(&watch);
    Py_BEGIN_ALLOW_THREADS
    pf_mandelbrot_grid_run_f64(&grid, chunk);
    Py_END_ALLOW_THREADS
    if (pf_py_watch_end(&watch) < 0)
        return NULL;
    Py_RETURN_NONE;
}
