"""Property tests (hypothesis): every public function against its slow reference,
and generic invariants of every module ufunc.

Every ufunc of ``polyfast.__all__`` is enumerated (tests/generic_ufuncs.py) and
checked by `prop_generic_ufunc`, which needs no reference: for a loop of its
``types`` with operands of exactly those dtypes, the result has the loop's
output dtypes; it is the same (bits, any nan equal to any nan) with 1 thread
and with several (``polyfast.set_num_threads``), on strided/reversed copies of
the operands, written to a strided ``out=``, and computed in pieces (blocks of
the loop dimension, and single loop elements as 0-d / core-only calls).
Sizes up to ~100k loop elements, so the pool splits the work.

`PROPS` (optional for a module ufunc, required for every other public
name) maps a public name to a check drawing its arguments from
hypothesis: dtypes, shapes (0-d, empty, several dimensions), strides
(negative, non-unit, via slicing), broadcasting and special values (nan, inf,
-0.0, subnormals, huge).  The references are tests/reference.py (the
polynomial), reference_bumps.py (the notebook's bump loop),
reference_fractal.py (the API's Mandelbrot definition and the notebook's
fractals) and reference_mcmc.py (the notebook's norm_pdf and sampler).  A
public name that is not a module ufunc and has no row fails
test_every_public_name_has_a_property.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import polyfast  # noqa: E402
import polyfast.notebook  # noqa: E402
import generic_ufuncs  # noqa: E402
from generic_ufuncs import module_ufuncs  # noqa: E402
from public_api import public_names  # noqa: E402
import reference  # noqa: E402
from simd_levels import SIMD_LEVELS  # noqa: E402
from reference import poly8_factored  # noqa: E402
from reference_bumps import pv_locations_reference  # noqa: E402
import reference_mcmc  # noqa: E402
from reference_fractal import (  # noqa: E402
    make_fractal_any_shape,
    make_fractal_nb_vectorized,
    mandelbrot_model,
)

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, np.nan, np.inf, -np.inf, 5e-324, 1e-310,
           1e300, -1e300, 3.4e38, 1e-45]


def _floats(dtype, **kw):
    width = 32 if np.dtype(dtype) == np.float32 else 64
    return st.one_of(st.floats(width=width, **kw), st.sampled_from(SPECIAL))


def _layout(data, arr):
    """`arr`'s values under a random layout: reversed / strided / Fortran views."""
    if arr.ndim == 0:
        return arr
    steps = tuple(data.draw(st.sampled_from([1, -1, 2, -2]), label=f"step{i}")
                  for i in range(arr.ndim))
    big = np.empty(tuple(s * abs(k) for s, k in zip(arr.shape, steps)) or (), dtype=arr.dtype)
    big.fill(np.array(7, dtype=arr.dtype) if arr.dtype.kind != "c" else 7)
    view = big[tuple(slice(None, None, k) for k in steps)]
    # the view picks every |k|-th item, in reverse for negative k
    view = view[tuple(slice(0, s) for s in arr.shape)]
    view[...] = arr
    if data.draw(st.booleans(), label="transpose") and arr.ndim >= 2:
        return np.asfortranarray(arr)
    return view


def _array(data, dtype, shape=None, elements=None, max_dims=3):
    if shape is None:
        shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0,
                                           max_side=6), label="shape")
    if elements is None:
        elements = _floats(dtype, allow_subnormal=True)
    arr = data.draw(hnp.arrays(dtype, shape, elements=elements), label="array")
    return _layout(data, arr)


def prop_poly8(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.complex64, np.complex128]))
    if np.dtype(dtype).kind == "f":
        x = _array(data, dtype)
        with np.errstate(all="ignore"):
            expected = poly8_factored(np.ascontiguousarray(x))
        got = polyfast.poly8(x)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, expected)
        assert np.signbit(got[got == 0]).tolist() == np.signbit(expected[expected == 0]).tolist()
    else:
        part = st.floats(-2, 2, width=32 if dtype == np.complex64 else 64)
        x = _array(data, dtype, elements=st.builds(complex, part, part))
        z = np.ascontiguousarray(x).astype(np.complex128)
        expected = sum(z**k for k in range(1, 9))
        got = polyfast.poly8(x)
        assert got.dtype == np.dtype(dtype)
        scale = max(1.0, float(np.abs(expected).max(initial=0)))
        rtol = 1e-5 if dtype == np.complex64 else 1e-12
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale)
    # out= a strided view gives the same bits
    got = np.asarray(got)
    out = np.empty(tuple(2 * s for s in got.shape), dtype=got.dtype)
    out = out[(slice(None, None, 2),) * got.ndim] if got.ndim else out
    polyfast.poly8(x, out=out)
    np.testing.assert_array_equal(out, got)


