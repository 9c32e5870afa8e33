"""The calculations ``python -m polyfast`` times, one `Case` each.

Each case is one calculation of the lecture notebook on the notebook's
inputs, its baseline (the engine speed-ups and result checks refer to) and
its engines: the notebook's own code (`polyfast.bench.baselines`) in pure
Python, NumPy, numexpr and numba, and polyfast.

- `POLY8`: the polynomial on the 1M normal vector; baseline ``f_numpy``.
- `BUMPS`: ``pv_locations`` over 10,000 x 4000 realistic events; the
  notebook has no NumPy version: the baseline is its numba function in a loop
  over rows when numba is installed, else its plain-Python loop run on a few
  rows and extrapolated.
- `FRACTAL`: ``make_fractal((500, 500), 50)``; baseline the NumPy version.
- `ZOOM`: the deep zoom (centre -0.7436439+0.1318259j, width 1e-5, 1000 x
  1000 points, maxiter 5000), where no point lies in the cardioid or the
  bulb; the notebook has no zoom, so the baseline is the ``mandelbrot``
  ufunc on the materialised grid, against ``mandelbrot_grid``.
- `SAMPLER`: 1500 samples on 20 points; baseline the notebook's NumPy
  sampler; "same result" is the same chain after the same seed.

A further calculation is one more `polyfast.bench.timing.Case` in `CASES`:
its inputs, its baseline and its engines.
"""

from __future__ import annotations

import functools

import numpy as np

import polyfast
from polyfast import notebook
from polyfast.bench import baselines, timing
from polyfast.bench.timing import Case, Engine

#: Parts of the input the pure-Python loops run on; their times are
#: extrapolated to the whole input.
F_SIMPLE_PART = 10_000
BUMP_PYTHON_ROWS = 20
SCIPY_SAMPLES = 50


def _numba(name: str, label: str) -> Engine:
    """The notebook's numba function `name`, built when the engine runs."""
    return Engine(f"{name} ({label})", "numba", timing.calls_numba(name),
                  requires="numba", jit=True)


def _same_prefix(result, reference) -> bool:
    """`np.allclose` over the common leading part (an extrapolated engine computes a part)."""
    n = min(len(result), len(reference))
    return bool(np.allclose(result[:n], reference[:n]))


POLY8 = Case(
    name="poly8",
    title="y = x + x**2 + ... + x**8 on the notebook's 1M normal float64 vector",
    inputs=lambda: (baselines.notebook_vector(1_000_000),),
    baseline="f_numpy (NumPy)",
    same=_same_prefix,
    engines=(
        Engine(f"f_simple (Python loop; {F_SIMPLE_PART:,} elements, extrapolated)", "python",
               lambda x: functools.partial(baselines.f_simple, x[:F_SIMPLE_PART]),
               scale=1_000_000 / F_SIMPLE_PART),
        Engine("f_numpy (NumPy)", "numpy", timing.calls(baselines.f_numpy)),
        Engine("f_nest_numpy (NumPy)", "numpy", timing.calls(baselines.f_nest_numpy)),
        Engine("f_mem_numpy (NumPy, in place)", "numpy", timing.calls(baselines.f_mem_numpy)),
        Engine("f_numexper (numexpr)", "numexpr", timing.calls(baselines.f_numexper),
               requires="numexpr", jit=True),
        Engine("f_cython (Cython)", "cython",
               lambda x: functools.partial(baselines.f_cython_build(), x),
               requires="Cython", jit=True),
        _numba("f_numba_simple", "numba.jit(f_numpy)"),
        _numba("f_numba_nest", "numba.jit(f_nest_numpy)"),
        _numba("f_numba_simple_ufunc", "numba.vectorize parallel"),
        _numba("f_numba_nest_ufunc", "numba.vectorize parallel, nested"),
        _numba("f_numba_parallel", "numba.jit(parallel=True)"),
        Engine("polyfast.poly8(x)", "polyfast", timing.calls(polyfast.poly8)),
        Engine("polyfast.poly8(x, out=y)", "polyfast", timing.calls_with_out(polyfast.poly8)),
    ),
)


