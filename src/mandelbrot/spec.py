"""The Mandelbrot ufunc and gufuncs (kernels: mandelbrot.h, mandelbrot_scalar.c,
mandelbrot_simd.c; the grid's points mandelbrot_grid.c)."""

ufunc(
    "mandelbrot",
    loops={
        "c64,i64->i64": "simd",
        "c128,i64->i64": "simd",
    },
    # An item costs from a few nanoseconds (a point that escapes at once) to
    # maxiter iterations (a point of the set), so a few hundred items already
    # outweigh waking a worker whenever a fair share of them lies in the set;
    # small blocks let the dynamic hand-out balance a picture whose cost sits
    # in the set's rows.  64 is also the pool's block rounding and a whole
    # number of vectors at every SIMD level.
    min_parallel=256,
    grain=64,
    numba_point=True,  # scalar entries for numba: mandelbrot_point.c
    doc="""
    Escape count of ``z -> z**2 + c`` from ``z = 0``, elementwise.

    With ``z_0 = 0`` and ``z_{k+1} = z_k**2 + c``, the result is the smallest
    ``k`` in ``1 ... maxiter-1`` with ``|z_k| >= 2``, or ``maxiter`` if there is
    none; ``maxiter < 1`` gives 0. ``|z| >= 2`` is tested as
    ``re*re + im*im >= 4`` and ``z**2 + c`` is computed as
    ``(re*re - im*im + c.re, re*im + re*im + c.im)``, each operation rounded
    on its own (no fused multiply-add), so the counts are the same on every
    CPU, SIMD level and thread count. complex64 input is iterated in
    float32, complex128 in float64. This is the loop of the lecture
    notebook's ``make_fractal``; `polyfast.notebook.make_fractal` and
    ``make_fractal_nb`` rebuild the notebook's two pictures from it.

    Parameters
    ----------
    c : array_like
        Points of the complex plane; complex64 and complex128 have loops of
        their own; other input takes the first loop NumPy can cast it to
        safely: float32 (float16, bool, 8- and 16-bit integers) the
        complex64 loop, float64 (32- and 64-bit integers) the complex128
        one.
    maxiter : array_like of int
        Iteration limit, int64, broadcast against ``c`` like any ufunc
        argument (one limit per point is allowed).
    out : ndarray, None, or tuple of ndarray and None, optional
        Where to put the result (int64); see `ufuncs`.
    {where and kwargs}

    Returns
    -------
    count : ndarray or scalar
        int64 escape counts in ``0 ... maxiter``. A point with a NaN
        component never escapes (``NaN >= 4`` is false) and gets ``maxiter``;
        an infinite one escapes at ``k = 1``. The loops raise no
        floating-point warnings. Points of the set cost ``maxiter``
        iterations each, the others stop when they escape.

    Notes
    -----
    NumPy's complex square fuses one multiply-add on CPUs with FMA, so a
    NumPy transcription can differ from these counts at rare chaotic
    boundary points after many iterations; on the notebook's grids they
    agree exactly.

    See Also
    --------
    polyfast.notebook.make_fractal : The notebook's picture, from this ufunc.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> polyfast.mandelbrot(np.array([0, -1, 1, 2j, -2, 0.3 + 0.5j]), 50)
    array([50, 50,  2,  1,  1, 50])
    >>> polyfast.mandelbrot(0.4 + 0.3j, [0, 1, 5, 10, 100])  # a limit per element
    array([ 0,  1,  5, 10, 15])
    >>> x = np.linspace(-2, 1, 7)
    >>> polyfast.mandelbrot(x[None, :] + 1j * x[:3, None], 20)
    array([[ 1,  1,  1,  1,  1,  1,  1],
           [ 1,  1,  2,  2,  2,  2,  2],
           [ 1,  2,  3,  4, 20,  2,  2]])
    """,
)

ufunc(
    "mandelbrot_grid",
    signature="(n),(m),()->(m,n)",
    loops={
        "f32,f32,i64->i64": "simd",
        "f64,f64,i64->i64": "simd",
    },
    # A single picture is one outer item: the generic loop splits its rows
    # (m) over the pool too, so min_parallel counts points (the `mandelbrot`
    # ufunc's, for the same reason) and grain rows.
    min_parallel=256,
    grain=1,
    split="m",
    doc="""
    Escape counts of the grid ``x[None, :] + 1j * y[:, None]``, without building it.

    A generalized ufunc with signature ``(n),(m),()->(m,n)``: element
    ``[i, j]`` of the result is ``mandelbrot(x[j] + 1j * y[i], maxiter)``, the
    point computed exactly as that NumPy expression computes it, so the
    counts are those of `mandelbrot` on the materialised grid, bit for bit,
    without its 16 bytes per point. float32 ``x`` and ``y`` give complex64
    points (iterated in float32, as NumPy's ``x + 1j*y`` is complex64 then),
    float64 ones complex128; other real input is cast to float64. The rows
    (of every grid of a stack, leading dimensions) are split over the thread
    pool.

    Parameters
    ----------
    x : array_like, shape (..., n)
        Real parts, one per column.
    y : array_like, shape (..., m)
        Imaginary parts, one per row.
    maxiter : array_like of int
        Iteration limit (int64), one per grid.
    out : ndarray, None, or tuple of ndarray and None, optional
        Where to put the counts (int64, shape ``(..., m, n)``, any strides);
        see `ufuncs`.
    **kwargs
        Other keyword arguments of generalized ufuncs (``axes``, ``dtype``,
        ``casting``, ``order``).

    Returns
    -------
    count : ndarray of int64, shape (..., m, n)
        Escape counts in ``0 ... maxiter``, defined as for `mandelbrot`.

    See Also
    --------
    mandelbrot : The same counts for points given one by one.
    polyfast.notebook.make_fractal : The notebook's picture, from this grid.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> x = np.linspace(-2, 1, 7)
    >>> polyfast.mandelbrot_grid(x, x[:3], 20)
    array([[ 1,  1,  1,  1,  1,  1,  1],
           [ 1,  1,  2,  2,  2,  2,  2],
           [ 1,  2,  3,  4, 20,  2,  2]])
    >>> c = x[None, :] + 1j * x[:3, None]
    >>> np.array_equal(polyfast.mandelbrot_grid(x, x[:3], 20), polyfast.mandelbrot(c, 20))
    True
    >>> out = np.empty((3, 7), np.int64)
    >>> polyfast.mandelbrot_grid(x, x[:3], 5, out=out) is out
    True
    """,
)

ufunc(
    "_mandelbrot_grid_shifted",
    signature="(n),(m),(),()->(m,n)",
    loops={"f64,f64,i64,i64->i64": "simd"},
    min_parallel=256,
    grain=1,
    split="m",
    doc="""
    Private: ``max(mandelbrot_grid(x, y, maxiter) - shift, 0)`` in one pass.

    make_fractal's counts (polyfast.notebook): the shift is applied as each
    count is stored; a negative shift counts as 0.
    """,
)