def _horner(x, c):
    with np.errstate(all="ignore"):
        if c.shape[-1] == 0:
            return np.zeros(np.broadcast_shapes(x.shape, c.shape[:-1]), dtype=np.result_type(x, c))
        shape = np.broadcast_shapes(x.shape, c.shape[:-1])
        p = np.broadcast_to(c[..., -1], shape).copy()
        for k in range(c.shape[-1] - 2, -1, -1):
            p = c[..., k] + p * x
        return p


def prop_polyval(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    n = data.draw(st.integers(0, 6), label="n")
    lead_c = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=4))
    x_shape = data.draw(hnp.broadcastable_shapes(lead_c, min_dims=0, max_dims=3, max_side=4))
    small = _floats(dtype, min_value=-1e3, max_value=1e3) if data.draw(st.booleans()) else None
    x = _array(data, dtype, shape=x_shape, elements=small)
    c = _array(data, dtype, shape=lead_c + (n,), elements=small)
    got = polyfast.polyval(x, c)
    expected = _horner(np.asarray(x), np.asarray(c))
    assert got.shape == np.broadcast_shapes(x.shape, c.shape[:-1])
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, expected)


def prop_mandelbrot(data):
    dtype = data.draw(st.sampled_from([np.complex64, np.complex128]))
    width = 32 if dtype == np.complex64 else 64
    part = st.one_of(st.floats(-2.5, 2.5, width=width), st.sampled_from(SPECIAL))
    c = _array(data, dtype, elements=st.builds(complex, part, part), max_dims=2)
    maxiter_shape = data.draw(hnp.broadcastable_shapes(c.shape, max_dims=2, max_side=6))
    maxiter = data.draw(hnp.arrays(np.int64, maxiter_shape, elements=st.integers(-3, 40)))
    got = polyfast.mandelbrot(c, maxiter)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, mandelbrot_model(np.ascontiguousarray(c), maxiter))


_BUMP_VALUES = st.sampled_from([0.0, 0.0, 0.0, 0.3, 1.0, 2.5, -1.0, 0.5, np.nan, np.inf,
                                1e-40, 3.0e38])


def _targets(data, dtype, ndim):
    rows = data.draw(st.integers(0 if ndim == 2 else 1, 5), label="rows")
    cols = data.draw(st.integers(0, 30), label="cols")
    shape = (rows, cols) if ndim == 2 else (cols,)
    return _array(data, dtype, shape=shape, elements=_BUMP_VALUES)


def _bump_args(data):
    threshold = data.draw(st.sampled_from([0.0, 0.3, 0.5, 1.0, -np.inf, np.nan, 1e300]))
    integral = data.draw(st.sampled_from([0.0, 0.5, 1.0, 3.0, -1.0, np.inf, np.nan]))
    width = data.draw(st.integers(-2, 5) | st.sampled_from([2**62, -(2**62)]))
    return threshold, integral, width


def _reference_rows(t, threshold, integral, width):
    dtype = np.float32 if t.dtype == np.float32 else np.float64
    with np.errstate(all="ignore"):
        return [pv_locations_reference(row, threshold, integral, width, dtype=dtype,
                                       accumulate="float64") for row in np.atleast_2d(t)]


def prop_notebook_pv_locations(data):
    """notebook.pv_locations: any real targets, searched as float32."""
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    t = _targets(data, dtype, data.draw(st.sampled_from([1, 2])))
    threshold, integral, width = _bump_args(data)
    got = polyfast.notebook.pv_locations(t, threshold, integral, width)
    expected = _reference_rows(t.astype(np.float32), threshold, integral, width)
    for g, e in zip([got] if t.ndim == 1 else got, expected, strict=True):
        assert g.dtype == np.float32
        np.testing.assert_array_equal(g, e)


