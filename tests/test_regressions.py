"""Regression tests for findings of the reliability work (issue 7).

Each test names the stage that found the bug; .ci/sanitize.sh runs them under
ASan/UBSan, where the C bugs were visible.
"""

import numpy as np
import pytest

import polyfast
from polyfast.notebook import make_fractal, make_fractal_nb


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("level_n", [1, 7, 64, 300])
def test_mandelbrot_int64_min_maxiter(dtype, level_n):
    """UBSan (sanitize stage): the SIMD kernels computed maxiter - 1 for the
    first item's maxiter even when unused, a signed overflow (undefined
    behaviour) for maxiter == -2**63.  Now computed only where used."""
    c = (np.linspace(-2, 1, level_n) + 0.3j).astype(dtype)
    assert not polyfast.mandelbrot(c, np.int64(-(2**63))).any()
    m = np.full(level_n, 10, dtype=np.int64)
    m[0] = -(2**63)
    got = polyfast.mandelbrot(c, m)
    assert got[0] == 0 and (got[1:] >= 1).all()


@pytest.mark.parametrize("func", [make_fractal, make_fractal_nb])
@pytest.mark.parametrize("size, error", [((5,), ValueError), ((5, 5, 5), ValueError),
                                         (5, TypeError), ("ab", TypeError),
                                         ((2**63, 2), ValueError), ((-1, 3), ValueError)])
def test_make_fractal_size_checked(func, size, error):
    """Bad-input sweep: (5,) raised IndexError, (5, 5, 5) was silently accepted
    and (2**63, 2) raised IndexError from deep inside NumPy."""
    with pytest.raises(error, match="size"):
        func(size, 10)
