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


def overlapping(c, dtype):
    """Complex numbers of dtype whose real parts are the floats of c and whose
    imaginary part is the next float: a view with a stride of one float."""
    floats = np.ascontiguousarray(c.ravel()).astype(dtype).view(dtype(0).real.dtype)
    return np.lib.stride_tricks.as_strided(floats.view(dtype), shape=(floats.size - 1,),
                                           strides=(floats.itemsize,))


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


def mandelbrot_model_compact(c, maxiter):
    """`mandelbrot_model` for one integer ``maxiter``, iterating only the
    points still running (fast when most escape early or few points remain):
    the same operations, one rounding each, on fewer elements."""
    c = np.asarray(c)
    ftype = np.float32 if c.dtype == np.complex64 else np.float64
    c = c.astype(np.complex64 if ftype == np.float32 else np.complex128).ravel()
    maxiter = int(maxiter)
    result = np.full(c.shape, max(maxiter, 0), np.int64)
    if maxiter < 2:
        return result if maxiter < 1 else np.ones(c.shape, np.int64)
    index = np.arange(c.size)
    cr = c.real.astype(ftype)
    ci = c.imag.astype(ftype)
    zr = np.zeros_like(cr)
    zi = np.zeros_like(ci)
    with np.errstate(all="ignore"):
        for k in range(1, maxiter):
            rr = np.multiply(zr, zr)
            ii = np.multiply(zi, zi)
            ri = np.multiply(zr, zi)
            zr = np.add(np.subtract(rr, ii), cr)
            zi = np.add(np.add(ri, ri), ci)
            escaped = np.add(np.multiply(zr, zr), np.multiply(zi, zi)) >= 4
            if escaped.any():
                result[index[escaped]] = k
                keep = ~escaped
                index, cr, ci, zr, zi = index[keep], cr[keep], ci[keep], zr[keep], zi[keep]
                if index.size == 0:
                    break
    return result


def interior_boundary_points(angles, distances, bulb_angles=None):
    """Points on both sides of the boundaries of the main cardioid and of the
    period-2 bulb, at each of `distances` along the normal, for `angles`
    values of the boundary's parameter; then the cusp 1/4 and the junction
    -3/4 approached from many directions at the same distances.

    The cardioid's boundary is c(t) = e^{it}/2 - e^{2it}/4 (multiplier
    e^{it}), with outward normal -i c'(t)/|c'(t)|; the bulb's is
    -1 + e^{it}/4 with normal e^{it}.
    """
    bulb_angles = angles if bulb_angles is None else bulb_angles
    t = np.linspace(0, 2 * np.pi, angles, endpoint=False) + 0.1234
    e = np.exp(1j * t)
    edge = e / 2 - e * e / 4
    tangent = 1j * e / 2 - 1j * e * e / 2
    normal = -1j * tangent / np.abs(tangent)
    sides = np.concatenate([distances, -np.asarray(distances)])
    points = [(edge[:, None] + normal[:, None] * sides[None, :]).ravel()]
    s = np.exp(1j * (np.linspace(0, 2 * np.pi, bulb_angles, endpoint=False) + 0.0567))
    points.append(((-1 + s / 4)[:, None] + s[:, None] * sides[None, :]).ravel())
    directions = np.exp(1j * np.linspace(0, 2 * np.pi, 16, endpoint=False))
    for centre in (0.25, -0.75):
        points.append((centre + directions[:, None] * sides[None, :]).ravel())
        points.append(np.array([centre, np.nextafter(centre, 1), np.nextafter(centre, -1)]))
    return np.concatenate(points)
