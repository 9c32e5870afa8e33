"""Slow references for the Mandelbrot tests.

* ``make_fractal`` and ``make_fractal_nb``: our transcription of the lecture
  notebook's two fractal functions (``seeds/000_...``, "Fractal code from week
  3"), character for character except for the line the notebook's export cut
  (``it_matrix = np.zeros(size,`` -> ``np.zeros(size, dtype=np.int64)``).
  The loop version is pure Python here, usable on small grids only;
  ``make_fractal_nb_vectorized`` runs the same per-element updates with masks
  (each element's history is independent of the others, so the result is the
  same element for element, which test_mandelbrot checks on small grids) and
  ``make_fractal_nb_numba`` is the notebook's loop compiled by numba when it is
  installed.
* ``mandelbrot_point`` and ``mandelbrot_model``: the API's definition of
  ``mandelbrot(c, maxiter)``, one rounding per operation, in pure Python
  scalars (float64, or NumPy float32 scalars) and vectorized with one NumPy
  ufunc call per operation.  Neither can fuse a multiply-add.
"""

import numpy as np


def make_fractal(size, iterations):
    x = np.linspace(-2, 2, size[0]).reshape(1, -1)
    y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
    c = x + y * 1j
    z = np.zeros_like(c)
    it_matrix = np.zeros(size, dtype=np.int64)
    for n in range(iterations):
        z = z**2 + c
        it_matrix[np.abs(z) < 2] = n
    return it_matrix


def make_fractal_nb(size, iterations):
    x = np.linspace(-2, 2, size[0]).reshape(1, -1)
    y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
    c = x + y * 1j
    z = np.zeros_like(c)
    it_matrix = np.zeros(size, dtype=np.int64)
    for n in range(iterations):
        for i in range(size[0]):
            for j in range(size[1]):
                if np.abs(z[i, j]) < 2:
                    z[i, j] = z[i, j] ** 2 + c[i, j]
                    it_matrix[i, j] = n
    return it_matrix


def make_fractal_any_shape(size, iterations):
    """`make_fractal` with ``it_matrix`` shaped ``(size[1], size[0])``, like
    ``c``: the notebook's algorithm on non-square sizes, where its own
    ``np.zeros(size, ...)`` makes the boolean index fail."""
    x = np.linspace(-2, 2, size[0]).reshape(1, -1)
    y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
    c = x + y * 1j
    z = np.zeros_like(c)
    it_matrix = np.zeros((size[1], size[0]), dtype=np.int64)
    for n in range(iterations):
        z = z**2 + c
        it_matrix[np.abs(z) < 2] = n
    return it_matrix


def make_fractal_nb_vectorized(size, iterations):
    """`make_fractal_nb` with the two inner loops as one masked update
    (``it_matrix`` shaped like ``c``, so non-square sizes work too)."""
    x = np.linspace(-2, 2, size[0]).reshape(1, -1)
    y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
    c = x + y * 1j
    z = np.zeros_like(c)
    it_matrix = np.zeros((size[1], size[0]), dtype=np.int64)
    for n in range(iterations):
        inside = np.abs(z) < 2
        z[inside] = z[inside] ** 2 + c[inside]
        it_matrix[inside] = n
    return it_matrix


def zoom(center, width, n, dtype=np.complex128):
    """An ``n`` x ``n`` grid of half-width ``width`` around ``center``."""
    x = center.real + np.linspace(-width, width, n).reshape(1, -1)
    y = center.imag + np.linspace(-width, width, n).reshape(-1, 1)
    return (x + y * 1j).astype(dtype)


def grid(size, dtype=np.complex128):
    """The notebook's ``c``, shape ``(size[1], size[0])``."""
    x = np.linspace(-2, 2, size[0]).reshape(1, -1)
    y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
    return (x + y * 1j).astype(dtype)


def make_fractal_nb_numba():
    """The notebook's loop version compiled by ``numba.njit``, or None."""
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(make_fractal_nb)


def mandelbrot_point(c, maxiter, dtype=np.float64):
    """The API's definition for one point, one operation at a time.

    float64 uses Python floats (IEEE double, never fused); float32 uses NumPy
    float32 scalars, whose arithmetic rounds to float32 after each operation.
    """
    maxiter = int(maxiter)
    if maxiter < 1:
        return 0
    if dtype == np.float64:
        cr, ci = float(c.real), float(c.imag)
        zr = zi = 0.0
        four = 4.0
    else:
        cr, ci = np.float32(c.real), np.float32(c.imag)
        zr = zi = np.float32(0)
        four = np.float32(4)
    with np.errstate(all="ignore"):
        for k in range(1, maxiter):
            rr = zr * zr
            ii = zi * zi
            ri = zr * zi
            zr = (rr - ii) + cr
            zi = (ri + ri) + ci
            if zr * zr + zi * zi >= four:
                return k
    return maxiter


def mandelbrot_model(c, maxiter):
    """The API's definition on arrays: one ufunc call per operation.

    ``c`` complex64 iterates in float32, otherwise in float64; ``maxiter`` is
    an integer or an array broadcast against ``c``.
    """
    c = np.asarray(c)
    ftype = np.float32 if c.dtype == np.complex64 else np.float64
    c = c.astype(np.complex64 if ftype == np.float32 else np.complex128)
    c, maxiter = np.broadcast_arrays(c, np.asarray(maxiter, dtype=np.int64))
    cr = np.ascontiguousarray(c.real, dtype=ftype)
    ci = np.ascontiguousarray(c.imag, dtype=ftype)
    maxiter = np.ascontiguousarray(maxiter)
    result = np.where(maxiter < 1, 0, maxiter).astype(np.int64)
    zr = np.zeros_like(cr)
    zi = np.zeros_like(ci)
    running = maxiter > 1
    top = int(maxiter.max(initial=0))
    with np.errstate(all="ignore"):
        for k in range(1, top):
            running &= k < maxiter
            if not running.any():
                break
            rr = np.multiply(zr, zr)
            ii = np.multiply(zi, zi)
            ri = np.multiply(zr, zi)
            zr = np.add(np.subtract(rr, ii), cr)
            zi = np.add(np.add(ri, ri), ci)
            escaped = running & (np.add(np.multiply(zr, zr), np.multiply(zi, zi)) >= 4)
            result[escaped] = k
            running &= ~escaped
    return result