def prop_pv_locations(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64, np.int32]))
    t = _targets(data, np.float64 if dtype == np.int32 else dtype,
                 data.draw(st.sampled_from([1, 2])))
    if dtype == np.int32:  # other numeric dtypes are converted to float64
        t = np.nan_to_num(t, posinf=3, neginf=-3).clip(-5, 5).astype(np.int32)
    threshold, integral, width = _bump_args(data)
    got = polyfast.pv_locations(t, threshold, integral, width)
    expected = _reference_rows(t, threshold, integral, width)
    if t.ndim == 1:
        got = [got]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype
        np.testing.assert_array_equal(g, e)


def prop_pv_locations_ragged(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    t = _targets(data, dtype, 2)
    threshold, integral, width = _bump_args(data)
    values, offsets = polyfast.pv_locations_ragged(t, threshold, integral, width)
    expected = _reference_rows(t, threshold, integral, width)
    assert offsets.dtype == np.int64 and offsets.tolist() == list(
        np.cumsum([0] + [len(e) for e in expected]))
    np.testing.assert_array_equal(values, np.concatenate(expected or [np.empty(0, dtype)]))


def prop_find_bumps(data):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    t = _targets(data, dtype, 2)
    threshold, integral, width = _bump_args(data)
    width = int(np.clip(width, -(2**62), 2**62))
    locations, count = polyfast.find_bumps(t, threshold, integral, width)
    expected = _reference_rows(t, threshold, integral, width)
    m = (t.shape[1] + 1) // 2
    assert locations.shape == (t.shape[0], m) and count.shape == (t.shape[0],)
    for r, e in enumerate(expected):
        assert count[r] == len(e)
        np.testing.assert_array_equal(locations[r, :len(e)], e)
        assert np.isnan(locations[r, len(e):]).all()


def _closed_form_pdf(loc, scale, x):
    """The kernel's operations in Python floats with math.exp (glibc's exp)."""
    if not scale > 0:
        return math.nan
    y = (x - loc) / scale
    try:
        return math.exp(-(y * y) / 2.0) / math.sqrt(2 * math.pi) / scale
    except OverflowError:  # y * y overflows to inf in C: exp(-inf) is 0
        return 0.0 / math.sqrt(2 * math.pi) / scale


def prop_norm_pdf(data, norm_pdf=polyfast.norm_pdf):
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=5))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(
        num_shapes=3, base_shape=shape, min_side=0, max_dims=3, max_side=5))
    loc, scale, x = (_array(data, dtype, shape=s) for s in shapes.input_shapes)
    result_shape = np.broadcast_shapes(*shapes.input_shapes)
    if data.draw(st.booleans(), label="positive scale"):
        scale = np.abs(scale)
    got = norm_pdf(loc, scale, x)
    assert got.dtype == np.dtype(dtype) and got.shape == result_shape
    wide = [np.broadcast_to(np.asarray(a, dtype=np.float64), result_shape)
            for a in (loc, scale, x)]
    # the same operations and the same exp: the same bits, rounded once to float32
    closed = np.array([_closed_form_pdf(*t) for t in zip(*(w.ravel().tolist() for w in wide))],
                      dtype=np.float64).reshape(result_shape)
    np.testing.assert_array_equal(got, closed.astype(dtype))
    # the notebook's formula (NumPy's exp: within a few ulps where the result is normal)
    notebook = np.where(wide[1] > 0, reference_mcmc.norm_pdf(*wide), np.nan).astype(dtype)
    assert np.array_equal(np.isnan(got), np.isnan(notebook))
    info = np.finfo(dtype)
    normal = np.isfinite(notebook) & (np.abs(notebook) >= info.tiny) & (wide[1] >= 1e-300)
    np.testing.assert_allclose(np.asarray(got)[normal], notebook[normal],
                               rtol=1e-13 if dtype == np.float64 else 2.0**-23, atol=0)
    stats = _scipy_stats()
    if stats is not None and dtype == np.float64:
        ok = normal & np.isfinite(wide[0]) & np.isfinite(wide[2])
        if ok.any():
            ref = stats.norm(wide[0][ok], wide[1][ok]).pdf(wide[2][ok])
            np.testing.assert_allclose(np.asarray(got)[ok], ref, rtol=1e-13, atol=0)
    # scale <= 0 (or nan) gives nan and raises no floating-point flag, whatever loc and x
    bad = data.draw(hnp.arrays(dtype, shapes.input_shapes[1],
                               elements=st.sampled_from([0.0, -0.0, -1.0, -np.inf, np.nan,
                                                         -5e-324, -3.4e38])))
    with np.errstate(all="raise"):
        quiet = norm_pdf(loc, bad, x)
    assert np.isnan(quiet).all()


