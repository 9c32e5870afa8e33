"""The lecture notebook's Metropolis sampler; the chain runs in C (polyfast._core)."""

import math
import operator
import sys
import threading
import types

import numpy as np

from polyfast._core import _legacy_gauss_field, _sampler

__all__ = ["sampler"]

# Relative width of the tie zone: a step whose log(u) lies within
# _TIE_MARGIN * (the size of the log-densities involved) of the log ratio is
# decided by the notebook's own floating-point quantities (_notebook_decision).
# Both the notebook's rounding errors and ours are below 1e-12 of that size.
_TIE_MARGIN = 1e-9

_SQRT_2PI = np.sqrt(2 * np.pi)


def _notebook_norm_pdf(loc, scale, x):
    # The notebook's norm_pdf, operation for operation.
    y = (x - loc) / scale
    return np.exp(-y**2 / 2) / _SQRT_2PI / scale


def _notebook_decision(data, mu_prior_mu, mu_prior_sd):
    """The tie-breaker: the notebook's own `rand() < p_proposal / p_current`.

    Returns None when one of the notebook's products is not a normal finite
    float (underflow): the notebook's ratio is then meaningless and the
    chain keeps its log-space decision.
    """

    def decide(mu_current, mu_proposal, u):
        try:
            with np.errstate(all="ignore"):
                likelihood_current = np.prod(_notebook_norm_pdf(mu_current, 1, data))
                likelihood_proposal = np.prod(_notebook_norm_pdf(mu_proposal, 1, data))
                prior_current = _notebook_norm_pdf(mu_prior_mu, mu_prior_sd, mu_current)
                prior_proposal = _notebook_norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal)
                p_current = likelihood_current * prior_current
                p_proposal = likelihood_proposal * prior_proposal
                p_accept = p_proposal / p_current
        except OverflowError:
            # Python float `y**2` of a prior term overflows (e.g. mu_prior_mu
            # = 1e200): the notebook's prior is not representable either.
            return None
        tiny = sys.float_info.min
        for value in (likelihood_current, likelihood_proposal, prior_current,
                      prior_proposal, p_current, p_proposal, p_accept):
            if not (tiny <= value <= sys.float_info.max):
                return None
        return bool(u < p_accept)

    return decide


# Reading and writing RandomState's cached Gaussian through get_state() and
# set_state() copies the whole 624-word MT19937 key each way; the C glue can
# do it with a stand-in `_bit_generator` instead (see src/mcmc/sampler_glue.c).
# Checked once against the plain round trip on a private RandomState.
_fast_legacy_state = None
_fast_legacy_lock = threading.Lock()


def _use_fast_legacy_state():
    global _fast_legacy_state
    if _fast_legacy_state is None:
        with _fast_legacy_lock:
            if _fast_legacy_state is None:
                _fast_legacy_state = _check_fast_legacy_state()
    return _fast_legacy_state


def _legacy_state_equal(a, b):
    return (a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2] == b[2]
            and a[3] == b[3] and a[4] == b[4])


def _check_fast_legacy_state():
    if getattr(sys, "_is_gil_enabled", lambda: True)() is False:
        return False  # the swap relies on the GIL to be invisible to other threads
    data = np.array([0.1, -0.3, 0.7])
    try:
        for samples, prime in ((3, False), (3, True), (4, False), (4, True), (0, True)):
            results = []
            for proxy in (None, types.SimpleNamespace()):
                rs = np.random.RandomState(12345)
                if prime:
                    rs.standard_normal()  # leaves a cached Gaussian
                chain = _sampler(data, samples, 0.5, 0.5, 0.0, 1.0, rs, True, proxy,
                                 None, 0.0)
                results.append((chain, rs.get_state()))
                if not isinstance(rs._bit_generator, np.random.MT19937):
                    return False
            (chain_a, state_a), (chain_b, state_b) = results
            if not (np.array_equal(chain_a, chain_b) and _legacy_state_equal(state_a, state_b)):
                return False
    except Exception:
        return False
    return True


