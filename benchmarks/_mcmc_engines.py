"""The sampler engines the MCMC benchmarks compare, in one place.

- numpy: the notebook's final NumPy sampler (tests/reference_mcmc.py's
  transcription, repeated here so the benchmarks stand alone);
- numba: the same source under numba.njit (np.random inside numba has its own
  state: only the time is comparable).  error_model="numpy", so that 0/0
  (both products underflow, as they do for 10^5 points) gives nan as in
  NumPy instead of raising ZeroDivisionError as the notebook's plain @njit
  does;
- polyfast: polyfast.sampler, drawing from NumPy's global state (rng=None) or
  from a Generator.
"""

import numpy as np

import polyfast


def norm_pdf(loc, scale, x):
    y = (x - loc) / scale
    return np.exp(-y**2/2)/np.sqrt(2*np.pi) / scale


def sampler(data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0, mu_prior_sd=1.):
    mu_current = mu_init
    posterior = np.empty(samples+1)
    posterior[0] = mu_current
    for i in range(samples):
        mu_proposal = np.random.normal(mu_current, proposal_width)
        likelihood_current = np.prod(norm_pdf(mu_current, 1, data))
        likelihood_proposal = np.prod(norm_pdf(mu_proposal, 1, data))
        prior_current = norm_pdf(mu_prior_mu, mu_prior_sd, mu_current)
        prior_proposal = norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal)
        p_current = likelihood_current * prior_current
        p_proposal = likelihood_proposal * prior_proposal
        p_accept = p_proposal / p_current
        accept = np.random.rand() < p_accept
        if accept:
            mu_current = mu_proposal
        posterior[i+1] = mu_current
    return posterior


def numba_sampler():
    """The notebook's numba version (njit of the same source), compiled and
    warmed up, or None without numba."""
    try:
        import numba
    except ImportError:
        return None
    import types

    nb_norm_pdf = numba.njit(error_model="numpy")(norm_pdf)
    glb = dict(sampler.__globals__, norm_pdf=nb_norm_pdf)
    func = types.FunctionType(sampler.__code__, glb, "sampler", sampler.__defaults__)
    jitted = numba.njit(error_model="numpy")(func)
    jitted(np.zeros(3), samples=2, mu_init=1.)  # compile
    return jitted


def engines():
    def numpy_sampler(data, samples):
        with np.errstate(all="ignore"):  # 0/0 once the products underflow
            return sampler(data, samples=samples, mu_init=1.)

    out = {
        "numpy": numpy_sampler,
        "polyfast": lambda data, samples: polyfast.sampler(data, samples=samples, mu_init=1.),
    }
    rng = np.random.default_rng(0)
    out["polyfast (Generator)"] = lambda data, samples: polyfast.sampler(
        data, samples=samples, mu_init=1., rng=rng)
    jitted = numba_sampler()
    if jitted is not None:
        out["numba"] = lambda data, samples: jitted(data, samples=samples, mu_init=1.)
    return out


# (label, number of data points, samples)
CASES = [("1500 x 20", 20, 1500), ("1500 x 10^5", 100_000, 1500)]


def case_data(n):
    return np.random.default_rng(1).normal(size=n)