_SCIPY = []


def _scipy_stats():
    if not _SCIPY:
        try:
            import scipy.stats as stats
        except ImportError:  # scipy is optional
            stats = None
        _SCIPY.append(stats)
    return _SCIPY[0]


def prop_sampler(data, sampler=polyfast.sampler):
    # Small, central data and parameters: the notebook's products stay
    # representable, where its chain is defined and polyfast's equals it.
    n = data.draw(st.integers(0, 12), label="n")
    values = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-2, 2)), label="data")
    samples = data.draw(st.integers(0, 40), label="samples")
    kw = dict(
        samples=samples,
        mu_init=data.draw(st.floats(-2, 2), label="mu_init"),
        proposal_width=data.draw(st.floats(0.05, 2.0), label="proposal_width"),
        mu_prior_mu=data.draw(st.floats(-1, 1), label="mu_prior_mu"),
        mu_prior_sd=data.draw(st.floats(0.3, 3.0), label="mu_prior_sd"),
    )
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    source = data.draw(st.sampled_from(["global", "global primed", "RandomState",
                                        "Generator"]), label="rng")
    if source.startswith("global"):
        np.random.seed(seed)
        if source == "global primed":
            np.random.standard_normal()  # leaves a cached Gaussian
        start = np.random.get_state()
        expected = reference_mcmc.sampler(values, **kw)
        state_expected = np.random.get_state()
        np.random.set_state(start)
        got = sampler(values, **kw)
        state_got = np.random.get_state()
        assert state_got[0] == state_expected[0] and state_got[2:] == state_expected[2:]
        np.testing.assert_array_equal(state_got[1], state_expected[1])
    else:
        make = (np.random.RandomState if source == "RandomState"
                else lambda s: np.random.Generator(np.random.PCG64(s)))
        rng_a, rng_b = make(seed), make(seed)
        expected = reference_mcmc.sampler_rng(rng_a, values, **kw)
        got = sampler(values, rng=rng_b, **kw)
        assert rng_a.random() == rng_b.random()  # both consumed the same draws
    assert got.dtype == np.float64 and got.shape == (samples + 1,)
    np.testing.assert_array_equal(got, expected)


def _sizes(data):
    return (data.draw(st.integers(0, 12), label="nx"), data.draw(st.integers(0, 12), label="ny"))


def prop_make_fractal(data):
    size, iterations = _sizes(data), data.draw(st.integers(-3, 30), label="iterations")
    with np.errstate(all="ignore"):
        expected = make_fractal_any_shape(size, max(iterations, 0))
    np.testing.assert_array_equal(polyfast.notebook.make_fractal(size, iterations), expected)


def prop_make_fractal_nb(data):
    size, iterations = _sizes(data), data.draw(st.integers(-3, 30), label="iterations")
    with np.errstate(all="ignore"):
        expected = make_fractal_nb_vectorized(size, max(iterations, 0))
    np.testing.assert_array_equal(polyfast.notebook.make_fractal_nb(size, iterations), expected)


# notebook's polynomial twins of poly8 -> (keeps float32 and complex, always an ndarray, 1-D only)
POLY_TWINS = {
    **{name: (True, False, False) for name in (
        "f_simple", "f_numpy", "f_nest_numpy", "f_mem_numpy", "f_numba_simple",
        "f_numba_nest", "f_numba_parallel")},
    "f_numexper": (True, True, False),
    "f_cython": (False, True, True),
    "f_numba_simple_ufunc": (False, False, False),
    "f_numba_nest_ufunc": (False, False, False),
}


def prop_poly_twin(data, name):
    """A twin of poly8 against the notebook's f_numpy (tests/reference.py)."""
    keeps_dtype, always_array, one_d = POLY_TWINS[name]
    twin = getattr(polyfast.notebook, name)
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=1, min_side=0, max_side=8)
                      if one_d else hnp.array_shapes(min_dims=0, max_dims=2, min_side=0,
                                                     max_side=6), label="shape")
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)), label="x")
    got = twin(x)
    # atol: near the root x = -1 the sum cancels and only an absolute bound holds
    np.testing.assert_allclose(got, reference.f_numpy(x), atol=1e-12)
    assert isinstance(got, np.ndarray) == (always_array or x.ndim > 0)
    assert np.shape(got) == x.shape and np.asarray(got).dtype == np.float64
    x32 = x.astype(np.float32)
    assert np.asarray(twin(x32)).dtype == (np.float32 if keeps_dtype else np.float64)
    if keeps_dtype:
        z = x * (0.8 + 0.6j)  # |z| = |x|
        np.testing.assert_allclose(twin(z), reference.f_numpy(z), atol=1e-12)