# A RandomState's cached Gaussian is read and written in its own private
# field (src/mcmc/legacy_gauss.h) once this check, run once on a RandomState
# of our own, found that field to be what set_state() writes and get_state()
# reads.  The RandomState shares the caller's bit generator but never draws:
# its `_bit_generator` is a stand-in while set_state() and get_state() run,
# so they touch only the cached Gaussian (and it is visible to no other
# thread, with or without the GIL).  A few microseconds, once.
_gauss_field = None
_gauss_field_lock = threading.Lock()


def _use_gauss_field(bit_generator):
    global _gauss_field
    if _gauss_field is None:
        with _gauss_field_lock:
            if _gauss_field is None:
                _gauss_field = _check_gauss_field(bit_generator)
    return _gauss_field


def _check_gauss_field(bit_generator):
    try:
        scratch = np.random.RandomState(bit_generator)
        stand_in = types.SimpleNamespace()
        scratch._bit_generator = stand_in
        for has_gauss, gauss in ((1, 0.8125), (0, 0.0), (1, -2.5e-300), (1, 7.0e300)):
            scratch.set_state({"bit_generator": "MT19937", "state": {},
                               "has_gauss": has_gauss, "gauss": gauss})
            if _legacy_gauss_field(scratch, bit_generator) != (has_gauss, gauss):
                return False
            written = (1 - has_gauss, -1.0 - gauss)
            _legacy_gauss_field(scratch, bit_generator, *written)
            stand_in.state = {"bit_generator": "MT19937"}
            state = scratch.get_state(legacy=False)
            if (state["has_gauss"], state["gauss"]) != written:
                return False
    except Exception:
        return False
    return True


# The chain reads an exact MT19937 bit generator's state directly under a
# RandomState, and an exact PCG64's under a Generator (their layouts are
# NumPy's, private: src/mcmc/mt19937_stream.h, pcg64_stream.h) once the C glue
# has checked it on this process's first real draws: until then, and for good
# if it ever differs, the chain draws through NumPy's function pointers
# (_sampler's direct_mt=2; _core._sampler_checks() and _generator_checks() say
# where the checks are).
_DIRECT_CHECKED = 2


def _as_finite_float(value, name):
    if type(value) is float and math.isfinite(value):  # the common case, fast
        return value
    if type(value) is int and -2**53 <= value <= 2**53:  # the defaults, fast and exact
        return float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"sampler() argument '{name}' must be a real number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"sampler() argument '{name}' must be finite, got {value!r}")
    return value


def _as_positive_float(value, name):
    if type(value) is float and 0 < value < math.inf:
        return value
    value = _as_finite_float(value, name)
    if not value > 0:
        raise ValueError(f"sampler() argument '{name}' must be > 0, got {value!r}")
    return value


_FLOAT64 = np.dtype(np.float64)


def _as_data(data):
    if not isinstance(data, np.ndarray):
        try:
            data = np.asarray(data)
        except (ValueError, TypeError) as exc:
            raise TypeError(
                f"sampler() argument 'data' must be an array of real numbers: {exc}") from None
    if data.dtype.kind not in "iuf":
        raise TypeError(
            f"sampler() argument 'data' must hold real numbers, not dtype {data.dtype}")
    if data.dtype != np.float64 or not data.flags.aligned or not data.dtype.isnative:
        data = data.astype(np.float64)
    return data


