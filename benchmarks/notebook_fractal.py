"""The lecture notebook's two fractal functions, as the benchmarks' baseline.

Transcribed from the notebook ("Fractal code from week 3"); the line its
export cut is restored as ``np.zeros(size, dtype=np.int64)``.  The loop
version is what the notebook compiles with numba; ``make_fractal_nb_numba``
returns it jitted, or None without numba.
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


def make_fractal_nb_numba():
    """``numba.njit(make_fractal_nb)``, compiled and warmed up, or None."""
    try:
        import numba
    except ImportError:
        return None
    jitted = numba.njit(make_fractal_nb)
    jitted((8, 8), 3)
    return jitted
