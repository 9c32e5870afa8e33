"""polyfast.norm_pdf: against the closed form, SciPy and the notebook's MCMC
code's formula, bit for bit where the formula is exact; float32, special
values, broadcasting, strides and threads."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import polyfast
import reference_mcmc as ref


def _closed_form(loc, scale, x):
    """The formula in Python floats with math.exp (glibc's exp)."""
    if not scale > 0:
        return math.nan
    y = (x - loc) / scale
    return math.exp(-(y * y) / 2.0) / math.sqrt(2 * math.pi) / scale


def _wide_inputs(seed=0, size=20000):
    rng = np.random.default_rng(seed)
    loc = rng.uniform(-5, 5, size)
    scale = np.exp(rng.uniform(np.log(1e-3), np.log(1e3), size))
    # |y| up to 45: the pdf runs through the subnormals (y**2/2 > 708.4) to 0
    y = rng.uniform(-45, 45, size)
    tail = np.sqrt(2 * rng.uniform(700, 746, size // 4)) * rng.choice([-1, 1], size // 4)
    y[: size // 4] = tail
    x = loc + y * scale
    return loc, scale, x


def test_norm_pdf_is_a_ufunc():
    f = polyfast.norm_pdf
    assert isinstance(f, np.ufunc)
    assert f.__name__ == "norm_pdf"
    assert (f.nin, f.nout) == (3, 1)
    assert "fff->f" in f.types and "ddd->d" in f.types


def test_norm_pdf_notebook_check():
    # the notebook's own assertion, with SciPy
    stats = pytest.importorskip("scipy.stats")
    assert polyfast.norm_pdf(.4, .7, .2) == stats.norm(.4, .7).pdf(.2)
    assert polyfast.norm_pdf(.4, .7, .2) == ref.norm_pdf(.4, .7, .2)


def test_norm_pdf_against_scipy_including_tails():
    stats = pytest.importorskip("scipy.stats")
    loc, scale, x = _wide_inputs()
    expected = stats.norm(loc, scale).pdf(x)
    got = polyfast.norm_pdf(loc, scale, x)
    assert ((expected > 0) & (expected < np.finfo(float).tiny)).sum() > 1000  # subnormals tested
    assert (expected == 0).sum() > 100
    assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_norm_pdf_against_closed_form():
    loc, scale, x = _wide_inputs(seed=1, size=5000)
    expected = np.array([_closed_form(*t) for t in zip(loc.tolist(), scale.tolist(), x.tolist())])
    # the same operations, one rounding each, and the same exp: the same bits
    assert_array_equal(polyfast.norm_pdf(loc, scale, x), expected)


def test_norm_pdf_against_the_notebook_formula():
    rng = np.random.default_rng(2)
    x = rng.normal(size=10000) * 5
    assert_allclose(polyfast.norm_pdf(0.3, 1.7, x), ref.norm_pdf(0.3, 1.7, x), rtol=1e-13, atol=0)


def test_norm_pdf_float32_rounds_the_float64_value_once():
    loc, scale, x = (a.astype(np.float32) for a in _wide_inputs(seed=3, size=5000))
    got = polyfast.norm_pdf(loc, scale, x)
    assert got.dtype == np.float32
    wide = polyfast.norm_pdf(loc.astype(np.float64), scale.astype(np.float64), x.astype(np.float64))
    assert_array_equal(got, wide.astype(np.float32))
    normal = wide > np.finfo(np.float32).tiny
    assert_allclose(got[normal], wide[normal], rtol=2.0**-24, atol=0)


def test_norm_pdf_float32_against_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(4)
    x = rng.uniform(-8, 8, 1000).astype(np.float32)
    got = polyfast.norm_pdf(np.float32(0.5), np.float32(1.5), x)
    expected = stats.norm(0.5, 1.5).pdf(x.astype(np.float64))
    assert got.dtype == np.float32
    assert_allclose(got, expected, rtol=2.0**-24 * 1.01, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norm_pdf_scale_not_positive_gives_nan_quietly(dtype):
    scale = np.array([0.0, -0.0, -1.0, -np.inf, np.nan, 1.0], dtype=dtype)
    with np.errstate(all="raise"):
        got = polyfast.norm_pdf(dtype(0), scale, dtype(0.5))
    assert np.isnan(got[:5]).all()
    assert got[5] == dtype(polyfast.norm_pdf(0.0, 1.0, 0.5))


def test_norm_pdf_special_values():
    got = polyfast.norm_pdf(0.0, 1.0, np.array([np.inf, -np.inf, np.nan, 0.0]))
    assert got[0] == 0 and got[1] == 0 and np.isnan(got[2])
    assert got[3] == 1 / np.sqrt(2 * np.pi)
    assert polyfast.norm_pdf(0.0, np.inf, 1.0) == 0.0


def test_norm_pdf_broadcasting_out_where_dtype():
    loc = np.array([[0.0], [1.0]])
    scale = np.array([1.0, 2.0, 3.0])
    x = 0.5
    expected = np.array([[_closed_form(l, s, x) for s in scale] for l in loc[:, 0]])
    assert_array_equal(polyfast.norm_pdf(loc, scale, x), expected)
    out = np.full((2, 3), -1.0)
    r = polyfast.norm_pdf(loc, scale, x, out=out)
    assert r is out
    assert_array_equal(out, expected)
    out = np.full((2, 3), -1.0)
    polyfast.norm_pdf(loc, scale, x, out=out, where=scale > 1.5)
    assert_array_equal(out[:, 0], -1.0)
    assert_array_equal(out[:, 1:], expected[:, 1:])
    r32 = polyfast.norm_pdf(loc, scale, x, dtype=np.float32)
    assert r32.dtype == np.float32
    assert polyfast.norm_pdf(1, 2, 3).dtype == np.float64  # ints cast to float64
    assert polyfast.norm_pdf(0.0, 1.0, np.empty(0)).shape == (0,)
    assert np.ndim(polyfast.norm_pdf(0.0, 1.0, 0.0)) == 0


def test_norm_pdf_strides_and_threads_do_not_change_bits():
    rng = np.random.default_rng(5)
    x = rng.normal(size=300001) * 10
    loc = rng.normal(size=300001)
    expected = np.array([_closed_form(l, 2.0, v) for l, v in zip(loc[:2000].tolist(), x[:2000].tolist())])
    threads = polyfast.get_num_threads()
    try:
        polyfast.set_num_threads(1)
        serial = polyfast.norm_pdf(loc, 2.0, x)
        polyfast.set_num_threads(max(2, threads))
        parallel = polyfast.norm_pdf(loc, 2.0, x)
    finally:
        polyfast.set_num_threads(threads)
    assert_array_equal(serial, parallel)
    assert_array_equal(serial[:2000], expected)
    assert_array_equal(polyfast.norm_pdf(loc[::-3], 2.0, x[::-3]), serial[::-3])
    ro = x.copy()
    ro.flags.writeable = False
    assert_array_equal(polyfast.norm_pdf(loc, 2.0, ro), serial)
