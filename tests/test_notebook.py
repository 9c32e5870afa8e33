"""polyfast.notebook: every drop-in against our transcription of the notebook (issue 6).

The oracles are tests/reference*.py (the notebook's code, transcribed for the
tests and independent of polyfast's own baselines); where the notebook used
numexpr or numba and they are installed, the twin is also compared with the
real thing, built here from the transcription.
"""

import doctest
import inspect
import json

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import polyfast
import polyfast.notebook as nb
import reference
import reference_bumps
import reference_fractal
import reference_mcmc

NAMES = [
    "f_simple", "f_numpy", "f_nest_numpy", "f_mem_numpy", "f_numexper", "f_cython",
    "f_numba_simple", "f_numba_nest", "f_numba_simple_ufunc", "f_numba_nest_ufunc",
    "f_numba_parallel", "pv_locations", "make_fractal", "make_fractal_nb", "norm_pdf", "sampler",
]

POLY = [name for name in NAMES if name.startswith("f_")]

# Which notebook formulation each polynomial twin stands for.
NOTEBOOK_FORMULA = {
    "f_simple": reference.f_simple,
    "f_numpy": reference.f_numpy,
    "f_nest_numpy": reference.f_nest_numpy,
    "f_mem_numpy": reference.f_mem_numpy,
    "f_numexper": reference.f_numpy,
    "f_cython": reference.f_nest_numpy,
    "f_numba_simple": reference.f_numpy,
    "f_numba_nest": reference.f_nest_numpy,
    "f_numba_simple_ufunc": reference.f_numpy,
    "f_numba_nest_ufunc": reference.f_nest_numpy,
    "f_numba_parallel": reference.f_numpy,
}


# --------------------------------------------------------------- the module


def test_every_notebook_function_is_there():
    assert sorted(nb.__all__) == sorted(NAMES)
    for name in NAMES:
        assert callable(getattr(nb, name)), name


@pytest.mark.parametrize("name", NAMES)
def test_documented_in_numpydoc_with_the_cell_it_replaces(name):
    doc = inspect.getdoc(getattr(nb, name))
    assert doc and "Replaces the" in doc and "cell" in doc, name
    for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
        assert section in doc, f"{name}: missing {section.splitlines()[0]}"


@pytest.mark.parametrize("name", NAMES)
def test_docstring_examples_pass(name):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    state = np.random.get_state()
    try:
        for test in finder.find(getattr(nb, name), name=f"polyfast.notebook.{name}", globs={}):
            runner.run(test)
    finally:
        np.random.set_state(state)
    assert runner.tries > 0, f"{name} has no example"
    assert runner.failures == 0


def test_signatures_are_the_notebooks():
    params = {name: list(inspect.signature(getattr(nb, name)).parameters) for name in NAMES}
    assert params["f_simple"] == ["xarr"]
    assert params["f_cython"] == ["xarr"]
    for name in ("f_numpy", "f_nest_numpy", "f_mem_numpy", "f_numexper", "f_numba_simple",
                 "f_numba_nest", "f_numba_parallel"):
        assert params[name] == ["x"], name
    assert params["pv_locations"] == ["targets", "threshold", "integral_threshold", "min_width"]
    assert params["make_fractal"] == params["make_fractal_nb"] == ["size", "iterations"]
    assert params["norm_pdf"][:3] == ["loc", "scale", "x"]
    assert params["sampler"] == list(inspect.signature(reference_mcmc.sampler).parameters) + ["rng"]
    defaults = {k: v.default for k, v in inspect.signature(nb.sampler).parameters.items()}
    ref_defaults = {k: v.default
                    for k, v in inspect.signature(reference_mcmc.sampler).parameters.items()}
    assert {k: defaults[k] for k in ref_defaults} == ref_defaults


IMPORT_CHECK = """
import sys, json
import polyfast, polyfast.notebook
heavy = ["numba", "numexpr", "Cython", "scipy", "matplotlib", "polyfast.bench"]
print(json.dumps([m for m in heavy if m in sys.modules]))
"""


def test_import_loads_none_of_the_optional_engines(run_python):
    proc = run_python(IMPORT_CHECK)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


# --------------------------------------------------------------- the polynomial


@pytest.mark.parametrize("name", POLY)
def test_polynomial_on_the_notebooks_vector(name, notebook_x):
    twin = getattr(nb, name)
    x = notebook_x if name != "f_simple" else notebook_x[:20_000]  # the loop is slow
    got = twin(x)
    assert type(got) is np.ndarray and got.dtype == np.float64 and got.shape == x.shape
    # the notebook's own check: np.testing.assert_allclose against f_numpy
    assert_allclose(got, reference.f_numpy(x))
    assert_allclose(got, NOTEBOOK_FORMULA[name](x))


