/* The Mandelbrot ufunc: escape counts. */
#include "ufunc/ufunc_spec.h"

#include "kernels/mandelbrot.h"

#define PF_LEVELS(base) {base##_scalar, base##_avx2, base##_avx512}

static const pf_loop_spec mandelbrot_loops[] = {
    {{NPY_CFLOAT, NPY_INT64, NPY_INT64}, PF_LEVELS(pf_mandelbrot_c64)},
    {{NPY_CDOUBLE, NPY_INT64, NPY_INT64}, PF_LEVELS(pf_mandelbrot_c128)},
};

/* An item costs from a few nanoseconds (a point that escapes at once) to
 * maxiter iterations (a point of the set: 50 ns at maxiter 50, milliseconds
 * at large maxiter), so a few hundred items already outweigh waking a worker
 * (tens of microseconds) whenever a fair share of them lies in the set, and
 * small blocks are what lets the dynamic hand-out balance a picture whose
 * cost is concentrated in the set's rows.  64 items is also the pool's block
 * rounding, and a whole number of vectors at every SIMD level. */
const pf_ufunc_spec pf_spec_mandelbrot = {
    .name = "mandelbrot",
    .nin = 2,
    .nout = 1,
    .min_parallel = 256,
    .grain = 64,
    .nloops = sizeof mandelbrot_loops / sizeof mandelbrot_loops[0],
    .loops = mandelbrot_loops,
    .doc =
        "Escape count of ``z -> z**2 + c`` from ``z = 0``, elementwise.\n"
        "\n"
        "With ``z_0 = 0`` and ``z_{k+1} = z_k**2 + c``, the result is the smallest\n"
        "``k`` in ``1 ... maxiter-1`` with ``|z_k| >= 2``, or ``maxiter`` if there is\n"
        "none; ``maxiter < 1`` gives 0. ``|z| >= 2`` is tested as\n"
        "``re*re + im*im >= 4`` and ``z**2 + c`` is computed as\n"
        "``(re*re - im*im + c.re, re*im + re*im + c.im)``, each operation rounded\n"
        "on its own (no fused multiply-add), so the counts are the same on every\n"
        "CPU, SIMD level and thread count. complex64 input is iterated in\n"
        "float32, complex128 in float64. This is the loop of the lecture\n"
        "notebook's ``make_fractal``; `polyfast.notebook.make_fractal` and\n"
        "``make_fractal_nb`` rebuild the notebook's two pictures from it.\n"
        "\n"
        "Parameters\n"
        "----------\n"
        "c : array_like\n"
        "    Points of the complex plane; complex64 and complex128 have loops of\n"
        "    their own, real input is cast to complex128.\n"
        "maxiter : array_like of int\n"
        "    Iteration limit, int64, broadcast against ``c`` like any ufunc\n"
        "    argument (one limit per point is allowed).\n"
        "out : ndarray, None, or tuple of ndarray and None, optional\n"
        "    Where to put the result (int64); see `ufuncs`.\n"
        "where : array_like, optional\n"
        "    Compute only where True; see `ufuncs`.\n"
        "**kwargs\n"
        "    Other keyword arguments of `ufuncs` (``dtype``, ``casting``, ``order``).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "count : ndarray or scalar\n"
        "    int64 escape counts in ``0 ... maxiter``. A point with a NaN\n"
        "    component never escapes (``NaN >= 4`` is false) and gets ``maxiter``;\n"
        "    an infinite one escapes at ``k = 1``. The loops raise no\n"
        "    floating-point warnings. Points of the set cost ``maxiter``\n"
        "    iterations each, the others stop when they escape.\n"
        "\n"
        "Notes\n"
        "-----\n"
        "NumPy's complex square fuses one multiply-add on CPUs with FMA, so a\n"
        "NumPy transcription can differ from these counts at rare chaotic\n"
        "boundary points after many iterations; on the notebook's grids they\n"
        "agree exactly.\n"
        "\n"
        "See Also\n"
        "--------\n"
        "polyfast.notebook.make_fractal : The notebook's picture, from this ufunc.\n"
        "\n"
        "Examples\n"
        "--------\n"
        ">>> import numpy as np\n"
        ">>> import polyfast\n"
        ">>> polyfast.mandelbrot(np.array([0, -1, 1, 2j, -2, 0.3 + 0.5j]), 50)\n"
        "array([50, 50,  2,  1,  1, 50])\n"
        ">>> polyfast.mandelbrot(0.4 + 0.3j, [0, 1, 5, 10, 100])  # a limit per element\n"
        "array([ 0,  1,  5, 10, 15])\n"
        ">>> x = np.linspace(-2, 1, 7)\n"
        ">>> polyfast.mandelbrot(x[None, :] + 1j * x[:3, None], 20)\n"
        "array([[ 1,  1,  1,  1,  1,  1,  1],\n"
        "       [ 1,  1,  2,  2,  2,  2,  2],\n"
        "       [ 1,  2,  3,  4, 20,  2,  2]])\n",
};