def prop_set_num_threads(data):
    n = data.draw(st.integers(1, 256), label="n")
    x = np.linspace(-1, 1, 70_000)
    polyfast.set_num_threads(1)
    serial = polyfast.poly8(x)
    polyfast.set_num_threads(n)
    assert polyfast.get_num_threads() == n
    assert polyfast.poly8(x).tobytes() == serial.tobytes()


def prop_get_num_threads(data):
    n = data.draw(st.integers(1, 256), label="n")
    polyfast.set_num_threads(n)
    assert polyfast.get_num_threads() == n


_LEVELS = SIMD_LEVELS


def prop_simd_levels(data):
    data.draw(st.integers(1, 3), label="calls")
    level, cpu = polyfast.get_simd_level(), polyfast.get_cpu_simd_level()
    assert level in _LEVELS and cpu in _LEVELS
    assert _LEVELS.index(level) <= _LEVELS.index(cpu)
    assert (polyfast.get_simd_level(), polyfast.get_cpu_simd_level()) == (level, cpu)


def prop_show_config(data):
    n = data.draw(st.integers(1, 256), label="n")
    polyfast.set_num_threads(n)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert polyfast.show_config() is None
    text = out.getvalue()
    assert text.startswith(f"polyfast {polyfast.__version__}")
    assert f"threads        {n}" in text and polyfast.get_simd_level() in text


PROPS = {
    "poly8": prop_poly8,
    "polyval": prop_polyval,
    "mandelbrot": prop_mandelbrot,
    "find_bumps": prop_find_bumps,
    "pv_locations": prop_pv_locations,
    "pv_locations_ragged": prop_pv_locations_ragged,
    "set_num_threads": prop_set_num_threads,
    "get_num_threads": prop_get_num_threads,
    "get_simd_level": prop_simd_levels,
    "get_cpu_simd_level": prop_simd_levels,
    "show_config": prop_show_config,
    "norm_pdf": prop_norm_pdf,
    "sampler": prop_sampler,
    "notebook.make_fractal": prop_make_fractal,
    "notebook.make_fractal_nb": prop_make_fractal_nb,
    "notebook.pv_locations": prop_notebook_pv_locations,
    "notebook.norm_pdf": functools.partial(prop_norm_pdf, norm_pdf=polyfast.notebook.norm_pdf),
    "notebook.sampler": functools.partial(prop_sampler, sampler=polyfast.notebook.sampler),
}
# The polynomial twins: one cheap property, run by test_poly_twin_property with
# fewer examples (they all wrap poly8, whose own property draws the hard cases).
TWIN_PROPS = {f"notebook.{name}": functools.partial(prop_poly_twin, name=name)
              for name in POLY_TWINS}


def test_every_public_name_has_a_property():
    """Module ufuncs have the generic property; every other public name needs
    its own row, and no row may name something that is not public."""
    missing = sorted(set(public_names()) - set(PROPS) - set(TWIN_PROPS) - set(UFUNCS))
    assert not missing, f"public names without a property in tests/test_properties.py: {missing}"
    stale = sorted((set(PROPS) | set(TWIN_PROPS)) - set(public_names()))
    assert not stale, f"properties for names that are not public: {stale}"


@pytest.mark.parametrize("name", sorted(PROPS))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property(name, data, num_threads):
    with np.errstate(all="ignore"):  # overflow to inf and nan are part of the cases
        PROPS[name](data)


@pytest.mark.parametrize("name", sorted(TWIN_PROPS))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_poly_twin_property(name, data):
    with np.errstate(all="ignore"):
        TWIN_PROPS[name](data)


# --------------------------------------------------------------------------
# Generic properties of every module ufunc (no reference needed)
# --------------------------------------------------------------------------

UFUNCS = module_ufuncs()
GENERIC_SETTINGS = settings(max_examples=100, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture])


def _canonical(a):
    """`a` as bytes, every nan (any payload, sign) the same: bit-for-bit otherwise."""
    a = np.ascontiguousarray(a)
    if a.dtype.kind in "fc":
        parts = a.view(a.real.dtype) if a.dtype.kind == "c" else a
        parts = np.where(np.isnan(parts), np.nan, parts).astype(parts.dtype)
        return a.dtype.str, a.shape, parts.tobytes()
    return a.dtype.str, a.shape, a.tobytes()