def _bump_rows(result) -> list:
    """A bump result as one array per row (``(values, offsets)`` is split)."""
    if isinstance(result, tuple):
        values, offsets = result
        return np.split(values, offsets[1:-1])
    return result


def _same_bumps(result, reference) -> bool:
    """Same bumps in every row both cover, locations to float32 precision."""
    a, b = _bump_rows(result), _bump_rows(reference)
    n = min(len(a), len(b))
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-5, atol=0)
               for x, y in zip(a[:n], b[:n]))


def _numba_bump_loop(data):
    fn = baselines.pv_locations_numba()
    return functools.partial(baselines.pv_locations_rows, fn, data)


_BUMP_NUMBA = "pv_locations (notebook's numba.jit), loop over rows"
_BUMP_PYTHON = (f"pv_locations (pure Python), loop over {BUMP_PYTHON_ROWS} rows, "
                "extrapolated")
_PARAMS = baselines.BUMP_PARAMS

BUMPS = Case(
    name="bumps",
    title=(f"pv_locations on {baselines.EVENTS:,} x {baselines.BINS} float32 events "
           "(1-20 Gaussian bumps a row; threshold 1e-2, integral_threshold 0.2, min_width 3)"),
    inputs=lambda: (baselines.bump_data(),),
    baseline=(_BUMP_NUMBA, _BUMP_PYTHON),
    same=_same_bumps,
    engines=(
        Engine(_BUMP_PYTHON, "python",
               lambda d: functools.partial(baselines.pv_locations_rows, baselines.pv_locations,
                                           d[:BUMP_PYTHON_ROWS]),
               scale=baselines.EVENTS / BUMP_PYTHON_ROWS),
        Engine(_BUMP_NUMBA, "numba", _numba_bump_loop, requires="numba", jit=True),
        Engine("polyfast.notebook.pv_locations, loop over rows", "polyfast",
               lambda d: functools.partial(baselines.pv_locations_rows, notebook.pv_locations,
                                           d)),
        Engine("polyfast.notebook.pv_locations(data) (2-D: list of rows)", "polyfast",
               lambda d: functools.partial(notebook.pv_locations, d, *_PARAMS)),
        Engine("polyfast.pv_locations_ragged(data) (values, offsets)", "polyfast",
               lambda d: functools.partial(polyfast.pv_locations_ragged, d, *_PARAMS)),
    ),
)


def _numba_fractal(size, iterations):
    return functools.partial(baselines.make_fractal_nb_numba(), size, iterations)


_FRACTAL_NB_NUMBA = "make_fractal_nb (numba.njit)"
_FRACTAL_NB_POLYFAST = "polyfast.notebook.make_fractal_nb"

FRACTAL = Case(
    name="fractal",
    title=(f"make_fractal({baselines.FRACTAL_SIZE}, {baselines.FRACTAL_ITERATIONS}): "
           "the notebook's Mandelbrot grid; make_fractal_nb counts one more, so its two "
           "rows are checked against each other"),
    inputs=lambda: (baselines.FRACTAL_SIZE, baselines.FRACTAL_ITERATIONS),
    baseline="make_fractal (NumPy)",
    same=np.array_equal,
    engines=(
        Engine("make_fractal (NumPy)", "numpy", timing.calls(baselines.make_fractal_quiet)),
        Engine(_FRACTAL_NB_NUMBA, "numba", _numba_fractal, requires="numba", jit=True,
               same_as=_FRACTAL_NB_POLYFAST),
        Engine("polyfast.notebook.make_fractal", "polyfast", timing.calls(notebook.make_fractal)),
        Engine(_FRACTAL_NB_POLYFAST, "polyfast", timing.calls(notebook.make_fractal_nb),
               same_as=_FRACTAL_NB_NUMBA),
    ),
)


ZOOM_CENTER, ZOOM_WIDTH, ZOOM_POINTS, ZOOM_MAXITER = -0.7436439 + 0.1318259j, 1e-5, 1000, 5000


