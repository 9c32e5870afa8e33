"""The lecture notebook's own code, the baselines polyfast is timed against.

One transcription of the notebook (``seeds/000_...``) for ``python -m
polyfast`` and the scripts in ``benchmarks/``: its polynomial in pure Python,
NumPy, numexpr and numba, its bump finder in pure Python and numba, its two
fractal functions (the loop one also under numba) and its final NumPy sampler
(also under numba); plus the inputs the notebook uses, seeded.  The tests do
not use this module: ``tests/reference*.py`` are their own, independent
transcriptions.

numexpr and numba are optional and imported inside the functions that need
them, never at import; ``import polyfast`` does not import this module.

Lines the notebook's export cut are rebuilt as follows:

* ``numba.vectorize([numba.double(numba.double)],`` is completed with
  ``target='parallel')(f_numpy)`` (and ``(f_nest_numpy)``), which the
  notebook's words ("a parallel UFunc") and timings (level with
  ``jit(parallel=True)``) point to;
* the ``@numba.jit(...)`` of ``pv_locations`` ends with ``nopython=True)``;
* ``it_matrix = np.zeros(size,`` is ``np.zeros(size, dtype=np.int64)``, as in
  ``make_fractal_nb``.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np

#: Seed of the notebook's random inputs (the notebook draws them unseeded).
SEED = 0

# --------------------------------------------------------------------------
# The polynomial y = x + x**2 + ... + x**8
# --------------------------------------------------------------------------

#: The notebook's polynomial as the string it hands to ``numexpr.evaluate``.
NUMEXPR_POLY = "x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8"


def notebook_vector(size: int = 1_000_000, dtype: Any = np.float64,
                    seed: int = SEED) -> np.ndarray:
    """The notebook's input: ``np.random.normal(size=size)``, seeded.

    Drawn from the legacy generator the notebook uses, as after
    ``np.random.seed(seed)``, then cast to `dtype`.

    Examples
    --------
    >>> notebook_vector(3, seed=0)
    array([1.76405235, 0.40015721, 0.97873798])
    """
    return np.random.RandomState(seed).normal(size=size).astype(dtype, copy=False)


def f_simple(xarr):
    """The notebook's ``f_simple``: a Python loop over the elements."""
    yarr = np.empty_like(xarr)
    for i in range(len(xarr)):
        x = xarr[i]
        yarr[i] = x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8
    return yarr


def f_numpy(x):
    """The notebook's ``f_numpy``: the sum of powers, one temporary per term."""
    return x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8


def f_nest_numpy(x):
    """The notebook's ``f_nest_numpy``: Horner's rule in NumPy."""
    return x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x)))))))


def f_mem_numpy(x):
    """The notebook's ``f_mem_numpy``: Horner's rule in place, one allocation."""
    y = x.copy()
    for _ in range(7):
        y += 1
        y *= x
    return y


def f_numexper(x):
    """The notebook's ``f_numexper``: `NUMEXPR_POLY` by ``numexpr.evaluate``.

    numexpr is imported here, on first call (``ImportError`` when absent);
    ``evaluate`` reads ``x`` from this frame, as in the notebook.
    """
    import numexpr

    return numexpr.evaluate(NUMEXPR_POLY)


#: The notebook's numba versions, by name (see `numba_notebook_function`).
NUMBA_FUNCTIONS = (
    "f_numba_simple",
    "f_numba_nest",
    "f_numba_simple_ufunc",
    "f_numba_nest_ufunc",
    "f_numba_nest_ufunc_cpu",
    "f_numba_parallel",
)