def test_f_simple_is_the_loop_elementwise():
    x = np.random.default_rng(1).normal(size=500)
    assert_allclose(nb.f_simple(x), reference.f_simple(x))
    x32 = x.astype(np.float32)
    got = nb.f_simple(x32)
    want = reference.f_simple(x32)
    assert got.dtype == want.dtype == np.float32
    assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["f_simple", "f_numpy", "f_nest_numpy", "f_mem_numpy",
                                  "f_numba_simple", "f_numba_nest", "f_numba_parallel",
                                  "f_numexper"])
@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.complex128])
def test_polynomial_keeps_the_notebooks_dtype(name, dtype):
    rng = np.random.default_rng(2)
    x = rng.normal(size=300).astype(dtype)
    if np.iscomplexobj(x):
        x = x + 1j * rng.normal(size=300).astype(dtype)
    want = NOTEBOOK_FORMULA[name](x)
    got = getattr(nb, name)(x)
    assert got.dtype == want.dtype == dtype
    tol = 1e-5 if dtype in (np.float32, np.complex64) else 1e-12
    assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["f_numba_simple_ufunc", "f_numba_nest_ufunc"])
def test_numba_ufunc_twins_compute_in_float64(name):
    twin = getattr(nb, name)
    x32 = np.linspace(-1.5, 1.5, 101, dtype=np.float32)
    got = twin(x32)
    assert got.dtype == np.float64
    assert_allclose(got, NOTEBOOK_FORMULA[name](x32.astype(np.float64)), rtol=1e-12, atol=1e-15)
    assert twin(np.arange(3)).dtype == np.float64
    out = np.empty(101)
    assert twin(x32, out=out) is out
    with pytest.raises(TypeError):
        twin(np.array([1j]))


def test_f_numexper_returns_an_array_like_numexpr():
    got = nb.f_numexper(0.5)
    assert type(got) is np.ndarray and got.shape == () and got == reference.f_numpy(0.5)


def test_f_cython_takes_a_double_vector():
    got = nb.f_cython(np.arange(5, dtype=np.float32))
    assert type(got) is np.ndarray and got.dtype == np.float64
    assert_allclose(got, reference.f_nest_numpy(np.arange(5.0)))
    assert_allclose(nb.f_cython([0.5, 2.0]), reference.f_nest_numpy(np.array([0.5, 2.0])))
    with pytest.raises(ValueError, match="dimensions"):
        nb.f_cython(np.zeros((2, 2)))
    with pytest.raises(TypeError):
        nb.f_cython(np.zeros(2, complex))


def test_polynomial_against_numexpr_itself(notebook_x):
    numexpr = pytest.importorskip("numexpr")
    x = notebook_x  # noqa: F841 (numexpr reads it from this frame)
    want = numexpr.evaluate("x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8")
    got = nb.f_numexper(notebook_x)
    assert type(got) is type(want) and got.dtype == want.dtype
    assert_allclose(got, want)


def test_polynomial_against_numba_itself(notebook_x):
    numba = pytest.importorskip("numba")
    built = {
        "f_numba_simple": numba.jit(reference.f_numpy),
        "f_numba_nest": numba.jit(reference.f_nest_numpy),
        "f_numba_simple_ufunc": numba.vectorize([numba.double(numba.double)],
                                                target="parallel")(reference.f_numpy),
        "f_numba_nest_ufunc": numba.vectorize([numba.double(numba.double)],
                                              target="parallel")(reference.f_nest_numpy),
        "f_numba_parallel": numba.jit(nopython=True, parallel=True)(reference.f_numpy),
    }
    x32 = notebook_x[:1000].astype(np.float32)
    for name, fn in built.items():
        twin = getattr(nb, name)
        assert_allclose(twin(notebook_x), fn(notebook_x), err_msg=name)
        want = fn(x32)
        got = twin(x32)
        assert got.dtype == want.dtype, name
        # float32: near the polynomial's cancellation (x ~ -0.01) the
        # notebook's own float32 rounding errors are ~1e-7 absolute
        assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)


# --------------------------------------------------------------- pv_locations

PARAMS = (reference_bumps.THRESHOLD, reference_bumps.INTEGRAL_THRESHOLD, reference_bumps.MIN_WIDTH)


