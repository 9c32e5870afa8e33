"""Drop-in twins of the lecture notebook's functions.

Each function here has the name, signature and results of a function of the
notebook (``seeds/000_...``), computed by polyfast's C ufuncs: replace the
notebook's definition by ``from polyfast.notebook import NAME`` and the cells
that call it run unchanged, faster.  Each docstring names the notebook cell
it replaces.

- ``f_simple``, ``f_numpy``, ``f_nest_numpy``, ``f_mem_numpy``, ``f_numexper``,
  ``f_cython``, ``f_numba_simple``, ``f_numba_nest``, ``f_numba_simple_ufunc``,
  ``f_numba_nest_ufunc``, ``f_numba_parallel``: `polyfast.poly8`, one pass in
  C over the array, split over threads;
- ``pv_locations``: `polyfast.pv_locations` on float32, like the notebook's
  numba signature;
- ``make_fractal``, ``make_fractal_nb``: the grid of `polyfast.mandelbrot_grid`,
  one pass in C with the count shift, rows over threads;
- ``norm_pdf``: the ufunc `polyfast.norm_pdf`;
- ``sampler``: `polyfast.sampler`, the chain in C.

Importing this module imports none of numba, numexpr, Cython or SciPy.
"""

from __future__ import annotations

import operator
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, Literal, SupportsIndex, TypeVar, Union, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from polyfast import poly8
from polyfast import norm_pdf as _norm_pdf
from polyfast import pv_locations as _pv_locations
from polyfast import sampler as _sampler
from polyfast._bumps import Integer, RealScalar
from polyfast._core import _mandelbrot_grid_shifted

__all__ = [
    "f_simple",
    "f_numpy",
    "f_nest_numpy",
    "f_mem_numpy",
    "f_numexper",
    "f_cython",
    "f_numba_simple",
    "f_numba_nest",
    "f_numba_simple_ufunc",
    "f_numba_nest_ufunc",
    "f_numba_parallel",
    "pv_locations",
    "make_fractal",
    "make_fractal_nb",
    "norm_pdf",
    "sampler",
]

_INT64_MAX = np.iinfo(np.int64).max

#: What the polynomial twins return: an array of the input's shape, or a NumPy
#: scalar for scalar (0-d) input; float32/float64/complex64/complex128.
_PolyResult = Union[NDArray[np.inexact[Any]], np.inexact[Any]]
#: The numba-ufunc twins compute in float64.
_Float64Result = Union[NDArray[np.float64], np.float64]
_F = TypeVar("_F", bound=Callable[..., Any])


# --------------------------------------------------------------------------
# The polynomial y = x + x**2 + ... + x**8 ("Example Numpy calculation")
# --------------------------------------------------------------------------

_POLY_DOC = """The notebook's ``{name}``: {summary}

{replaces}

Parameters
----------
{params}

Returns
-------
{returns}
{raises}
See Also
--------
polyfast.poly8 : The ufunc underneath, with ``out=``, ``where=`` and the
    other ufunc keywords.

Examples
--------
>>> import numpy as np
>>> from polyfast.notebook import {name}
{examples}
"""

_ANY_DTYPE = """{arg} : array_like
    Real or complex numbers. float32 and complex64 stay in their precision,
    as in the notebook; other real input, integers included, is computed in
    float64."""

_FLOAT64_UFUNC = """x : array_like
    Real numbers.
*args, **kwargs
    Passed on to the ufunc `polyfast.poly8` (``out=``, ``where=``, ...), as
    a numba ufunc takes them."""


def _poly_twin(summary: str, cell: str, notebook: str, examples: str, *,
               how: str = "`polyfast.poly8` in one pass over the array, split over threads",
               arg: str = "x", params: str = _ANY_DTYPE,
               returns: str = "y : ndarray or scalar\n    ``x + x**2 + ... + x**8``; a NumPy "
                              "scalar for scalar input.",
               raises: str = "") -> Callable[[_F], _F]:
    """Give a polynomial twin its numpydoc docstring (the parts they share are above)."""
    def document(fn: _F) -> _F:
        replaces = textwrap.fill(f"Replaces the cell {cell} ({notebook}). "
                                 f"Computed by {how}.", 76)
        fn.__doc__ = _POLY_DOC.format(
            name=fn.__name__, summary=summary, replaces=replaces,
            params=params.format(arg=arg), returns=returns, raises=raises,
            examples=_example_lines(examples))
        return fn
    return document


