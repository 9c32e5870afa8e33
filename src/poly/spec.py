"""The polynomial ufuncs, poly8 and polyval (kernels: poly.h, poly_scalar.c, poly_simd.c)."""

ufunc(
    "poly8",
    loops={
        "f32->f32": "simd",
        "f64->f64": "simd",
        # Compute-light: GCC vectorizes the scalar loop well enough.
        "c64->c64": "scalar",
        "c128->c128": "scalar",
    },
    # Below this, waking a worker costs more than the second thread saves
    # (benchmarks/bench_threshold.py finds the crossover).
    min_parallel=32768,
    grain=4096,
    doc="""
    Evaluate ``x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8`` elementwise.

    The lecture notebook's polynomial (``f_numpy``) as one pass over memory.
    It is computed as ``x * (1 + x) * (1 + x**2) * (1 + x**4)``: eight
    operations instead of fourteen, and accurate to a few ulps everywhere,
    including near ``x = -1`` where the sum of powers cancels. Results do not
    depend on the SIMD level, the thread count or the position in the array.

    Parameters
    ----------
    x : array_like
        Input values; float32, float64, complex64 and complex128 have loops of
        their own, other numeric types are cast as NumPy casts for ``np.sin``.
    out : ndarray, None, or tuple of ndarray and None, optional
        Where to put the result; see `ufuncs`.
    {where and kwargs}

    Returns
    -------
    y : ndarray or scalar
        ``x + x**2 + ... + x**8``. Overflow gives ``+inf`` (the sign of ``x**8``),
        where the notebook's sum of powers gives ``inf - inf = nan`` for
        large negative ``x``.

    See Also
    --------
    polyval : Any polynomial, by Horner's rule.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> polyfast.poly8(np.array([0.0, 1.0, 2.0, -2.0]))
    array([  0.,   8., 510., 170.])
    >>> x = np.linspace(-1.5, 1.5, 7)
    >>> np.allclose(polyfast.poly8(x), sum(x**k for k in range(1, 9)))
    True
    """,
)

ufunc(
    "polyval",
    signature="(),(n)->()",
    loops={
        "f32,f32->f32": "simd",
        "f64,f64->f64": "simd",
    },
    min_parallel=16384,
    grain=2048,
    doc="""
    Evaluate the polynomial ``c[0] + c[1]*x + ... + c[n-1]*x**(n-1)``.

    A generalized ufunc with signature ``(),(n)->()``: ``x`` broadcasts
    against the leading dimensions of ``c``, whose last axis holds the
    coefficients, lowest degree first, as in
    `numpy.polynomial.polynomial.polyval`. Horner's rule runs in the same
    order as NumPy's (``p = c[n-1]``, then ``p = c[k] + p*x``), one rounding
    per operation, so finite results match NumPy's bit for bit.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate.
    c : array_like
        Coefficients along the last axis (``axes=`` picks another). An empty
        last axis (``n == 0``) gives 0.
    out : ndarray, optional
        Where to put the result; see `ufuncs`.
    **kwargs
        Other keyword arguments of generalized ufuncs (``dtype``, ``casting``,
        ``axes``, ``axis``).

    Returns
    -------
    y : ndarray or scalar
        The polynomial's values, float32 when both inputs are float32,
        float64 otherwise.

    See Also
    --------
    poly8 : The notebook's fixed degree-8 polynomial.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> polyfast.polyval(np.array([0.0, 1.0, 2.0]), [1.0, 2.0, 3.0])
    array([ 1.,  6., 17.])
    >>> polyfast.polyval(2.0, [[1.0, 1.0], [0.0, 1.0]])  # two polynomials
    array([3., 2.])
    """,
)
