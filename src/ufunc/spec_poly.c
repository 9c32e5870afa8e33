/* The polynomial ufuncs: poly8 and polyval. */
#include "ufunc/ufunc_spec.h"

#include "kernels/poly.h"

#define PF_LEVELS(base) {base##_scalar, base##_avx2, base##_avx512}

static const pf_loop_spec poly8_loops[] = {
    {{NPY_FLOAT, NPY_FLOAT}, PF_LEVELS(pf_poly8_f32)},
    {{NPY_DOUBLE, NPY_DOUBLE}, PF_LEVELS(pf_poly8_f64)},
    {{NPY_CFLOAT, NPY_CFLOAT}, {pf_poly8_c64_scalar}},
    {{NPY_CDOUBLE, NPY_CDOUBLE}, {pf_poly8_c128_scalar}},
};

/* min_parallel: on the 2-core development machine a second thread starts to
 * pay off for poly8 between 16k and 32k float64 items (benchmarks/
 * bench_threshold.py measures it); below that, waking a worker costs more than
 * it saves. */
const pf_ufunc_spec pf_spec_poly8 = {
    .name = "poly8",
    .nin = 1,
    .nout = 1,
    .min_parallel = 32768,
    .grain = 4096,
    .nloops = sizeof poly8_loops / sizeof poly8_loops[0],
    .loops = poly8_loops,
    .doc =
        "Evaluate ``x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8`` elementwise.\n"
        "\n"
        "The lecture notebook's polynomial (``f_numpy``) as one pass over memory.\n"
        "It is computed as ``x * (1 + x) * (1 + x**2) * (1 + x**4)``: eight\n"
        "operations instead of fourteen, and accurate to a few ulps everywhere,\n"
        "including near ``x = -1`` where the sum of powers cancels. Results do not\n"
        "depend on the SIMD level, the thread count or the position in the array.\n"
        "\n"
        "Parameters\n"
        "----------\n"
        "x : array_like\n"
        "    Input values; float32, float64, complex64 and complex128 have loops of\n"
        "    their own, other numeric types are cast as NumPy casts for ``np.sin``.\n"
        "out : ndarray, None, or tuple of ndarray and None, optional\n"
        "    Where to put the result; see `ufuncs`.\n"
        "where : array_like, optional\n"
        "    Compute only where True; see `ufuncs`.\n"
        "**kwargs\n"
        "    Other keyword arguments of `ufuncs` (``dtype``, ``casting``, ``order``).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "y : ndarray or scalar\n"
        "    ``x + x**2 + ... + x**8``. Overflow gives ``+inf`` (the sign of ``x**8``),\n"
        "    where the notebook's sum of powers gives ``inf - inf = nan`` for\n"
        "    large negative ``x``.\n"
        "\n"
        "See Also\n"
        "--------\n"
        "polyval : Any polynomial, by Horner's rule.\n"
        "\n"
        "Examples\n"
        "--------\n"
        ">>> import numpy as np\n"
        ">>> import polyfast\n"
        ">>> polyfast.poly8(np.array([0.0, 1.0, 2.0, -2.0]))\n"
        "array([  0.,   8., 510., 170.])\n"
        ">>> x = np.linspace(-1.5, 1.5, 7)\n"
        ">>> np.allclose(polyfast.poly8(x), sum(x**k for k in range(1, 9)))\n"
        "True\n",
};

static const pf_loop_spec polyval_loops[] = {
    {{NPY_FLOAT, NPY_FLOAT, NPY_FLOAT}, PF_LEVELS(pf_polyval_f32)},
    {{NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE}, PF_LEVELS(pf_polyval_f64)},
};

const pf_ufunc_spec pf_spec_polyval = {
    .name = "polyval",
    .signature = "(),(n)->()",
    .nin = 2,
    .nout = 1,
    .min_parallel = 16384,
    .grain = 2048,
    .nloops = sizeof polyval_loops / sizeof polyval_loops[0],
    .loops = polyval_loops,
    .doc =
        "Evaluate the polynomial ``c[0] + c[1]*x + ... + c[n-1]*x**(n-1)``.\n"
        "\n"
        "A generalized ufunc with signature ``(),(n)->()``: ``x`` broadcasts\n"
        "against the leading dimensions of ``c``, whose last axis holds the\n"
        "coefficients, lowest degree first, as in\n"
        "`numpy.polynomial.polynomial.polyval`. Horner's rule runs in the same\n"
        "order as NumPy's (``p = c[n-1]``, then ``p = c[k] + p*x``), one rounding\n"
        "per operation, so finite results match NumPy's bit for bit.\n"
        "\n"
        "Parameters\n"
        "----------\n"
        "x : array_like\n"
        "    Points at which to evaluate.\n"
        "c : array_like\n"
        "    Coefficients along the last axis (``axes=`` picks another). An empty\n"
        "    last axis (``n == 0``) gives 0.\n"
        "out : ndarray, optional\n"
        "    Where to put the result; see `ufuncs`.\n"
        "**kwargs\n"
        "    Other keyword arguments of generalized ufuncs (``dtype``, ``casting``,\n"
        "    ``axes``, ``axis``, ``keepdims``).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "y : ndarray or scalar\n"
        "    The polynomial's values, float32 when both inputs are float32,\n"
        "    float64 otherwise.\n"
        "\n"
        "See Also\n"
        "--------\n"
        "poly8 : The notebook's fixed degree-8 polynomial.\n"
        "\n"
        "Examples\n"
        "--------\n"
        ">>> import numpy as np\n"
        ">>> import polyfast\n"
        ">>> polyfast.polyval(np.array([0.0, 1.0, 2.0]), [1.0, 2.0, 3.0])\n"
        "array([ 1.,  6., 17.])\n"
        ">>> polyfast.polyval(2.0, [[1.0, 1.0], [0.0, 1.0]])  # two polynomials\n"
        "array([3., 2.])\n",
};