def zoom_axes() -> tuple[np.ndarray, np.ndarray]:
    """The deep zoom's ``x`` (columns) and ``y`` (rows): `ZOOM_POINTS` each,
    spanning `ZOOM_WIDTH` around `ZOOM_CENTER`."""
    half = ZOOM_WIDTH / 2
    x = np.linspace(ZOOM_CENTER.real - half, ZOOM_CENTER.real + half, ZOOM_POINTS)
    y = np.linspace(ZOOM_CENTER.imag - half, ZOOM_CENTER.imag + half, ZOOM_POINTS)
    return x, y


def _zoom_inputs() -> tuple:
    x, y = zoom_axes()
    return x, y, x[None, :] + 1j * y[:, None]


_ZOOM_UFUNC = "polyfast.mandelbrot(c, 5000) on the materialised grid c"

ZOOM = Case(
    name="zoom",
    title=(f"the deep zoom: {ZOOM_POINTS} x {ZOOM_POINTS} points of width {ZOOM_WIDTH:g} "
           f"around {ZOOM_CENTER}, maxiter {ZOOM_MAXITER} (the notebook has no zoom: the "
           "baseline is the mandelbrot ufunc)"),
    inputs=_zoom_inputs,
    baseline=_ZOOM_UFUNC,
    same=np.array_equal,
    engines=(
        Engine(_ZOOM_UFUNC, "polyfast",
               lambda x, y, c: functools.partial(polyfast.mandelbrot, c, ZOOM_MAXITER)),
        Engine("polyfast.mandelbrot_grid(x, y, 5000) (no grid built)", "polyfast",
               lambda x, y, c: functools.partial(polyfast.mandelbrot_grid, x, y, ZOOM_MAXITER)),
    ),
)


def _seed_numpy() -> None:
    np.random.seed(baselines.SEED)


@functools.cache
def _numba_seeder():
    return baselines.numba_seed()


def _seed_numba() -> None:
    _numba_seeder()(baselines.SEED)


_SAMPLER_ARGS = {"samples": baselines.SAMPLER_SAMPLES, "mu_init": 1.}


def _numba_sampler(data):
    return functools.partial(baselines.sampler_numba(), data, **_SAMPLER_ARGS)


def _same_chain(value, reference) -> bool:
    """The same chain; the SciPy sampler runs fewer steps: the same first steps."""
    value, reference = np.asarray(value), np.asarray(reference)
    if len(value) == SCIPY_SAMPLES + 1 < len(reference):
        reference = reference[:len(value)]
    return np.array_equal(value, reference)


def _generator_sampler(data):
    rng = np.random.default_rng(baselines.SEED)
    return functools.partial(polyfast.sampler, data, **_SAMPLER_ARGS, rng=rng)


SAMPLER = Case(
    name="sampler",
    title=(f"sampler(data, samples={baselines.SAMPLER_SAMPLES}, mu_init=1.) on "
           f"{baselines.SAMPLER_POINTS} normal points; same result = the same chain "
           "after the same seed"),
    inputs=lambda: (baselines.mcmc_data(),),
    baseline="sampler (NumPy)",
    same=_same_chain,
    setup=_seed_numpy,
    engines=(
        Engine(f"sampler (SciPy's norm, the notebook's first version; {SCIPY_SAMPLES} "
               "samples, extrapolated)", "scipy",
               lambda d: functools.partial(baselines.sampler_scipy, d, samples=SCIPY_SAMPLES,
                                           mu_init=1.),
               requires="scipy", scale=baselines.SAMPLER_SAMPLES / SCIPY_SAMPLES),
        Engine("sampler (NumPy)", "numpy",
               lambda d: functools.partial(baselines.sampler, d, **_SAMPLER_ARGS)),
        Engine("sampler (numba.njit; numba's np.random seeded alike)", "numba", _numba_sampler,
               requires="numba", jit=True, setup=_seed_numba),
        Engine("polyfast.notebook.sampler", "polyfast",
               lambda d: functools.partial(notebook.sampler, d, **_SAMPLER_ARGS)),
        Engine("polyfast.sampler(rng=Generator) (other draws: not compared)", "polyfast",
               _generator_sampler, check=False),
    ),
)

#: Every case, in the order they run; ``--case`` picks among them.
CASES: list[Case] = [POLY8, BUMPS, FRACTAL, ZOOM, SAMPLER]