def _same(got, expected, what):
    assert len(got) == len(expected), what
    for j, (g, e) in enumerate(zip(got, expected)):
        g, e = np.asarray(g), np.asarray(e)
        assert g.dtype == e.dtype and g.shape == e.shape, (
            f"{what}: output {j} is {g.dtype}{g.shape}, expected {e.dtype}{e.shape}")
        if _canonical(g) != _canonical(e):
            bad = np.flatnonzero(_differ(g, e).reshape(-1))
            pytest.fail(f"{what}: output {j} differs at {bad.size} of {e.size} elements, first "
                        f"at flat index {bad[0]}: {g.reshape(-1)[bad[0]]!r} vs "
                        f"{e.reshape(-1)[bad[0]]!r}")


def _differ(g, e):
    """Items whose bits differ (nan against nan does not count; -0.0 against 0.0 does)."""
    g, e = np.ascontiguousarray(g), np.ascontiguousarray(e)
    if g.dtype.kind in "fc":
        parts = g.real.dtype
        gv, ev = g.view(parts).reshape(g.shape + (-1,)), e.view(parts).reshape(e.shape + (-1,))
        both_nan = np.isnan(gv) & np.isnan(ev)
        return ((gv.view(f"u{parts.itemsize}") != ev.view(f"u{parts.itemsize}"))
                & ~both_nan).any(axis=-1)
    return g != e


def _as_tuple(result):
    return result if isinstance(result, tuple) else (result,)


def prop_generic_ufunc(data, ufunc):
    """The invariants of the module docstring, for any ufunc object."""
    spec = generic_ufuncs.describe(ufunc)
    assert spec.loops, f"{spec.name}: no loop with numeric types in {ufunc.types}"
    loop = data.draw(st.sampled_from(spec.loops), label="loop")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    sizes = {d: data.draw(st.integers(1, 6), label=f"core {d}") for d in spec.sizes
             if not d.isdigit()}
    sizes.update({d: int(d) for d in spec.sizes if d.isdigit()})
    core_in = [tuple(sizes[d] for d in dims) for dims in spec.core_in]
    per_item = max([int(np.prod(c)) for c in core_in] + [1])
    if data.draw(st.booleans(), label="big (threaded)"):
        lead: tuple[int, ...] = (data.draw(st.integers(70_000, 100_000), label="n") // per_item
                                 + 1,)
    else:
        lead = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
                         label="loop shape")
    special = data.draw(st.booleans(), label="special values")
    args = [generic_ufuncs.values(ch, lead + core, rng, special)
            for ch, core in zip(loop[0], core_in)]

    polyfast.set_num_threads(1)
    expected = _as_tuple(ufunc(*args))
    assert len(expected) == spec.nout
    for j, (e, ch) in enumerate(zip(expected, loop[1])):
        assert np.asarray(e).dtype == np.dtype(ch), (
            f"{spec.name}: operands {''.join(loop[0])} give output {j} as "
            f"{np.asarray(e).dtype}, types say {np.dtype(ch)} ({loop})")
        assert np.shape(e)[:len(lead)] == lead

    threads = data.draw(st.sampled_from([2, 3, 4, 8]), label="threads")
    polyfast.set_num_threads(threads)
    _same(_as_tuple(ufunc(*args)), expected, f"{spec.name}: {threads} threads vs 1")

    strided = [generic_ufuncs.strided_copy(a, rng) for a in args]
    _same(_as_tuple(ufunc(*strided)), expected, f"{spec.name}: strided operands")

    if spec.outs_known:
        outs = tuple(generic_ufuncs.strided_copy(np.zeros_like(e), rng) for e in expected)
        returned = _as_tuple(ufunc(*args, out=outs if spec.nout > 1 else outs[0]))
        assert all(r is o for r, o in zip(returned, outs)), f"{spec.name}: out= not returned"
        _same(outs, expected, f"{spec.name}: out= strided")

    # block-split invariance: pieces of the loop dimension, then single items
    cuts = sorted(data.draw(st.lists(st.integers(0, lead[0]), max_size=3), label="cuts"))
    bounds = [0, *cuts, lead[0]]
    pieces = [_as_tuple(ufunc(*(a[lo:hi] for a in args))) for lo, hi in zip(bounds, bounds[1:])]
    joined = tuple(np.concatenate([p[j] for p in pieces]) for j in range(spec.nout))
    _same(joined, expected, f"{spec.name}: computed in blocks {bounds}")
    polyfast.set_num_threads(1)
    for _ in range(data.draw(st.integers(1, 4), label="single items")):
        index = tuple(int(rng.integers(0, s)) for s in lead)
        single = _as_tuple(ufunc(*(a[index] for a in args)))
        _same(single, tuple(np.asarray(e)[index] for e in expected),
              f"{spec.name}: loop item {index} alone")