def numba_notebook_function(name: str, float32: bool = False) -> Callable:
    """Build one of the notebook's numba versions of the polynomial.

    numba is imported here (``ImportError`` when absent).  ``numba.jit``
    compiles lazily, on the first call; ``numba.vectorize`` with a signature
    compiles here.  ``f_numba_nest_ufunc_cpu`` is ``f_numba_nest_ufunc`` with
    numba's default, single-threaded ``target='cpu'`` (not in the notebook).

    Parameters
    ----------
    name : str
        One of `NUMBA_FUNCTIONS`.
    float32 : bool, optional
        Give the vectorized ufuncs a float32 loop besides the notebook's
        float64 one (without it, float32 input is computed and returned in
        float64); float64 input still takes the float64 loop.

    Returns
    -------
    callable
        A numba dispatcher or ``numba`` ufunc taking the array ``x``.
    """
    import numba

    signatures = [numba.double(numba.double)]
    if float32:  # first: NumPy takes the first loop the input casts to safely
        signatures.insert(0, numba.float32(numba.float32))
    recipes = {
        "f_numba_simple": lambda: numba.jit(f_numpy),
        "f_numba_nest": lambda: numba.jit(f_nest_numpy),
        "f_numba_simple_ufunc": lambda: numba.vectorize(signatures, target="parallel")(f_numpy),
        "f_numba_nest_ufunc": lambda: numba.vectorize(signatures, target="parallel")(f_nest_numpy),
        "f_numba_nest_ufunc_cpu": lambda: numba.vectorize(signatures, target="cpu")(f_nest_numpy),
        "f_numba_parallel": lambda: numba.jit(nopython=True, parallel=True)(f_numpy),
    }
    return recipes[name]()


# --------------------------------------------------------------------------
# The bump finder
# --------------------------------------------------------------------------

