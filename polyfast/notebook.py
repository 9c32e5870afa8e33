"""Drop-in twins of the lecture notebook's functions.

Each function here has the name, signature and results of a function of the
notebook (``seeds/000_...``), computed by polyfast's C ufuncs: replace the
notebook's definition by ``from polyfast.notebook import NAME`` and the cells
that call it run unchanged, faster.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, SupportsIndex

import numpy as np
from numpy.typing import NDArray

from polyfast import mandelbrot

__all__ = ["make_fractal", "make_fractal_nb"]

_INT64_MAX = np.iinfo(np.int64).max


# Points per call of the ufunc: the grid is built and post-processed a block of
# rows at a time, in a buffer that stays in cache, instead of as one array of
# 16 bytes per point (64 MB at 2000 x 2000, whose page faults alone cost a
# third of the whole computation); each block is still split over threads.
_BLOCK_POINTS = 1 << 18


def _grid_rows(
    x: NDArray[np.float64], y: NDArray[np.float64], out: NDArray[np.complex128]
) -> NDArray[np.complex128]:
    """Rows ``y`` of the notebook's ``c = x + y*1j``, written into ``out``.

    Assigning the real and imaginary parts gives the same bits as the
    notebook's expression (``y*1j`` is ``(±0, y)`` and adding ``x`` gives
    ``(x, y)``; linspace never yields -0.0), at half the cost; the tests check
    it bit for bit.
    """
    out.real[...] = x
    out.imag[...] = y[:, None]
    return out


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


def _counts(size: tuple[int, int], maxiter: int, shift: int) -> NDArray[np.int64]:
    """``max(mandelbrot(c, maxiter) - shift, 0)`` on the notebook's grid."""
    nx, ny = size
    x = np.linspace(-2, 2, nx)
    y = np.linspace(-2, 2, ny)
    counts = np.empty((ny, nx), dtype=np.int64)
    maxiter = min(maxiter, _INT64_MAX)
    rows = max(1, min(ny, _BLOCK_POINTS // max(nx, 1)))
    c = np.empty((rows, nx), dtype=np.complex128)
    for start in range(0, ny, rows):
        stop = min(start + rows, ny)
        block = counts[start:stop]
        mandelbrot(_grid_rows(x, y[start:stop], c[: stop - start]), maxiter, out=block)
        np.subtract(block, shift, out=block)
        np.maximum(block, 0, out=block)
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
        If `size` does not have two items or has a negative one.

    See Also
    --------
    make_fractal_nb : The notebook's loop version (one more count per point).
    polyfast.mandelbrot : The ufunc underneath.

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
    return _counts((nx, ny), count + 1, 2)


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
        If `size` does not have two items or has a negative one.

    See Also
    --------
    make_fractal : The notebook's NumPy version.
    polyfast.mandelbrot : The ufunc underneath.

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
    return _counts((nx, ny), count, 1)