@pytest.fixture(scope="module")
def events():
    return reference_bumps.realistic_events(200, 4000, seed=21, dtype=np.float32)


def test_pv_locations_row_by_row_against_the_notebook(events):
    # reference_bumps' float32 loop is itself checked against the notebook's
    # numba function in test_bumps.py
    found = 0
    for row in events:
        got = nb.pv_locations(row, *PARAMS)
        want = reference_bumps.pv_locations_reference(row, *PARAMS)
        assert got.dtype == np.float32
        assert got.shape == want.shape
        assert_allclose(got, want, rtol=1e-6)
        found += got.size
    assert found > 200


def test_pv_locations_takes_float64_as_float32_like_the_numba_signature(events):
    row64 = events[0].astype(np.float64) * 1.000001
    got = nb.pv_locations(row64, *PARAMS)
    want = reference_bumps.pv_locations_reference(row64.astype(np.float32), *PARAMS)
    assert got.dtype == np.float32
    assert_allclose(got, want, rtol=1e-6)


def test_pv_locations_2d_is_every_row(events):
    rows = nb.pv_locations(events, *PARAMS)
    assert isinstance(rows, list) and len(rows) == len(events)
    for row, got in zip(events, rows):
        assert_array_equal(got, nb.pv_locations(row, *PARAMS))


# --------------------------------------------------------------- the fractal


def test_make_fractal_on_the_notebooks_grid():
    with np.errstate(all="ignore"):
        want = reference_fractal.make_fractal((500, 500), 50)
    got = nb.make_fractal((500, 500), 50)
    assert got.dtype == np.int64
    assert_array_equal(got, want)


@pytest.mark.parametrize("size, iterations", [((24, 24), 30), ((17, 17), 5), ((9, 9), 0)])
def test_make_fractal_nb_against_the_loop(size, iterations):
    with np.errstate(all="ignore"):
        want = reference_fractal.make_fractal_nb(size, iterations)
    assert_array_equal(nb.make_fractal_nb(size, iterations), want)


# --------------------------------------------------------------- norm_pdf, sampler


def test_norm_pdf_against_the_notebooks_formula():
    rng = np.random.default_rng(3)
    loc, scale, x = rng.normal(size=1000), rng.uniform(0.1, 3, 1000), rng.normal(size=1000)
    assert_allclose(nb.norm_pdf(loc, scale, x), reference_mcmc.norm_pdf(loc, scale, x),
                    rtol=1e-13)
    assert_allclose(nb.norm_pdf(.4, .7, .2), reference_mcmc.norm_pdf(.4, .7, .2), rtol=1e-15)
    data = rng.normal(size=20)
    assert_allclose(np.prod(nb.norm_pdf(.3, 1, data)),
                    np.prod(reference_mcmc.norm_pdf(.3, 1, data)), rtol=1e-13)
    out = np.empty(1000)
    assert nb.norm_pdf(loc, scale, x, out=out) is out


def test_norm_pdf_is_scipys_where_the_notebook_asserted_it():
    stats = pytest.importorskip("scipy.stats")
    assert_allclose(nb.norm_pdf(.4, .7, .2), stats.norm(.4, .7).pdf(.2), rtol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_sampler_gives_the_notebooks_chain_after_the_same_seed(seed):
    np.random.seed(seed)
    data = np.random.randn(20)
    want = reference_mcmc.sampler(data, samples=1500, mu_init=1.)
    after_notebook = np.random.get_state()
    np.random.seed(seed)
    data = np.random.randn(20)
    got = nb.sampler(data, samples=1500, mu_init=1.)
    assert got.dtype == np.float64
    assert_array_equal(got, want)
    state = np.random.get_state()
    assert_array_equal(state[1], after_notebook[1])
    assert state[2:] == after_notebook[2:]


def test_sampler_keywords_and_rng():
    data = np.random.default_rng(4).normal(size=20)
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    got = nb.sampler(data, 300, .5, .5, False, 0, 1., rng=rng_a)
    want = reference_mcmc.sampler_rng(rng_b, data, 300, .5, .5, False, 0, 1.)
    assert_array_equal(got, want)
    with pytest.raises(NotImplementedError):
        nb.sampler(data, plot=True)


def test_twins_delegate_to_polyfast():
    x = np.linspace(-2, 2, 7)
    assert_array_equal(nb.f_numpy(x), polyfast.poly8(x))
    assert_array_equal(nb.norm_pdf(0, 1, x), polyfast.norm_pdf(0, 1, x))