def sampler(data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0,
            mu_prior_sd=1., *, rng=None):
    """Metropolis sampler for the mean of normal data, the chain in C.

    The lecture notebook's ``sampler``: a random-walk Metropolis chain for the
    mean ``mu`` of ``data`` ~ Normal(mu, 1) with a Normal(mu_prior_mu,
    mu_prior_sd) prior. Each step draws ``np.random.normal(mu_current,
    proposal_width)`` then ``np.random.rand()`` and accepts when
    ``rand() < p_proposal / p_current``, exactly as the notebook does.

    The decision is taken in log space from the data's sufficient statistics
    (``n`` and ``sum(data - mean)``), so a step costs O(1) whatever the size of
    ``data``, and data whose product of densities underflows to 0 in the
    notebook (a few hundred points or more) still gives a valid chain. When
    ``log(u)`` is within rounding (1e-9 relative) of the log ratio, the step
    is decided by the notebook's own floating-point products, so that seeded
    runs give the notebook's chain exactly whenever its products are
    representable.

    Parameters
    ----------
    data : array_like
        Real and finite, of any shape: every element is a data point, as in
        the notebook's ``np.prod(norm_pdf(mu, 1, data))``; converted to
        float64.
    samples : int, optional
        Number of steps, ``>= 0``.
    mu_init : float, optional
        Starting point of the chain.
    proposal_width : float, optional
        Standard deviation of the normal proposal, ``> 0``.
    plot : bool, optional
        The notebook's plots; ``True`` raises NotImplementedError.
    mu_prior_mu, mu_prior_sd : float, optional
        Mean and standard deviation (``> 0``) of the normal prior on ``mu``.
    rng : None, numpy.random.Generator or numpy.random.RandomState, optional
        ``None`` draws from NumPy's global legacy state (``np.random.seed``),
        consuming it exactly as the notebook does and leaving it, including
        the cached Gaussian of ``np.random.get_state()``, where the notebook
        would. A ``Generator`` gives the chain of the notebook's code with
        ``rng.normal(...)`` and ``rng.random()``; a ``RandomState`` that of
        its ``normal`` and ``rand``.

    Returns
    -------
    posterior : ndarray
        float64, length ``samples + 1``; ``posterior[0] == mu_init``.

    See Also
    --------
    norm_pdf : The density the notebook's sampler evaluates.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> np.random.seed(0)
    >>> data = np.random.randn(20)
    >>> chain = polyfast.sampler(data, samples=1500, mu_init=1.)
    >>> chain.shape, chain[0]
    ((1501,), np.float64(1.0))
    >>> np.random.seed(0); data = np.random.randn(20)
    >>> bool((polyfast.sampler(data, samples=1500, mu_init=1.) == chain).all())
    True
    >>> rng = np.random.default_rng(42)
    >>> big = rng.normal(0.3, 1.0, size=1_000_000)  # the notebook's product is 0
    >>> chain = polyfast.sampler(big, samples=2000, proposal_width=0.01, rng=rng)
    >>> bool(abs(chain[1000:].mean() - 0.3) < 0.01)
    True
    """
    if plot:
        raise NotImplementedError(
            "sampler(plot=True): the notebook's per-step plots are not implemented; "
            "plot the returned chain instead (e.g. plt.plot(chain) or plt.hist(chain))")
    if type(samples) is not int:
        if isinstance(samples, (bool, np.bool_)):
            raise TypeError("sampler() argument 'samples' must be an integer, not bool")
        try:
            samples = operator.index(samples)
        except TypeError:
            raise TypeError(
                f"sampler() argument 'samples' must be an integer, not {type(samples).__name__}"
            ) from None
    if samples < 0:
        raise ValueError(f"sampler() argument 'samples' must be >= 0, got {samples}")
    mu_init = _as_finite_float(mu_init, "mu_init")
    proposal_width = _as_positive_float(proposal_width, "proposal_width")
    mu_prior_mu = _as_finite_float(mu_prior_mu, "mu_prior_mu")
    mu_prior_sd = _as_positive_float(mu_prior_sd, "mu_prior_sd")

    flat = type(data) is np.ndarray and data.dtype is _FLOAT64 and data.ndim == 1
    if not (flat and data.flags.aligned):
        data = _as_data(data)

    if rng is None:
        rng = np.random.mtrand._rand
        legacy = True
    elif isinstance(rng, np.random.Generator):
        legacy = False
    elif isinstance(rng, np.random.RandomState):
        legacy = True
    else:
        raise TypeError(
            "sampler() argument 'rng' must be None, a numpy.random.Generator or a "
            f"numpy.random.RandomState, not {type(rng).__name__}")
    proxy = None
    field = False
    if legacy:
        field = _gauss_field or (_gauss_field is None and _use_gauss_field(rng._bit_generator))
        if not field and (_fast_legacy_state
                          or (_fast_legacy_state is None and _use_fast_legacy_state())):
            proxy = types.SimpleNamespace()
    # The tie-breaker sees the data as given (the notebook's product runs over
    # it as NumPy iterates it); the chain needs only the flat values.
    tie = _notebook_decision(data, mu_prior_mu, mu_prior_sd)
    return _sampler(data if flat else data.reshape(-1), samples, mu_init, proposal_width, mu_prior_mu, mu_prior_sd,
                    rng, legacy, proxy, tie, _TIE_MARGIN, _DIRECT_CHECKED, field)
