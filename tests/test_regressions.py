"""Regression tests: extreme arguments (maxiter, sizes, priors) that the
sanitizers once caught in the kernels and the drop-ins.

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


@pytest.mark.parametrize("kwargs", [dict(mu_prior_mu=-1e200), dict(mu_prior_mu=1e200),
                                    dict(mu_prior_sd=1e-160)])
@pytest.mark.parametrize("rng", ["generator", "random_state"])
def test_sampler_extreme_prior_no_overflow_error(kwargs, rng):
    """Bad-input sweep (norm_pdf/sampler rows): finite but extreme prior
    parameters raised ``OverflowError: (34, 'Numerical result out of range')``
    from the tie-breaker, whose notebook arithmetic squares a Python float.
    The notebook's prior is then not representable: the tie-breaker now says
    "undecided" and the chain keeps its log-space decision, the chain one gets
    without a tie-breaker."""
    from polyfast._core import _sampler

    data = np.random.default_rng(0).normal(0.4, 1.0, 20)
    make = ((lambda: np.random.default_rng(5)) if rng == "generator"
            else (lambda: np.random.RandomState(5)))
    got = polyfast.sampler(data, 200, rng=make(), **kwargs)
    assert got.shape == (201,) and np.isfinite(got).all()
    prior_mu = kwargs.get("mu_prior_mu", 0.0)
    prior_sd = kwargs.get("mu_prior_sd", 1.0)
    expected = _sampler(data, 200, 0.5, 0.5, prior_mu, prior_sd, make(),
                        rng == "random_state", None, None, 0.0)
    np.testing.assert_array_equal(got, expected)