#: The notebook's bump parameters (``threshold``, ``integral_threshold``,
#: ``min_width``) and the shape of its training sample (events x bins).
THRESHOLD = 1e-2
INTEGRAL_THRESHOLD = 0.2
MIN_WIDTH = 3
BUMP_PARAMS = (THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
EVENTS, BINS = 10_000, 4000
BUMP_SEED = 2024


def realistic_events(rows: int, bins: int = BINS, *, seed: int = 0, dtype=np.float32):
    """Rows of mostly zeros with 1-20 Gaussian bumps each.

    Each bump has a height in [0.05, 1] and a sigma in [0.75, 3.75] bins (a
    full width at 2 sigma of 3 to 15 bins), drawn over +-6 sigma; bumps may
    overlap.  With the notebook's parameters (`BUMP_PARAMS`) a good share of
    them are kept and a good share rejected.  Summed in float64, a block of
    rows at a time, then cast to `dtype`.
    """
    rng = np.random.default_rng(seed)
    nbumps = rng.integers(1, 21, size=rows)
    total = int(nbumps.sum())
    row_of = np.repeat(np.arange(rows), nbumps)
    centers = rng.uniform(0, bins, size=total)
    sigmas = rng.uniform(0.75, 3.75, size=total)
    heights = rng.uniform(0.05, 1.0, size=total)
    offsets = np.arange(-23, 24)
    out = np.empty((rows, bins), dtype=dtype)
    first = np.concatenate(([0], np.cumsum(nbumps)))  # bumps of row r: first[r]:first[r+1]
    block = max(1, (1 << 22) // max(bins, 1))  # rows per float64 buffer of 32 MB
    for start in range(0, rows, block):
        stop = min(start + block, rows)
        b = slice(first[start], first[stop])
        cols = np.floor(centers[b])[:, None].astype(np.int64) + offsets[None, :]
        vals = heights[b, None] * np.exp(
            -0.5 * ((cols - centers[b, None]) / sigmas[b, None]) ** 2)
        inside = (cols >= 0) & (cols < bins)
        acc = np.zeros((stop - start, bins), dtype=np.float64)
        rows_of = np.broadcast_to(row_of[b, None] - start, cols.shape)
        np.add.at(acc, (rows_of[inside], cols[inside]), vals[inside])
        out[start:stop] = acc
    return out


def bump_data(events: int = EVENTS, bins: int = BINS) -> np.ndarray:
    """The bump benchmarks' input: ``events x bins`` float32, seeded."""
    return realistic_events(events, bins, seed=BUMP_SEED, dtype=np.float32)


def pv_locations(targets, threshold, integral_threshold, min_width):
    """The notebook's ``pv_locations``, as plain Python (without its numba.jit)."""
    state = 0
    integral = 0.0
    sum_weights_locs = 0.0

    # Make an empty array and manually track the size (faster than python array)
    items = np.empty(150, np.float32)
    nitems = 0

    for i in range(len(targets)):
        if targets[i] >= threshold:
            state += 1
            integral += targets[i]
            sum_weights_locs += i * targets[i]  # weight times location

        if (targets[i] < threshold or i == len(targets)-1) and state > 0:

            # Record only if
            if state >= min_width and integral >= integral_threshold:
                items[nitems] = sum_weights_locs / integral
                nitems += 1

            # reset state
            state = 0
            integral = 0.0
            sum_weights_locs = 0.0

    return items[:nitems]


def pv_locations_numba() -> Callable:
    """The notebook's ``pv_locations`` under its ``numba.jit`` (compiled here).

    The notebook's decorator: the float32 signature, float32 locals.
    """
    import numba

    return numba.jit(numba.float32[:](numba.float32[:], numba.float32, numba.float32, numba.int32),
                     locals={"integral": numba.float32, "sum_weights_locs": numba.float32},
                     nopython=True)(pv_locations)


def pv_locations_rows(fn: Callable, data: np.ndarray, params=BUMP_PARAMS) -> list:
    """``[fn(row, *params) for row in data]``: the notebook's use, one event at a time."""
    return [fn(row, *params) for row in data]


# --------------------------------------------------------------------------
# The fractal
# --------------------------------------------------------------------------

#: The notebook's fractal: grid size and iterations.
FRACTAL_SIZE, FRACTAL_ITERATIONS = (500, 500), 50


def make_fractal(size, iterations):
    """The notebook's NumPy ``make_fractal`` (warns on overflow, as it does)."""
    x = np.linspace(-2,2,size[0]).reshape(1,-1)
    y = np.linspace(-2,2,size[1]).reshape(-1,1)
    c = x + y*1j
    z = np.zeros_like(c)
    it_matrix = np.zeros(size, dtype=np.int64)
    for n in range(iterations):
        z = z**2 + c
        it_matrix[np.abs(z) < 2] = n
    return it_matrix


def make_fractal_quiet(size, iterations):
    """`make_fractal` with NumPy's overflow warnings silenced."""
    with np.errstate(all="ignore"):
        return make_fractal(size, iterations)


def make_fractal_nb(size, iterations):
    """The notebook's loop ``make_fractal_nb`` (plain Python: slow; see below)."""
    x = np.linspace(-2,2,size[0]).reshape(1,-1)
    y = np.linspace(-2,2,size[1]).reshape(-1,1)
    c = x + y*1j
    z = np.zeros_like(c)
    it_matrix = np.zeros(size, dtype=np.int64)
    for n in range(iterations):
        for i in range(size[0]):
            for j in range(size[1]):
                if np.abs(z[i,j]) < 2:
                    z[i,j] = z[i,j]**2 + c[i,j]
                    it_matrix[i, j] = n
    return it_matrix


def make_fractal_nb_numba() -> Callable:
    """``numba.njit(make_fractal_nb)``, compiled here (on a tiny grid)."""
    import numba

    jitted = numba.njit(make_fractal_nb)
    jitted((8, 8), 3)
    return jitted


# The notebook's Cython cell (``%%cython`` under "Cython: A new language"),
# compiled by `f_cython_build` when Cython and a C compiler are present.
F_CYTHON_SOURCE = """\
# cython: boundscheck=False, wraparound=False, cdivision=True

import numpy as np

def f_cython(double[:] xarr):
    y_arr = np.empty([len(xarr)])
    cdef double[:] y = y_arr
    cdef int i
    cdef double x
    for i in range(xarr.shape[0]):
        x = xarr[i]
        y[i] = x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x*(1 + x)))))))
    return y
"""


def f_cython_build(cache_dir: str | None = None) -> Callable:
    """The notebook's ``f_cython``, compiled once and cached.

    The module is built with pyximport (Cython's own on-the-fly builder) in
    `cache_dir` (default ``~/.cache/polyfast/cython``), whose file name
    carries a hash of the source: a second run imports the cached build.

    Raises
    ------
    ImportError
        When Cython (or setuptools, which pyximport builds with) is missing,
        or when the build fails (no C compiler): the engine is then skipped.
    """
    import hashlib
    import importlib
    import os
    import sys

    import pyximport  # Cython's

    digest = hashlib.sha256(F_CYTHON_SOURCE.encode()).hexdigest()[:12]
    name = f"polyfast_f_cython_{digest}"
    cache = cache_dir or os.path.join(os.path.expanduser("~"), ".cache", "polyfast", "cython")
    os.makedirs(cache, exist_ok=True)
    source = os.path.join(cache, name + ".pyx")
    if not os.path.exists(source):
        with open(source, "w", encoding="utf-8") as f:
            f.write(F_CYTHON_SOURCE)
    pyximport.install(build_dir=os.path.join(cache, "build"), language_level=3,
                      inplace=False)
    sys.path.insert(0, cache)
    try:
        module = importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - a failed build means "cannot run here"
        raise ImportError(f"the notebook's Cython cell did not build: {exc}") from exc
    finally:
        sys.path.remove(cache)
    return module.f_cython


# --------------------------------------------------------------------------
# The MCMC sampler
# --------------------------------------------------------------------------

def norm_pdf(loc, scale, x):
    """The notebook's ``norm_pdf``, replacing ``scipy.stats.norm(loc, scale).pdf(x)``."""
    y = (x - loc) / scale
    return np.exp(-y**2/2)/np.sqrt(2*np.pi) / scale


def sampler_scipy(data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0,
                  mu_prior_sd=1.):
    """The notebook's first sampler: ``scipy.stats.norm`` objects, a list.

    Its draws come from NumPy's global state (``norm(...).rvs()`` and
    ``np.random.rand()``), in the same order as the final version's, so after
    the same seed the two chains agree.
    """
    from scipy.stats import norm

    mu_current = mu_init
    posterior = [mu_current]
    for i in range(samples):
        # suggest new position
        mu_proposal = norm(mu_current, proposal_width).rvs()

        # Compute likelihood by multiplying probabilities of each data point
        likelihood_current = norm(mu_current, 1).pdf(data).prod()
        likelihood_proposal = norm(mu_proposal, 1).pdf(data).prod()
        # Compute prior probability of current and proposed mu
        prior_current = norm(mu_prior_mu, mu_prior_sd).pdf(mu_current)
        prior_proposal = norm(mu_prior_mu, mu_prior_sd).pdf(mu_proposal)
        p_current = likelihood_current * prior_current
        p_proposal = likelihood_proposal * prior_proposal
        # Accept proposal?
        p_accept = p_proposal / p_current
        accept = np.random.rand() < p_accept
        if accept:
            # Update position
            mu_current = mu_proposal
        posterior.append(mu_current)
    return posterior


def sampler(data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0,
            mu_prior_sd=1.):
    """The notebook's final sampler: NumPy draws, `norm_pdf`, no list appends."""
    mu_current = mu_init
    posterior = np.empty(samples+1)
    posterior[0] = mu_current
    for i in range(samples):
        # suggest new position
        mu_proposal = np.random.normal(mu_current, proposal_width)

        # Compute likelihood by multiplying probabilities of each data point
        likelihood_current = np.prod(norm_pdf(mu_current, 1, data))
        likelihood_proposal = np.prod(norm_pdf(mu_proposal, 1, data))
        # Compute prior probability of current and proposed mu
        prior_current = norm_pdf(mu_prior_mu, mu_prior_sd, mu_current)
        prior_proposal = norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal)
        p_current = likelihood_current * prior_current
        p_proposal = likelihood_proposal * prior_proposal
        # Accept proposal?
        p_accept = p_proposal / p_current
        accept = np.random.rand() < p_accept
        if accept:
            # Update position
            mu_current = mu_proposal
        posterior[i+1] = mu_current
    return posterior


def sampler_numba() -> Callable:
    """`sampler` under ``numba.njit`` (with `norm_pdf` jitted too), compiled lazily.

    numba's ``np.random`` has its own state, seeded by `numba_seed`, not by
    ``np.random.seed``; it draws the same numbers as NumPy's legacy
    generator.  ``error_model="numpy"``, so that 0/0 (both products
    underflow, as they do for 10^5 data points) gives nan as in NumPy
    instead of raising ZeroDivisionError.
    """
    import numba

    nb_norm_pdf = numba.njit(error_model="numpy")(norm_pdf)
    glb = dict(sampler.__globals__, norm_pdf=nb_norm_pdf)
    func = types.FunctionType(sampler.__code__, glb, "sampler", sampler.__defaults__)
    return numba.njit(error_model="numpy")(func)


def numba_seed() -> Callable[[int], None]:
    """A jitted ``np.random.seed``: seeds numba's own generator."""
    import numba

    @numba.njit
    def seed(s):
        np.random.seed(s)

    return seed


#: The notebook's sampler run: 1500 samples on 20 standard normal points.
SAMPLER_POINTS, SAMPLER_SAMPLES = 20, 1500


def mcmc_data(points: int = SAMPLER_POINTS, seed: int = 1) -> np.ndarray:
    """The sampler's data: ``np.random.randn(points)``, seeded."""
    return np.random.RandomState(seed).standard_normal(points)
