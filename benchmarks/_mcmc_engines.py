"""The sampler engines the MCMC benchmarks compare, in one place.

- numpy: the notebook's final NumPy sampler (`polyfast.bench.baselines.sampler`);
- numba: the same source under numba.njit (`polyfast.bench.baselines.sampler_numba`;
  np.random inside numba has its own state: only the time is compared here);
- polyfast: polyfast.sampler, drawing from NumPy's global state (rng=None) or
  from a Generator.
"""

import numpy as np

import polyfast
from polyfast.bench import baselines


def engines():
    def numpy_sampler(data, samples):
        with np.errstate(all="ignore"):  # 0/0 once the products underflow
            return baselines.sampler(data, samples=samples, mu_init=1.)

    out = {
        "numpy": numpy_sampler,
        "polyfast": lambda data, samples: polyfast.sampler(data, samples=samples, mu_init=1.),
    }
    rng = np.random.default_rng(0)
    out["polyfast (Generator)"] = lambda data, samples: polyfast.sampler(
        data, samples=samples, mu_init=1., rng=rng)
    try:
        jitted = baselines.sampler_numba()
    except ImportError:
        return out
    jitted(np.zeros(3), samples=2, mu_init=1.)  # compile
    out["numba"] = lambda data, samples: jitted(data, samples=samples, mu_init=1.)
    return out


# (label, number of data points, samples)
CASES = [("1500 x 20", 20, 1500), ("1500 x 10^5", 100_000, 1500)]


def case_data(n):
    return np.random.default_rng(1).normal(size=n)