def _example_lines(text: str) -> str:
    """Doctest lines from an example written in the source (see `_poly_twin`'s callers).

    The first line, and the following ones once the source's 4-space indent is
    removed, are code; a line indented one more space is expected output.
    """
    first, *rest = text.strip("\n").split("\n")
    lines = [first] + [line[4:] for line in rest]
    return "\n".join(line[1:] if line.startswith(" ") else f">>> {line}" for line in lines)


@_poly_twin(
    "``x + x**2 + ... + x**8``, element by element.",
    "``def f_simple(xarr)`` under \"Simple Python\"", "a Python ``for`` loop over the "
    "elements",
    """f_simple(np.array([0.0, 1.0, 0.5, -0.5]))
     array([ 0.        ,  8.        ,  0.99609375, -0.33203125])""",
    arg="xarr",
    returns="yarr : ndarray\n    ``xarr + xarr**2 + ... + xarr**8``, the shape of `xarr` (the "
            "notebook writes\n    into ``np.empty_like(xarr)``).")
def f_simple(xarr: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(np.asarray(xarr))
    return y


@_poly_twin(
    "``x + x**2 + ... + x**8`` on whole arrays.",
    "``def f_numpy(x)`` under \"Simple Numpy\"", "one temporary array per power",
    """x = np.random.normal(size=1_000_000)
    np.testing.assert_allclose(f_numpy(x), x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8)
    f_numpy(np.float32(2))
     np.float32(510.0)""")
def f_numpy(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


@_poly_twin(
    "the nested (Horner) polynomial ``x*(1 + x*(1 + ...))``.",
    "``def f_nest_numpy(x)`` under \"Algorithmic rearrangement\"", "whole-array NumPy",
    """f_nest_numpy(np.array([1.0, 2.0]))
     array([  8., 510.])""")
def f_nest_numpy(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


@_poly_twin(
    "the polynomial with one allocation.",
    "``def f_mem_numpy(x)`` under \"Numpy reduced memory\"", "``y = x.copy()`` then seven "
    "in-place ``y += 1; y *= x``",
    """f_mem_numpy(np.array([0.5, 1.0, 2.0], dtype=np.float32))
     array([  0.99609375,   8.        , 510.        ], dtype=float32)""",
    how="`polyfast.poly8`, which also allocates only its result "
        "(``polyfast.poly8(x, out=y)`` allocates nothing)")
def f_mem_numpy(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


@_poly_twin(
    "the polynomial without numexpr.",
    "``def f_numexper(x)``", "``numexpr.evaluate('x + x**2 + ... + x**8')``",
    """f_numexper(0.5)
     array(0.99609375)""",
    how="`polyfast.poly8`; numexpr is not needed",
    returns="y : ndarray\n    Always an array (0-d for scalar input), as ``numexpr.evaluate`` "
            "returns.")
def f_numexper(x: ArrayLike) -> NDArray[np.inexact[Any]]:
    y: NDArray[np.inexact[Any]] = np.asarray(poly8(x))
    return y


@_poly_twin(
    "the Cython ``f_cython(double[:] xarr)``, without Cython.",
    "``%%cython`` under \"Cython: A new language\"", "a typed loop over a ``double[:]`` "
    "memoryview",
    """f_cython(np.array([0.5, -2.0]))
     array([  0.99609375, 170.        ])""",
    how="`polyfast.poly8` in float64; no compiler or Cython extension is needed",
    arg="xarr",
    params="xarr : array_like, 1-D\n    Real numbers, converted to float64 (the memoryview "
           "``double[:]`` accepts\n    float64 only; other real dtypes are converted here "
           "rather than refused).",
    returns="y : ndarray of float64, 1-D\n    The polynomial of each element (the Cython "
            "function returns a memoryview\n    of such an array).",
    raises="\nRaises\n------\nTypeError\n    If `xarr` is not real numeric (complex does not "
           "fit ``double[:]``).\nValueError\n    If `xarr` is not 1-D, as for the memoryview.\n")
def f_cython(xarr: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(xarr)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"f_cython() takes a real (double[:]) array, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"Buffer has wrong number of dimensions (expected 1, got {arr.ndim})")
    y: NDArray[np.float64] = poly8(arr.astype(np.float64, copy=False))
    return y


@_poly_twin(
    "``numba.jit(f_numpy)``, without numba.",
    "``f_numba_simple = numba.jit(f_numpy)`` under \"Numba\"", "compiled on its first call",
    """f_numba_simple(np.array([1.0, 1j]))
     array([8.+0.j, 0.+0.j])""",
    how="`polyfast.poly8`: nothing to compile")
def f_numba_simple(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


@_poly_twin(
    "``numba.jit(f_nest_numpy)``, without numba.",
    "``f_numba_nest = numba.jit(f_nest_numpy)`` under \"Numba\"", "compiled on its first call",
    """f_numba_nest(np.array([[1.0], [2.0]]))
     array([[  8.],
            [510.]])""",
    how="`polyfast.poly8`: nothing to compile")
def f_numba_nest(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


@_poly_twin(
    "numba's parallel ufunc of ``f_numpy``, without numba.",
    "``f_numba_simple_ufunc = numba.vectorize([numba.double(numba.double)], "
    "target='parallel')(f_numpy)`` under \"Numba UFunc\"",
    "a ufunc whose only loop is ``double -> double``",
    """f_numba_simple_ufunc(np.array([0.5, 2.0], dtype=np.float32))
     array([  0.99609375, 510.        ])""",
    how="``polyfast.poly8(x, dtype=np.float64)``: like numba's ufunc it computes in "
        "float64, so float32 or integer input gives a float64 result and complex input a "
        "``TypeError``",
    params=_FLOAT64_UFUNC,
    returns="y : ndarray or scalar\n    ``x + x**2 + ... + x**8`` in float64.")
def f_numba_simple_ufunc(x: ArrayLike, /, *args: Any, **kwargs: Any) -> _Float64Result:
    kwargs.setdefault("dtype", np.float64)
    y: _Float64Result = poly8(x, *args, **kwargs)
    return y


@_poly_twin(
    "numba's parallel ufunc of ``f_nest_numpy``, without numba.",
    "``f_numba_nest_ufunc = numba.vectorize([numba.double(numba.double)], "
    "target='parallel')(f_nest_numpy)`` under \"Numba UFunc\"",
    "a ufunc whose only loop is ``double -> double``",
    """y = np.empty(3)
    f_numba_nest_ufunc(np.array([0, 1, 2]), out=y)
     array([  0.,   8., 510.])""",
    how="``polyfast.poly8(x, dtype=np.float64)``: float64 like numba's ufunc (complex "
        "input: ``TypeError``)",
    params=_FLOAT64_UFUNC,
    returns="y : ndarray or scalar\n    The nested polynomial in float64.")
def f_numba_nest_ufunc(x: ArrayLike, /, *args: Any, **kwargs: Any) -> _Float64Result:
    kwargs.setdefault("dtype", np.float64)
    y: _Float64Result = poly8(x, *args, **kwargs)
    return y


@_poly_twin(
    "``numba.jit(nopython=True, parallel=True)(f_numpy)``, without numba.",
    "``f_numba_parallel = numba.jit(nopython=True, parallel=True)(f_numpy)`` under "
    "\"Numba JIT Parallel\"", "numba's threads",
    """x = np.random.normal(size=100_000)
    np.testing.assert_allclose(f_numba_parallel(x), sum(x**k for k in range(1, 9)))""",
    how="`polyfast.poly8`, whose thread pool `polyfast.set_num_threads` sizes")
def f_numba_parallel(x: ArrayLike) -> _PolyResult:
    y: _PolyResult = poly8(x)
    return y


# --------------------------------------------------------------------------
# The bump finder ("Real code example")
# --------------------------------------------------------------------------


def pv_locations(
    targets: ArrayLike, threshold: RealScalar, integral_threshold: RealScalar,
    min_width: Integer,
) -> NDArray[np.float32] | list[NDArray[np.float32]]:
    """The notebook's numba ``pv_locations``: locations of the bumps in `targets`.

    Replaces the cell ``def pv_locations(targets, threshold,
    integral_threshold, min_width)`` under "Real code example" (decorated
    with ``numba.jit(numba.float32[:](numba.float32[:], numba.float32,
    numba.float32, numba.int32), ...)``).  Like that signature, the targets
    and thresholds are taken as float32 and the locations returned as
    float32.  Computed by `polyfast.pv_locations`, with float64 sums.

    A bump is a maximal run of ``targets[i] >= threshold``, kept when it is at
    least `min_width` bins long and its sum is at least `integral_threshold`;
    its location is ``sum(i * targets[i]) / sum(targets[i])`` over the run.

    Parameters
    ----------
    targets : array_like, 1-D (or 2-D)
        Real numbers, converted to float32 (the numba version accepts float32
        arrays only); complex, string or object input raises TypeError.  A
        2-D array (events x bins) gives one result per row, in one call into C.
    threshold, integral_threshold : real scalar
        Rounded to float32, as the numba signature does.
    min_width : int
        Least number of bins of a kept bump.

    Returns
    -------
    locations : ndarray of float32, or list of them for 2-D `targets`

    See Also
    --------
    polyfast.pv_locations : Keeps float64 input in float64.
    polyfast.pv_locations_ragged : All rows' locations in one array.

    Notes
    -----
    The notebook sums in float32 locals; this sums in float64 and rounds the
    location once, so the bumps found are the notebook's and their locations
    agree to float32 precision (rtol 1e-6), or better.  The notebook's buffer
    of 150 locations per call is gone: any number of bumps is returned.

    Examples
    --------
    >>> import numpy as np
    >>> from polyfast.notebook import pv_locations
    >>> t = np.zeros(30)
    >>> t[4:9] = [0.05, 0.2, 0.5, 0.2, 0.05]   # kept
    >>> t[20:22] = 1.0                         # too narrow
    >>> pv_locations(t, 1e-2, 0.2, 3)
    array([6.], dtype=float32)
    """
    arr = np.asarray(targets)
    if arr.dtype.kind not in "biuf":  # as numba's float32[:] signature, refuse before casting
        raise TypeError("pv_locations() argument 'targets' must hold real numbers, "
                        f"not dtype {arr.dtype}")
    locations = _pv_locations(arr.astype(np.float32, copy=False), threshold,
                              integral_threshold, min_width)
    return cast("NDArray[np.float32] | list[NDArray[np.float32]]", locations)


# --------------------------------------------------------------------------
# The fractal ("Fractal code from week 3")
# --------------------------------------------------------------------------


def _size(func: str, size: object) -> tuple[int, int]:
    """``(nx, ny)`` from `size`: a sequence of exactly two non-negative integers."""
    if isinstance(size, (str, bytes)) or not hasattr(size, "__len__") or not hasattr(
        size, "__getitem__"
    ):
        raise TypeError(
            f"{func}() argument 'size' must be a sequence (nx, ny) of two integers, "
            f"not {type(size).__name__}"
        )
    if len(size) != 2:
        raise ValueError(
            f"{func}() argument 'size' must be (nx, ny), two integers, got {len(size)} items"
        )
    try:
        nx, ny = operator.index(size[0]), operator.index(size[1])
    except TypeError:
        raise TypeError(
            f"{func}() argument 'size' must hold two integers, got {size!r}"
        ) from None
    if nx < 0 or ny < 0:
        raise ValueError(f"{func}() argument 'size' must not be negative, got {size!r}")
    if nx > _INT64_MAX or ny > _INT64_MAX:
        raise ValueError(f"{func}() argument 'size' is too large: {size!r}")
    return nx, ny


def _iterations(func: str, iterations: object) -> int:
    try:
        return operator.index(iterations)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"{func}() argument 'iterations' must be an integer, "
            f"not {type(iterations).__name__}"
        ) from None


def _counts(func: str, size: tuple[int, int], maxiter: int, shift: int) -> NDArray[np.int64]:
    """``max(mandelbrot(c, maxiter) - shift, 0)`` on the notebook's grid.

    One pass in C (the private gufunc ``_mandelbrot_grid_shifted``: the
    kernels of ``polyfast.mandelbrot_grid`` with the shift applied as each
    count is stored): no complex grid, no second pass over the counts.
    Exact for every ``maxiter`` whose counts fit in int64; ValueError past.
    """
    if maxiter - shift > _INT64_MAX:
        raise ValueError(
            f"{func}() argument 'iterations' must be at most 2**63: its counts are int64"
        )
    nx, ny = size
    x = np.linspace(-2, 2, nx)
    y = np.linspace(-2, 2, ny)
    counts = np.empty((ny, nx), dtype=np.int64)
    if maxiter <= _INT64_MAX:
        _mandelbrot_grid_shifted(x, y, maxiter, shift, counts)
        return counts
    # maxiter past int64: with the limit INT64_MAX, a point that escapes
    # gets its escape step, the same as with maxiter; one that gets the limit
    # was proven never to escape (a trap, or a NaN: 2**63 steps are out of
    # any run's reach), so its count is maxiter.
    _mandelbrot_grid_shifted(x, y, _INT64_MAX, 0, counts)
    never = counts == _INT64_MAX
    np.subtract(counts, shift, out=counts)
    np.maximum(counts, 0, out=counts)
    counts[never] = maxiter - shift
    return counts


def make_fractal(
    size: Sequence[SupportsIndex] | NDArray[np.integer[Any]], iterations: SupportsIndex
) -> NDArray[np.int64]:
    """The notebook's NumPy fractal, ``make_fractal(size, iterations)``.

    Replaces the cell ``def make_fractal(size, iterations)`` under "Fractal
    code from week 3" (the version that iterates whole arrays with
    ``z = z**2 + c`` and ``it_matrix[np.abs(z) < 2] = n``).  That cell records,
    for each point, the last ``n < iterations`` with ``|z_{n+1}| < 2``; since
    an orbit that reached ``|z| >= 2`` never comes back, this is
    ``max(mandelbrot(c, iterations + 1) - 2, 0)``, which is what is computed
    here, in one pass, without the notebook's overflow warnings.

    Parameters
    ----------
    size : sequence of two ints
        ``(nx, ny)``: ``nx`` points of ``np.linspace(-2, 2, nx)`` along the real
        axis (columns), ``ny`` along the imaginary axis (rows).  The notebook
        itself only works for square sizes; any size works here.
    iterations : int
        Number of iterations; ``iterations <= 0`` gives zeros, as in the
        notebook.

    Returns
    -------
    it_matrix : ndarray of int64, shape ``(size[1], size[0])``
        Row ``i`` is ``y[i]``, column ``j`` is ``x[j]``.  Values run from 0
        (escaped at the first step) to ``iterations - 1`` (never escaped).

    Raises
    ------
    TypeError
        If `size` is not a sequence of two integers or `iterations` is not an
        integer.
    ValueError
        If `size` does not have two items or has a negative one, or
        `iterations` exceeds 2**63 (its counts would not fit in int64).

    See Also
    --------
    make_fractal_nb : The notebook's loop version (one more count per point).
    polyfast.mandelbrot_grid : The gufunc underneath (its kernels, with the shift).

    Notes
    -----
    Element for element equal to the notebook's function on its grids.  NumPy
    computes ``z**2`` with a fused multiply-add on CPUs that have FMA, so at
    rare chaotic points on the set's boundary, after many iterations, the
    notebook's own result depends on the machine it runs on; this function
    gives the same counts on every machine (each operation rounded on its own).

    Examples
    --------
    >>> from polyfast.notebook import make_fractal
    >>> make_fractal((5, 5), 50)
    array([[ 0,  0,  0,  0,  0],
           [ 0,  1, 49,  0,  0],
           [ 0, 49, 49,  0,  0],
           [ 0,  1, 49,  0,  0],
           [ 0,  0,  0,  0,  0]])
    >>> make_fractal((500, 500), 50).shape
    (500, 500)
    """
    nx, ny = _size("make_fractal", size)
    count = _iterations("make_fractal", iterations)
    if count <= 0:
        return np.zeros((ny, nx), dtype=np.int64)
    return _counts("make_fractal", (nx, ny), count + 1, 2)


def make_fractal_nb(
    size: Sequence[SupportsIndex] | NDArray[np.integer[Any]], iterations: SupportsIndex
) -> NDArray[np.int64]:
    """The notebook's loop fractal, ``make_fractal_nb(size, iterations)``.

    Replaces the cell ``def make_fractal_nb(size, iterations)`` under "Fractal
    code from week 3" (the element-by-element loop written for numba, which
    updates a point only while ``np.abs(z) < 2``).  That loop records, for each
    point, the last ``n < iterations`` with ``|z_0|, ..., |z_n| < 2``, that is
    ``max(mandelbrot(c, iterations) - 1, 0)``, which is what is computed here.
    It is one more than `make_fractal` for most points: the notebook's two
    versions differ by this off-by-one, and both are kept.

    Parameters
    ----------
    size : sequence of two ints
        ``(nx, ny)``: ``nx`` points of ``np.linspace(-2, 2, nx)`` along the real
        axis (columns), ``ny`` along the imaginary axis (rows).  The notebook
        itself only works for square sizes; any size works here.
    iterations : int
        Number of iterations; ``iterations <= 0`` gives zeros, as in the
        notebook.

    Returns
    -------
    it_matrix : ndarray of int64, shape ``(size[1], size[0])``
        Row ``i`` is ``y[i]``, column ``j`` is ``x[j]``.  Values run from 0 to
        ``iterations - 1`` (never escaped).

    Raises
    ------
    TypeError
        If `size` is not a sequence of two integers or `iterations` is not an
        integer.
    ValueError
        If `size` does not have two items or has a negative one, or
        `iterations` exceeds 2**63 (its counts would not fit in int64).

    See Also
    --------
    make_fractal : The notebook's NumPy version.
    polyfast.mandelbrot_grid : The gufunc underneath (its kernels, with the shift).

    Notes
    -----
    Element for element equal to the notebook's function on its grids; the
    same caveat about machine-dependent rounding at rare chaotic points applies
    as for `make_fractal`.

    Examples
    --------
    >>> from polyfast.notebook import make_fractal_nb
    >>> make_fractal_nb((5, 5), 50)
    array([[ 0,  0,  0,  0,  0],
           [ 0,  2, 49,  1,  0],
           [ 0, 49, 49,  1,  0],
           [ 0,  2, 49,  1,  0],
           [ 0,  0,  0,  0,  0]])
    """
    nx, ny = _size("make_fractal_nb", size)
    count = _iterations("make_fractal_nb", iterations)
    if count <= 0:
        return np.zeros((ny, nx), dtype=np.int64)
    return _counts("make_fractal_nb", (nx, ny), count, 1)


# --------------------------------------------------------------------------
# The MCMC sampler
# --------------------------------------------------------------------------


def norm_pdf(
    loc: ArrayLike, scale: ArrayLike, x: ArrayLike, **kwargs: Any
) -> NDArray[np.floating[Any]] | np.floating[Any]:
    """The notebook's ``norm_pdf(loc, scale, x)``: the normal density.

    Replaces the cell ``def norm_pdf(loc, scale, x)`` that the notebook
    writes to stand in for ``scipy.stats.norm(loc, scale).pdf(x)``
    (``exp(-((x-loc)/scale)**2/2) / sqrt(2*pi) / scale``).  Computed by the
    ufunc `polyfast.norm_pdf`, which broadcasts its three arguments.

    Parameters
    ----------
    loc, scale, x : array_like
        Mean, standard deviation and the points; float32 when all are
        float32, else float64.
    **kwargs
        Passed on to the ufunc (``out=``, ``where=``, ...).

    Returns
    -------
    pdf : ndarray or scalar
        The density; ``scale <= 0`` gives nan (the notebook's formula gives
        a negative or infinite number there).

    See Also
    --------
    polyfast.norm_pdf : The ufunc underneath.

    Notes
    -----
    Agrees with the notebook's formula to ``np.testing.assert_allclose``'s
    defaults, and with SciPy's ``norm(loc, scale).pdf(x)`` to rtol 1e-13.

    Examples
    --------
    >>> import numpy as np
    >>> from polyfast.notebook import norm_pdf
    >>> bool(norm_pdf(0.0, 1.0, 0.0) == 1 / np.sqrt(2 * np.pi))
    True
    >>> norm_pdf(.3, 1, np.array([0.3, 1.3]))
    array([0.39894228, 0.24197072])
    """
    pdf: NDArray[np.floating[Any]] | np.floating[Any] = _norm_pdf(loc, scale, x, **kwargs)
    return pdf


def sampler(
    data: ArrayLike,
    samples: int = 4,
    mu_init: float = .5,
    proposal_width: float = .5,
    plot: Literal[False] = False,
    mu_prior_mu: float = 0,
    mu_prior_sd: float = 1.,
    *,
    rng: np.random.Generator | np.random.RandomState | None = None,
) -> NDArray[np.float64]:
    """The notebook's Metropolis ``sampler``, the chain in C.

    Replaces the cells ``def sampler(data, samples=4, mu_init=.5,
    proposal_width=.5, plot=False, mu_prior_mu=0, mu_prior_sd=1.)`` of the
    MCMC part: both the first version (SciPy's ``norm``, a list) and the
    final one (``norm_pdf``, ``np.random.normal`` and ``np.random.rand``, an
    array).  After the same ``np.random.seed(s)`` it returns the final
    version's chain, as an array, and leaves ``np.random``'s state where the
    notebook's code would.  Computed by `polyfast.sampler`.

    Parameters
    ----------
    data : array_like
        Real, finite data, normal with unknown mean and sd 1; any shape (every
        element is a data point, as in the notebook's ``np.prod``).
    samples : int, optional
        Number of steps.
    mu_init : float, optional
        Start of the chain.
    proposal_width : float, optional
        Standard deviation of the normal proposal.
    plot : bool, optional
        The notebook's plotting helper is not part of this; ``True`` raises
        NotImplementedError.
    mu_prior_mu, mu_prior_sd : float, optional
        The normal prior on the mean.
    rng : numpy.random.Generator or RandomState, optional
        Not in the notebook: draw from this instead of ``np.random``'s
        global state.

    Returns
    -------
    posterior : ndarray of float64
        Length ``samples + 1``, starting with `mu_init`.

    See Also
    --------
    polyfast.sampler : The same function.

    Notes
    -----
    The first notebook version returned a list; ``list(...)`` of this gives
    one.  It works in log space, so large `data` whose product of densities
    underflows in the notebook still gives a valid chain.

    Examples
    --------
    >>> import numpy as np
    >>> from polyfast.notebook import sampler
    >>> np.random.seed(0)
    >>> data = np.random.randn(20)
    >>> posterior = sampler(data, samples=1500, mu_init=1.)
    >>> posterior.shape, posterior[0]
    ((1501,), np.float64(1.0))
    """
    return _sampler(data, samples, mu_init, proposal_width, plot, mu_prior_mu, mu_prior_sd,
                    rng=rng)