@pytest.mark.parametrize("name", UFUNCS)
@GENERIC_SETTINGS
@given(data=st.data())
def test_generic_ufunc_property(name, data, num_threads):
    with np.errstate(all="ignore"):
        prop_generic_ufunc(data, getattr(polyfast, name))


def _poke(arr, k, value):
    """Set item `k` (C order) of `arr` in place, whatever its strides, to
    `value`, or, if that would leave it as it was (a NaN over a NaN pad, a
    huge float plus one), to another value that does not."""
    index = np.unravel_index(k, arr.shape)
    old = arr[index].copy()
    for candidate in (value, old + 1, -old - 1, 0, 1):
        arr[index] = candidate
        if arr[index].tobytes() != old.tobytes():
            return


class _Broken:
    """A polyfast ufunc with one deliberate fault, for the test below: same
    nin/nout/types/signature/__name__, results corrupted in one situation."""

    def __init__(self, ufunc, fault):
        self._ufunc, self._fault = ufunc, fault
        for attr in ("nin", "nout", "types", "signature", "__name__"):
            setattr(self, attr, getattr(ufunc, attr))

    def __call__(self, *args, **kwargs):
        args = tuple(np.asarray(a) for a in args)
        if self._fault == "stride" and not all(a.flags.c_contiguous for a in args):
            # a kernel that walks a strided operand with the wrong stride
            args = tuple(np.array(a[::-1] if a.ndim else a, order="C") for a in args)
        result = self._ufunc(*args, **kwargs)
        first = _as_tuple(result)[0]
        if first.size == 0:
            return result
        value = first[np.unravel_index(0, first.shape)]
        if self._fault == "threads" and polyfast.get_num_threads() > 1 and first.size > 1:
            _poke(first, first.size // 2, value + 1)  # a race in the pool: one item wrong
        elif self._fault == "block" and first.size > 2:
            _poke(first, first.size - 1, value + 1)  # a block tail gets a wrong value
        elif self._fault == "out" and kwargs.get("out") is not None:
            _poke(first, 0, value + 1)  # out= written through a wrong pointer
        elif self._fault == "dtype":  # a float32/complex64 loop that returns its input's twin
            result = tuple(np.asarray(r).astype(np.complex128 if r.dtype == np.complex64
                                                else np.float64 if r.dtype == np.float32
                                                else r.dtype) for r in _as_tuple(result))
            result = result if len(result) > 1 else result[0]
        return result


def _fault_applies(name, fault):
    spec = generic_ufuncs.describe(getattr(polyfast, name))
    if fault == "out":
        return spec.outs_known
    if fault == "dtype":
        return any(ch in "fF" for _, outs in spec.loops for ch in outs)
    return True


FAULTS = [pytest.param(name, fault, id=f"{name}-{fault}")
          for name in UFUNCS for fault in ("stride", "threads", "block", "out", "dtype")
          if _fault_applies(name, fault)]


@pytest.mark.parametrize("name, fault", FAULTS)
def test_generic_property_catches_faults(name, fault, num_threads):
    """The generic property can fail: a ufunc with a deliberate fault (one
    wrong item under several threads, a wrong stride, a wrong block tail, a
    wrong out= write, a float32 loop returning float64) is caught."""
    broken = _Broken(getattr(polyfast, name), fault)

    # derandomize: the same 60 examples every run.  A fault shows only in
    # some examples (find_bumps' block tail needs a cut inside the loop
    # dimension where the tail is not padding), and random draws missed it
    # about once in twenty runs.
    @settings(max_examples=60, deadline=None, database=None, report_multiple_bugs=False,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck),
              derandomize=True)
    @given(data=st.data())
    def run(data):
        with np.errstate(all="ignore"):
            prop_generic_ufunc(data, broken)

    with pytest.raises((AssertionError, pytest.fail.Exception)):
        run()
