"""The poly family: polyfast.poly8 and polyfast.polyval.

poly8, x + x**2 + ... + x**8 as a NumPy ufunc: accuracy against the
notebook's formulas and against exact rational values, special values and
floating-point flags, every loop dtype, and NumPy's ufunc machinery (out=,
where=, dtype=, casting=, order=, layouts, alignment).

polyval, the gufunc ``(),(n)->()`` evaluating c[0] + c[1]*x + ...: for
finite x it runs Horner's rule in exactly the order of
``numpy.polynomial.polynomial.polyval`` (p = c[n-1]; p = c[k] + p*x), so the
results are compared bit for bit, not with a tolerance.  Its tests are named
test_polyval_*.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import warnings
from fractions import Fraction

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

import polyfast
from reference import (
    NOTEBOOK_VARIANTS,
    exact_poly8,
    exact_poly8_float,
    exact_polyval,
    f_mem_numpy,
    f_nest_numpy,
    f_numpy,
    f_simple,
    poly8_factored,
    relative_error,
)

poly8 = polyfast.poly8

EPS64 = np.finfo(np.float64).eps
EPS32 = np.finfo(np.float32).eps
# The factored form x*(1+x)*(1+x**2)*(1+x**4) takes eight roundings, none of
# them amplified (the one cancellation, 1+x near -1, is exact), so its
# relative error stays within a few ulps; 16 eps leaves room and still fails
# any formula that cancels (the notebook's sum of powers is off by 10**7 ulps
# near -1, see test_notebook_formula_loses_digits_near_minus_one).
RTOL64 = 16 * EPS64
RTOL32 = 16 * EPS32

FLOAT_DTYPES = [np.float32, np.float64]
ALL_DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


# --------------------------------------------------------------------------
# Against the notebook
# --------------------------------------------------------------------------

def test_matches_notebook_f_numpy(notebook_x):
    # The notebook's own acceptance test, verbatim: assert_allclose defaults.
    np.testing.assert_allclose(poly8(notebook_x), f_numpy(notebook_x))


@pytest.mark.parametrize("name", sorted(NOTEBOOK_VARIANTS))
def test_matches_every_notebook_variant(notebook_x, name):
    np.testing.assert_allclose(poly8(notebook_x), NOTEBOOK_VARIANTS[name](notebook_x))


def test_matches_notebook_python_loop(notebook_x):
    x = notebook_x[:5000]  # f_simple is a Python loop: a slice is enough
    np.testing.assert_allclose(poly8(x), f_simple(x))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_bitwise_equals_documented_factored_form(notebook_x, dtype, assert_same_bits):
    # poly.h's formula evaluated by NumPy, one rounding per operation: the
    # same bits, specials included.
    x = np.concatenate([notebook_x, HARD_FINITE_64, [np.inf, -np.inf, np.nan]]).astype(dtype)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        assert_same_bits(poly8(x), poly8_factored(x))


def test_reference_variants_agree_with_each_other(notebook_x):
    # Guards the transcription in reference.py itself.
    x = notebook_x[:20000]
    np.testing.assert_allclose(f_nest_numpy(x), f_numpy(x))
    np.testing.assert_allclose(f_mem_numpy(x), f_numpy(x))
    np.testing.assert_array_equal(f_simple(x[:100]), f_numpy(x[:100]))
    assert f_numpy(2.0) == 510.0 and f_nest_numpy(2.0) == 510.0


def test_small_integers_exact():
    # Small integers: every intermediate is an integer below 2**53 (2**24 for
    # float32), so the result is exact.
    def exact(v):
        return sum(int(v) ** k for k in range(1, 9))

    x = np.arange(-30, 31, dtype=np.float64)
    np.testing.assert_array_equal(poly8(x), [exact(v) for v in x])
    x32 = np.arange(-7, 8, dtype=np.float32)
    np.testing.assert_array_equal(poly8(x32), np.array([exact(v) for v in x32], np.float32))


# --------------------------------------------------------------------------
# Hard inputs against exact values
# --------------------------------------------------------------------------

def _near_minus_one():
    values = []
    for d in (1e-1, 1e-3, 1e-6, 1e-9, 1e-12, 1e-15):
        values += [-1.0 + d, -1.0 - d]
    v = -1.0
    for _ in range(4):  # the four doubles on each side of -1
        v = float(np.nextafter(v, 0.0))
        values.append(v)
    v = -1.0
    for _ in range(4):
        v = float(np.nextafter(v, -2.0))
        values.append(v)
    return values


HARD_FINITE_64 = (
    [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1.5, -1.5, 1.0 + 1e-9, 1.0 - 1e-9]
    + _near_minus_one()
    # tiny: poly8(x) rounds to x
    + [1e-300, -1e-300, 2.2250738585072014e-308, -2.2250738585072014e-308,
       1e-310, -1e-310, 5e-324, -5e-324, 1e-160, -1e-160]
    # large but finite: x**8 = 6.6e307 < DBL_MAX
    + [1e10, -1e10, 1e30, -1e30, 3e38, -3e38]
)


@pytest.mark.parametrize("x", HARD_FINITE_64, ids=repr)
def test_float64_hard_inputs_exact_to_a_few_ulps(x):
    with np.errstate(under="ignore"):
        got = poly8(np.array([x]))[0]
    exact = exact_poly8(x)
    assert math.isfinite(got)
    assert relative_error(got, exact) <= RTOL64, (x, got, float(exact))


@pytest.mark.parametrize("x", [v for v in HARD_FINITE_64 if abs(v) < 1e4], ids=repr)
def test_float32_hard_inputs_exact_to_a_few_ulps(x):
    x32 = np.float32(x)
    with np.errstate(under="ignore"):
        got = poly8(np.array([x32]))[0]
    assert got.dtype == np.float32
    exact = exact_poly8(float(x32))
    assert relative_error(got, exact) <= RTOL32, (x32, got, float(exact))


def test_float32_near_minus_one_and_subnormals():
    vals = [np.float32(-1.0)]
    for direction in (0.0, -2.0):
        v = np.float32(-1.0)
        for _ in range(5):
            v = np.nextafter(v, np.float32(direction))
            vals.append(v)
    vals += [np.float32(1e-45), np.float32(-1e-45), np.float32(1e-40), np.float32(-3e-39),
             np.float32(-1 + 2**-10), np.float32(-1 - 2**-10)]
    x = np.array(vals, dtype=np.float32)
    with np.errstate(under="ignore"):
        got = poly8(x)
    for xi, yi in zip(x, got):
        assert relative_error(yi, exact_poly8(float(xi))) <= RTOL32, (xi, yi)


def test_notebook_formula_loses_digits_near_minus_one():
    """Why the hard inputs use exact values rather than f_numpy.

    Near x = -1 the eight powers are each about 1 in size and cancel to about
    4*(x+1): the sum of powers (and Horner's form) keep its absolute error of a
    few eps, which is a relative error of millions of ulps.  The notebook's
    assert_allclose (rtol 1e-7) cannot see that; poly8's factored form can.
    """
    x = np.array([-1.0 + 1e-9, -1.0 + 1e-6])
    exact = [exact_poly8(v) for v in x]
    numpy_err = [relative_error(v, e) for v, e in zip(f_numpy(x), exact)]
    poly8_err = [relative_error(v, e) for v, e in zip(poly8(x), exact)]
    assert min(numpy_err) > 1e-12          # > 4500 ulps off
    assert max(poly8_err) <= RTOL64        # a few ulps at most
    assert max(poly8_err) * 1000 < min(numpy_err)


def test_zero_and_minus_one_exactly():
    got = poly8(np.array([0.0, -0.0, -1.0]))
    np.testing.assert_array_equal(got, [0.0, 0.0, 0.0])
    # Note: poly8(-0.0) is -0.0 (x times a positive factor), where the
    # notebook's sum gives +0.0; both equal zero.


def test_tiny_inputs_return_themselves():
    x = np.array([5e-324, -5e-324, 1e-310, -1e-310, 1e-200, -1e-200])
    with np.errstate(under="ignore"):
        np.testing.assert_array_equal(poly8(x), x)
        x32 = np.array([1e-45, -1e-45, 1e-40, -1e-40, 1e-30], dtype=np.float32)
        np.testing.assert_array_equal(poly8(x32), x32)


# --------------------------------------------------------------------------
# Overflow, infinities, nan, floating-point flags
# --------------------------------------------------------------------------

HUGE = {
    np.float64: [1e39, -1e39, 1e45, -1e45, 1e300, -1e300, np.finfo(np.float64).max,
                 -np.finfo(np.float64).max],
    np.float32: [1e5, -1e5, 1e20, -1e20, np.finfo(np.float32).max, -np.finfo(np.float32).max],
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_overflow_is_plus_inf(dtype):
    x = np.array(HUGE[dtype], dtype=dtype)
    with np.errstate(over="ignore"):
        got = poly8(x)
    np.testing.assert_array_equal(got, np.inf)
    assert got.dtype == dtype


def test_notebook_sum_gives_nan_for_large_negative():
    # The documented difference: inf - inf in the sum of powers.
    x = np.array([-1e45, -1e300, -np.inf])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(f_numpy(x)).all()
        np.testing.assert_array_equal(poly8(x), np.inf)
    assert exact_poly8_float(-1e300) == math.inf


def test_infinities_and_nan_without_flags():
    x = np.array([np.inf, -np.inf, np.nan, -np.nan])
    with np.errstate(all="raise"):
        got = poly8(x)
        got32 = poly8(x.astype(np.float32))
    np.testing.assert_array_equal(got, [np.inf, np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(got32, np.array([np.inf, np.inf, np.nan, np.nan], np.float32))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("sign", [1, -1])
def test_overflow_warns(dtype, sign):
    huge = 1e5 if dtype in (np.float32, np.complex64) else 1e300
    x = np.array([0.5, sign * huge, 2.0], dtype=dtype)
    # complex: inf*0 in the products also raises "invalid", as in NumPy's own
    # complex multiply; only overflow is under test here
    with np.errstate(over="warn", invalid="ignore"):
        with pytest.warns(RuntimeWarning, match="overflow"):
            poly8(x)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_overflow_raises_under_errstate_raise(dtype):
    huge = -1e5 if dtype in (np.float32, np.complex64) else -1e300
    x = np.array([huge], dtype=dtype)
    with np.errstate(over="raise", invalid="ignore"):
        with pytest.raises(FloatingPointError, match="overflow"):
            poly8(x)


def test_no_warning_when_ignored_or_in_range(notebook_x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="ignore"):
            poly8(np.array([1e300, -1e300]))
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            poly8(notebook_x)
            poly8(notebook_x.astype(np.float32))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_overflow_flag_from_worker_threads(num_threads, dtype):
    """One overflowing element in a large input, computed by whichever thread.

    The input (2**22 items, large enough that the worker is awake for most of
    each call) is split into 32 blocks handed out dynamically to the calling
    thread and the worker; the overflow sits in a different block each time,
    so the worker computes it in many of these calls.  Each call must report
    it, and the next clean call must not.
    """
    num_threads(2)
    n = 1 << 22
    huge = dtype(-1e5 if dtype == np.float32 else -1e300)
    x = np.full(n, 0.5, dtype=dtype)
    block = n // 32
    for k in range(32):
        pos = k * block + (k * 37) % block
        x[pos] = huge
        with np.errstate(over="raise"):
            with pytest.raises(FloatingPointError, match="overflow"):
                poly8(x)
        with np.errstate(over="warn"):
            with pytest.warns(RuntimeWarning, match="overflow"):
                y = poly8(x)
        assert y[pos] == np.inf
        x[pos] = 0.5
        with np.errstate(over="raise"):
            y = poly8(x)  # no stale flag from the previous call
        assert np.isfinite(y).all()


# --------------------------------------------------------------------------
# float32 and complex loops
# --------------------------------------------------------------------------

def test_float32_against_float64_reference(notebook_x):
    """float32 result vs the notebook's formula in float64 on the same inputs.

    Tolerance: rtol = 16 * eps(float32) = 1.9e-6 with no atol.  The factored
    form's float32 error is a few float32 ulps; the float64 reference is off by
    at most 1e-9 relative even next to -1 (the closest float32 to -1 is 6e-8
    away), negligible here.
    """
    x32 = notebook_x.astype(np.float32)
    got = poly8(x32)
    assert got.dtype == np.float32
    ref = f_numpy(x32.astype(np.float64))
    np.testing.assert_allclose(got, ref, rtol=RTOL32, atol=0)


def _complex_sample(n, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n) + 1j * rng.normal(size=n)


def test_complex128_against_f_numpy():
    z = _complex_sample(200_000, 1)
    got = poly8(z)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, f_numpy(z))


def test_complex64_against_complex128_reference():
    """complex64: rtol 1e-5 where the polynomial is well conditioned.

    Everywhere the error is bounded by a small multiple of eps(float32) times
    sum_k |z|**k (the size of the terms); where that is within a factor 10 of
    |p(z)| (away from the polynomial's roots, the 8th roots of unity but 1,
    and 0) this means rtol 1e-5.
    """
    z = _complex_sample(200_000, 2).astype(np.complex64)
    got = poly8(z)
    assert got.dtype == np.complex64
    z128 = z.astype(np.complex128)
    ref = f_numpy(z128)
    scale = sum(np.abs(z128) ** k for k in range(1, 9))
    err = np.abs(got.astype(np.complex128) - ref)
    assert np.all(err <= 32 * EPS32 * scale)
    well = scale <= 10 * np.abs(ref)
    assert well.mean() > 0.9
    np.testing.assert_allclose(got[well], ref[well], rtol=1e-5)


@pytest.mark.parametrize("cdtype,rdtype", [(np.complex128, np.float64), (np.complex64, np.float32)])
def test_complex_with_zero_imaginary_matches_real(notebook_x, cdtype, rdtype):
    x = notebook_x[:50_000].astype(rdtype)
    got = poly8(x.astype(cdtype))
    np.testing.assert_array_equal(got.real, poly8(x))
    np.testing.assert_array_equal(got.imag, 0)


def test_complex_roots_of_unity_are_roots():
    k = np.arange(1, 8)
    z = np.exp(2j * np.pi * k / 8)
    assert np.all(np.abs(poly8(z)) < 1e-14)
    assert np.all(np.abs(poly8(z.astype(np.complex64))) < 1e-5)
    np.testing.assert_array_equal(poly8(np.array([0j, -1 + 0j, 1j, -1j])), 0)


def test_complex_specials():
    z = np.array([complex(np.nan, 0), complex(0, np.nan)])
    assert np.isnan(poly8(z)).all()
    w = np.array([2 + 0j, 1 + 1j, -1 + 1e-3j])
    np.testing.assert_allclose(poly8(w), f_numpy(w))


# --------------------------------------------------------------------------
# dtypes and casting
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_output_dtype_is_input_dtype(dtype):
    x = np.linspace(-1.5, 1.5, 101).astype(dtype)
    y = poly8(x)
    assert y.dtype == dtype
    assert y.shape == x.shape


def test_loop_types():
    assert poly8.types == ["f->f", "d->d", "F->F", "D->D"]
    assert poly8.nin == 1 and poly8.nout == 1


@pytest.mark.parametrize("dtype,expected", [
    (np.int8, np.float32), (np.uint8, np.float32), (np.int16, np.float32),
    (np.uint16, np.float32), (np.int32, np.float64), (np.uint32, np.float64),
    (np.int64, np.float64), (np.uint64, np.float64), (np.bool_, np.float32),
    (np.float16, np.float32),
])
def test_integer_and_bool_input_cast(dtype, expected):
    x = np.array([0, 1, 2, 3, 1, 0], dtype=dtype) if dtype != np.bool_ else \
        np.array([False, True, True, False])
    y = poly8(x)
    assert y.dtype == expected
    # Same rule as np.sin (the first loop the input casts to safely); np.sin
    # has a float16 loop and poly8 does not, so where np.sin gives float16
    # (bool, int8, uint8, float16) poly8 gives float32.
    assert y.dtype == np.result_type(np.sin(x).dtype, np.float32)
    np.testing.assert_array_equal(y, poly8(x.astype(expected)))


def test_integer_values():
    assert poly8(np.array([2], np.int64))[0] == 510.0
    assert poly8(np.array([-2], np.int16))[0] == np.float32(170.0)


def test_dtype_keyword_and_casting():
    x = np.linspace(-2, 2, 41)
    y = poly8(x, dtype=np.float32)  # default casting='same_kind' allows f8 -> f4
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, poly8(x.astype(np.float32)))
    with pytest.raises(TypeError):
        poly8(x, dtype=np.float32, casting="safe")
    # complex -> float is not "same kind": an error unless casting="unsafe"
    z = x + 1j
    with pytest.raises(TypeError):
        poly8(z, dtype=np.float64)
    with pytest.warns(np.exceptions.ComplexWarning):
        y = poly8(z, dtype=np.float64, casting="unsafe")
    np.testing.assert_array_equal(y, poly8(x))
    y = poly8(x.astype(np.float32), dtype=np.float64)
    assert y.dtype == np.float64
    y = poly8(x, dtype=np.complex128)
    assert y.dtype == np.complex128
    np.testing.assert_array_equal(y.real, poly8(x))


def test_signature_keyword():
    x = np.linspace(-2, 2, 9, dtype=np.float32)
    assert poly8(x, signature="d->d").dtype == np.float64
    assert poly8(x, signature=(np.float64, np.float64)).dtype == np.float64


# --------------------------------------------------------------------------
# Ufunc keywords: out=, where=, order=
# --------------------------------------------------------------------------

def test_out(notebook_x, assert_same_bits):
    x = notebook_x[:10_001]
    out = np.empty_like(x)
    r = poly8(x, out=out)
    assert r is out
    assert_same_bits(out, poly8(x))
    out2 = np.empty_like(x)
    r = poly8(x, out=(out2,))
    assert r is out2
    assert_same_bits(out2, out)


def test_out_of_other_dtype(notebook_x):
    x = notebook_x[:1000]
    out32 = np.empty(x.shape, np.float32)
    poly8(x, out=out32)  # f8 loop, result cast to f4 (same_kind)
    np.testing.assert_array_equal(out32, poly8(x).astype(np.float32))
    outc = np.empty(x.shape, np.complex128)
    poly8(x, out=outc)
    np.testing.assert_array_equal(outc.real, poly8(x))
    with pytest.raises(TypeError):
        poly8(x.astype(np.complex128), out=np.empty(x.shape))


def test_out_wrong_shape():
    with pytest.raises(ValueError):
        poly8(np.ones(5), out=np.empty(4))


def test_out_broadcasts_input():
    out = np.zeros((3, 4))
    poly8(np.array([1.0, 2.0, -1.0, 0.5]), out=out)
    np.testing.assert_array_equal(out, np.broadcast_to(poly8(np.array([1.0, 2.0, -1.0, 0.5])),
                                                       (3, 4)))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_where_keeps_unselected_out(dtype):
    x = np.linspace(-2, 2, 1001).astype(dtype)
    mask = np.random.default_rng(3).random(x.shape) < 0.5
    out = np.full(x.shape, 42, dtype=dtype)
    r = poly8(x, out=out, where=mask)
    assert r is out
    np.testing.assert_array_equal(out[mask], poly8(x[mask]))
    np.testing.assert_array_equal(out[~mask], 42)


def test_where_broadcast_and_large(notebook_x):
    x = notebook_x[:200_000]
    out = np.full_like(x, -7.0)
    poly8(x, out=out, where=False)
    np.testing.assert_array_equal(out, -7.0)
    mask = np.arange(x.size) % 3 == 0
    poly8(x, out=out, where=mask)
    np.testing.assert_array_equal(out[mask], poly8(x[mask]))
    np.testing.assert_array_equal(out[~mask], -7.0)
    # 2-D input, 1-D mask broadcast along rows
    x2 = x[:3000].reshape(100, 30)
    out2 = np.zeros_like(x2)
    m = np.arange(30) % 2 == 1
    poly8(x2, out=out2, where=m)
    np.testing.assert_array_equal(out2[:, m], poly8(x2[:, m]))
    np.testing.assert_array_equal(out2[:, ~m], 0)


def test_order_keyword():
    x = np.random.default_rng(4).normal(size=(40, 30))
    yf = poly8(x, order="F")
    assert yf.flags.f_contiguous
    np.testing.assert_array_equal(yf, poly8(x))
    xf = np.asfortranarray(x)
    assert poly8(xf).flags.f_contiguous  # order='K' follows the input
    assert poly8(xf, order="C").flags.c_contiguous


# --------------------------------------------------------------------------
# Shapes: scalars, 0-d, empty
# --------------------------------------------------------------------------

def test_zero_dim_returns_scalar():
    y = poly8(np.array(2.0))
    assert type(y) is np.float64 and y == 510.0
    y = poly8(np.float32(2.0))
    assert type(y) is np.float32 and y == 510.0
    y = poly8(np.complex64(1j))
    assert type(y) is np.complex64 and y == 0
    out = np.empty(())
    r = poly8(np.array(2.0), out=out)
    assert r is out and out[()] == 510.0


def test_python_scalars():
    assert poly8(2) == 510.0 and type(poly8(2)) is np.float64
    assert poly8(2.0) == 510.0 and type(poly8(2.0)) is np.float64
    assert poly8(-1.0) == 0.0
    assert poly8(1j) == 0 and type(poly8(1j)) is np.complex128
    assert poly8(True) == 8.0
    np.testing.assert_array_equal(poly8([1.0, 2.0]), [8.0, 510.0])


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 5), (2, 0, 3)])
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_empty(shape, dtype):
    y = poly8(np.empty(shape, dtype=dtype))
    assert y.shape == shape and y.dtype == dtype
    out = np.empty(shape, dtype=dtype)
    assert poly8(np.empty(shape, dtype=dtype), out=out) is out


# --------------------------------------------------------------------------
# Memory layouts: strides, read-only, in place, unaligned
# --------------------------------------------------------------------------

def _layouts(base):
    """Views of a 1-D array of 300_000 items with a variety of layouts."""
    a2 = base[:299_700].reshape(999, 300)
    return {
        "step3": base[::3],
        "reversed": base[::-1],
        "reversed_step7": base[-2::-7],
        "offset_by_one": base[1:],
        "rows_and_cols": a2[::2, 1::3],
        "fortran": np.asfortranarray(a2),
        "transposed": a2.T,
        "3d_transposed": base[:299_700].reshape(999, 30, 10).transpose(2, 0, 1)[:, ::-1, 1:],
        "column": a2[:, 5],
        "broadcast": np.broadcast_to(base[:300], (50, 300)),
    }


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_non_contiguous_layouts(dtype, assert_same_bits):
    rng = np.random.default_rng(5)
    base = rng.normal(size=300_000) * 1.2
    if np.issubdtype(dtype, np.complexfloating):
        base = base + 1j * rng.normal(size=300_000)
    base = base.astype(dtype)
    for name, view in _layouts(base).items():
        got = poly8(view)
        assert got.shape == view.shape, name
        assert_same_bits(got, poly8(np.ascontiguousarray(view)))
        np.testing.assert_allclose(got, f_numpy(view.astype(np.complex128 if np.iscomplexobj(view)
                                                            else np.float64)),
                                   rtol=1e-4 if dtype in (np.float32, np.complex64) else 1e-7,
                                   atol=1e-4, err_msg=name)


def test_non_contiguous_out(notebook_x, assert_same_bits):
    x = notebook_x[:100_000]
    big = np.zeros(300_000)
    poly8(x, out=big[::3])
    assert_same_bits(big[::3], poly8(x))
    np.testing.assert_array_equal(big[1::3], 0)
    rev = np.empty_like(x)
    poly8(x, out=rev[::-1])
    assert_same_bits(rev[::-1], poly8(x))


def test_read_only_input(notebook_x, assert_same_bits):
    assert not notebook_x.flags.writeable
    y = poly8(notebook_x)
    assert y.flags.writeable
    with pytest.raises(ValueError):
        poly8(notebook_x, out=notebook_x)
    ro = np.linspace(-2, 2, 77, dtype=np.float32)
    ro.setflags(write=False)
    assert_same_bits(poly8(ro), poly8(ro.copy()))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_in_place(notebook_x, dtype, assert_same_bits):
    x = notebook_x[:100_003].astype(dtype)
    expected = poly8(x)
    y = x.copy()
    r = poly8(y, out=y)
    assert r is y
    assert_same_bits(y, expected)


def test_overlapping_shift_single_thread(notebook_x, num_threads, assert_same_bits):
    num_threads(1)
    x = notebook_x[:200_000].copy()
    expected = poly8(x[1:])
    poly8(x[1:], out=x[:-1])
    assert_same_bits(x[:-1], expected)


# NumPy makes no copy when an output trails its input in memory (out=x[:-1]
# for input x[1:]): it relies on inner loops going through the elements in
# order, reading item i+1 before writing item i.  Blocks run on several
# threads at once would break that, so the pool's loop runs such calls on one
# thread.  With 4M items the worker takes part in nearly every other call, so
# a regression fails within a few trials.
def test_overlapping_shift_threaded(num_threads):
    num_threads(2)
    base = np.random.default_rng(0).normal(size=4_000_000)
    expected = poly8(base[1:])
    for trial in range(30):  # stops at the first wrong call
        x = base.copy()
        poly8(x[1:], out=x[:-1])
        wrong = np.flatnonzero(x[:-1] != expected)
        assert wrong.size == 0, f"call {trial}: wrong items at {wrong[:10]}"


def _unaligned(n, dtype, fill):
    """An array of n items of dtype starting 1 byte past an aligned address."""
    itemsize = np.dtype(dtype).itemsize
    buf = np.zeros(n * itemsize + 1, dtype=np.uint8)
    arr = buf[1:].view(dtype)
    assert not arr.flags.aligned
    arr[...] = fill
    return arr


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("n", [1, 37, 1000, 100_003])
def test_unaligned_input_and_output(dtype, n, assert_same_bits):
    rng = np.random.default_rng(n)
    data = rng.normal(size=n) * 1.3
    if np.issubdtype(dtype, np.complexfloating):
        data = data + 1j * rng.normal(size=n)
    data = data.astype(dtype)
    x = _unaligned(n, dtype, data)
    expected = poly8(data)
    assert_same_bits(poly8(x), expected)
    out = _unaligned(n, dtype, 0)
    poly8(data, out=out)
    assert_same_bits(out, expected)
    poly8(x, out=x)  # unaligned and in place
    assert_same_bits(x, expected)


# --------------------------------------------------------------------------
# Large contiguous outputs (the non-temporal store path)
# --------------------------------------------------------------------------

def _last_level_cache_bytes():
    """What polyfast uses: sysconf L3 (else L2) cache size, else 8 MiB."""
    getconf = shutil.which("getconf")
    for name in ("LEVEL3_CACHE_SIZE", "LEVEL2_CACHE_SIZE"):
        if getconf is None:
            break
        try:
            value = int(subprocess.run([getconf, name], capture_output=True, text=True,
                                       timeout=10).stdout.strip() or 0)
        except (ValueError, OSError, subprocess.SubprocessError):
            value = 0
        if value > 0:
            return value
    return 8 << 20


def _mem_available_bytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_output_larger_than_cache_matches_chunks(dtype, assert_same_bits):
    """Large outputs already in memory are written with streaming stores.

    The threshold is half the last-level cache, kept between 1 and 16 MiB
    (src/module/module.c), and only resident outputs stream (a reused buffer,
    not a fresh allocation).  That path starts with scalar items until the
    output is vector-aligned; give it a written-to output whose address is 8
    bytes past a 64-byte boundary and compare with the same data computed in
    small (cached-path) chunks, and with a fresh output (the plain path).
    """
    itemsize = np.dtype(dtype).itemsize
    threshold = min(max(_last_level_cache_bytes() // 2, 1 << 20), 16 << 20)
    n = threshold // itemsize + 1001
    if n * itemsize > 400 << 20 or 4 * n * itemsize > _mem_available_bytes():
        pytest.skip(f"streaming threshold needs {n * itemsize >> 20} MiB per array")
    x = np.random.default_rng(6).standard_normal(n, dtype=dtype)
    base = np.empty(n + 64 // itemsize * 2, dtype=dtype)
    base.fill(1.0)  # resident, as a reused out= buffer is
    skip = next(k for k in range(64) if (base[k:].ctypes.data % 64) == 8)
    out = base[skip:skip + n]
    poly8(x, out=out)
    chunk = 1 << 16
    expected = np.empty_like(x)
    for start in range(0, n, chunk):
        poly8(x[start:start + chunk], out=expected[start:start + chunk])
    assert_same_bits(out, expected)
    assert_same_bits(poly8(x), expected)
    assert_same_bits(poly8(x, out=np.empty_like(x)), expected)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["a", np.array(["a", "b"]), np.array([b"x"]),
                                 np.array([1.0, 2.0], dtype=object), [1.0, "a"],
                                 np.array(["2020-01-01"], dtype="datetime64[D]")],
                         ids=["str", "str_array", "bytes_array", "object_array", "mixed_list",
                              "datetime"])
def test_bad_input_type_error(bad):
    with pytest.raises(TypeError):
        poly8(bad)


def test_wrong_number_of_arguments():
    with pytest.raises(TypeError):
        poly8()
    with pytest.raises(TypeError):
        poly8(np.ones(3), np.ones(3), np.ones(3))


# --------------------------------------------------------------------------
# __array_ufunc__ containers
# --------------------------------------------------------------------------

def test_xarray():
    xr = pytest.importorskip("xarray")
    x = np.linspace(-2, 2, 12)
    da = xr.DataArray(x.reshape(3, 4), dims=("a", "b"), attrs={"units": "m"})
    res = poly8(da)
    assert isinstance(res, xr.DataArray)
    assert res.dims == ("a", "b")
    np.testing.assert_array_equal(res.values, poly8(x).reshape(3, 4))


def test_dask():
    da = pytest.importorskip("dask.array")
    x = np.random.default_rng(7).normal(size=100_000)
    dx = da.from_array(x, chunks=30_000)
    res = poly8(dx)
    assert isinstance(res, da.Array)
    np.testing.assert_array_equal(res.compute(), poly8(x))


def test_exact_helper_sanity():
    # The yardstick itself: exact values of easy cases.
    assert exact_poly8(2.0) == 510
    assert exact_poly8(-1.0) == 0
    assert exact_poly8(0.5) == Fraction(255, 256)
    assert exact_poly8_float(1e300) == math.inf


# ---------------------------------------------------------------- polyval

polyval = polyfast.polyval



def _points(dtype, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.concatenate([
        rng.uniform(-2.0, 2.0, n),
        [0.0, 1.0, -1.0, 0.5, -0.5, 1e-30, -1e-30, 3.0, -3.0],
    ])
    return x.astype(dtype)


def _coefs(n, dtype, seed=1):
    # Nonzero coefficients of mixed sign and size; no exact zeros, so no
    # result is a signed zero (see test_negative_zero_leading_coefficient).
    rng = np.random.default_rng(seed + n)
    c = rng.uniform(0.25, 2.0, n) * rng.choice([-1.0, 1.0], n)
    return c.astype(dtype)


# --------------------------------------------------------------------------
# Against numpy.polynomial.polynomial.polyval
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("ncoef", range(1, 21))
def test_polyval_bit_identical_to_numpy(dtype, ncoef, assert_same_bits):
    x = _points(dtype)
    c = _coefs(ncoef, dtype)
    got = polyval(x, c)
    expected = P.polyval(x, c)
    assert got.dtype == dtype
    assert expected.dtype == dtype
    np.testing.assert_array_equal(got, expected)
    assert_same_bits(got, expected)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("xshape", [(5,), (3, 4), (), (0,)])
def test_polyval_no_coefficients_gives_zero(dtype, xshape):
    x = np.ones(xshape, dtype=dtype)
    got = polyval(x, np.empty(0, dtype=dtype))
    assert got.shape == xshape
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, 0)
    got = polyval(x[..., None] if xshape else x, np.empty((6, 0), dtype=dtype))
    assert got.shape == (xshape + (6,) if xshape else (6,))
    np.testing.assert_array_equal(got, 0)


def test_polyval_no_coefficients_broadcast_shape():
    got = polyval(np.arange(3.0).reshape(3, 1), np.empty((4, 0)))
    assert got.shape == (3, 4)
    np.testing.assert_array_equal(got, np.zeros((3, 4)))
    assert polyval(2.0, []) == 0.0


def test_polyval_constant_polynomial():
    x = np.linspace(-3, 3, 50)
    np.testing.assert_array_equal(polyval(x, [2.5]), np.full(50, 2.5))


def test_polyval_simple_values():
    np.testing.assert_array_equal(polyval(np.array([0.0, 1.0, 2.0]), [1.0, 2.0, 3.0]),
                                  [1.0, 6.0, 17.0])
    # the coefficient order is numpy.polynomial's (lowest degree first), not np.polyval's
    assert polyval(10.0, [1.0, 2.0]) == 21.0
    assert np.polyval([1.0, 2.0], 10.0) == 12.0


def test_polyval_against_exact_for_well_conditioned_points():
    # Horner on positive x with positive coefficients: no cancellation.
    rng = np.random.default_rng(8)
    c = rng.uniform(0.5, 1.5, 12)
    for x in rng.uniform(0.0, 2.0, 50):
        got = polyval(x, c)
        assert relative_error(got, exact_polyval(x, c)) <= 32 * np.finfo(np.float64).eps


def test_poly8_as_polyval(notebook_x):
    c = np.array([0.0] + [1.0] * 8)
    np.testing.assert_allclose(polyval(notebook_x, c), polyfast.poly8(notebook_x), rtol=1e-12,
                               atol=1e-12)


# --------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------

def test_polyval_loop_types():
    assert polyval.types == ["ff->f", "dd->d"]
    assert polyval.nin == 2 and polyval.nout == 1


def test_polyval_mixed_precision_promotes(assert_same_bits):
    x32 = _points(np.float32)
    c64 = _coefs(7, np.float64)
    got = polyval(x32, c64)
    assert got.dtype == np.float64
    assert_same_bits(got, P.polyval(x32.astype(np.float64), c64))
    got = polyval(x32.astype(np.float64), c64.astype(np.float32))
    assert got.dtype == np.float64


def test_polyval_integer_inputs(assert_same_bits):
    x = np.arange(-5, 6)
    got = polyval(x, [1, 2, 3])
    assert got.dtype == np.float64
    assert_same_bits(got, P.polyval(x.astype(float), [1.0, 2.0, 3.0]))
    got = polyval(np.arange(4, dtype=np.int16), np.array([1, 2], dtype=np.int8))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, [1, 3, 5, 7])


def test_polyval_dtype_keyword():
    x = np.linspace(-1, 1, 11)
    c = np.array([1.0, 0.5, 0.25])
    got = polyval(x, c, dtype=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, polyval(x.astype(np.float32), c.astype(np.float32)))
    with pytest.raises(TypeError):
        polyval(x, c, dtype=np.float32, casting="safe")


def test_polyval_zero_dim_and_scalars():
    y = polyval(2.0, [1.0, 2.0, 3.0])
    assert type(y) is np.float64 and y == 17.0
    y = polyval(np.float32(2.0), np.array([1.0, 2.0, 3.0], np.float32))
    assert type(y) is np.float32 and y == 17.0
    y = polyval(np.array(2.0), np.array([1.0, 1.0]))
    assert type(y) is np.float64 and y == 3.0


def test_polyval_empty_x():
    got = polyval(np.empty(0), [1.0, 2.0])
    assert got.shape == (0,) and got.dtype == np.float64
    got = polyval(np.empty((0, 1)), np.ones((3, 4)))
    assert got.shape == (0, 3)
    got = polyval(1.0, np.empty((0, 5)))
    assert got.shape == (0,)


# --------------------------------------------------------------------------
# Broadcasting and batched coefficients
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_batched_rows(dtype, assert_same_bits):
    rng = np.random.default_rng(9)
    C = rng.normal(size=(300, 7)).astype(dtype)
    x = rng.uniform(-2, 2, 300).astype(dtype)
    got = polyval(x, C)
    assert got.shape == (300,)
    expected = np.array([P.polyval(x[i], C[i]) for i in range(300)], dtype=dtype)
    assert_same_bits(got, expected)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_outer_broadcast(dtype, assert_same_bits):
    rng = np.random.default_rng(10)
    C = rng.normal(size=(6, 9)).astype(dtype)
    x = rng.uniform(-2, 2, (50, 1)).astype(dtype)
    got = polyval(x, C)
    assert got.shape == (50, 6)
    expected = np.stack([P.polyval(x[:, 0], C[j]) for j in range(6)], axis=1)
    assert_same_bits(got, expected.astype(dtype))
    # numpy's own tensor form gives the transpose
    assert_same_bits(got, P.polyval(x[:, 0], C.T).T)


def test_polyval_scalar_x_many_polynomials():
    C = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(polyval(2.0, C), [P.polyval(2.0, row) for row in C])
    np.testing.assert_array_equal(polyval(2.0, [[1.0, 1.0], [0.0, 1.0]]), [3.0, 2.0])


def test_polyval_three_dimensional_batch(assert_same_bits):
    rng = np.random.default_rng(11)
    C = rng.normal(size=(4, 5, 3))
    x = rng.normal(size=5)
    got = polyval(x, C)
    assert got.shape == (4, 5)
    expected = np.array([[P.polyval(x[j], C[i, j]) for j in range(5)] for i in range(4)])
    assert_same_bits(got, expected)


def test_polyval_broadcast_mismatch():
    with pytest.raises(ValueError):
        polyval(np.ones(3), np.ones((4, 2)))


def test_polyval_axes_keyword(assert_same_bits):
    rng = np.random.default_rng(12)
    C = rng.normal(size=(40, 6))
    x = rng.normal(size=40)
    expected = polyval(x, C)
    CT = np.ascontiguousarray(C.T)  # coefficients along axis 0
    assert_same_bits(polyval(x, CT, axes=[(), (0,), ()]), expected)
    assert_same_bits(polyval(x, CT, axes=[(), (-2,), ()]), expected)
    assert_same_bits(polyval(x, CT, axis=0), expected)
    with pytest.raises((ValueError, TypeError)):
        polyval(x, C, axes=[(), (0, 1), ()])


def test_polyval_out_keyword(assert_same_bits):
    x = _points(np.float64)
    c = _coefs(5, np.float64)
    out = np.empty_like(x)
    r = polyval(x, c, out=out)
    assert r is out
    assert_same_bits(out, P.polyval(x, c))
    big = np.zeros(2 * x.size)
    polyval(x, c, out=big[::2])
    assert_same_bits(big[::2], out)
    np.testing.assert_array_equal(big[1::2], 0)
    with pytest.raises(ValueError):
        polyval(x, c, out=np.empty(x.size - 1))


# --------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_non_contiguous_coefficients(dtype, assert_same_bits):
    rng = np.random.default_rng(13)
    x = rng.uniform(-2, 2, 5001).astype(dtype)
    c_big = rng.normal(size=30).astype(dtype)
    for c in (c_big[::3], c_big[::-1], c_big[1::4], np.broadcast_to(dtype(1.5), (7,))):
        assert_same_bits(polyval(x, c), P.polyval(x, np.ascontiguousarray(c)))
    C = rng.normal(size=(500, 12)).astype(dtype)
    xr = x[:500]
    expected = polyval(xr, np.ascontiguousarray(C[:, ::2]))
    assert_same_bits(polyval(xr, C[:, ::2]), expected)
    assert_same_bits(polyval(xr, np.asfortranarray(C[:, ::2])), expected)
    assert_same_bits(polyval(xr[::-1], C[::-1, ::2]), expected[::-1])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_non_contiguous_x(dtype, assert_same_bits):
    rng = np.random.default_rng(14)
    base = rng.uniform(-2, 2, 30_000).astype(dtype)
    c = _coefs(9, dtype)
    for x in (base[::3], base[::-1], base[1:], base.reshape(100, 300)[::2, 1::2],
              np.asfortranarray(base.reshape(100, 300))):
        assert_same_bits(polyval(x, c), polyval(np.ascontiguousarray(x), c))
        assert_same_bits(polyval(x, c), P.polyval(x, c))


def test_polyval_read_only_and_unaligned(assert_same_bits):
    x = _points(np.float64)
    c = _coefs(6, np.float64)
    expected = P.polyval(x, c)
    xr = x.copy()
    xr.setflags(write=False)
    cr = c.copy()
    cr.setflags(write=False)
    assert_same_bits(polyval(xr, cr), expected)
    buf = np.zeros(x.size * 8 + 1, np.uint8)
    xu = buf[1:].view(np.float64)
    xu[...] = x
    cbuf = np.zeros(c.size * 8 + 1, np.uint8)
    cu = cbuf[1:].view(np.float64)
    cu[...] = c
    assert not xu.flags.aligned and not cu.flags.aligned
    assert_same_bits(polyval(xu, cu), expected)


# --------------------------------------------------------------------------
# Large inputs (the parallel path)
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_large_shared_coefficients(dtype, assert_same_bits):
    x = np.random.default_rng(15).uniform(-1.5, 1.5, 1_000_003).astype(dtype)
    c = _coefs(9, dtype)
    assert_same_bits(polyval(x, c), P.polyval(x, c))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_large_batched(dtype, assert_same_bits):
    rng = np.random.default_rng(16)
    C = rng.normal(size=(50_000, 5)).astype(dtype)
    x = rng.uniform(-2, 2, 50_000).astype(dtype)
    got = polyval(x, C)
    # numpy's tensor=False form evaluates column i of c.T at x[i]: per-row polynomials
    expected = P.polyval(x, C.T, tensor=False)
    assert expected.dtype == dtype
    assert_same_bits(got, expected)


def test_polyval_flags_from_worker_threads(num_threads):
    """An invalid operation (0 * inf) in one item of a large input, in each
    of the 32 blocks in turn, reaches np.errstate whichever thread ran it."""
    num_threads(2)
    n = 1 << 19
    x = np.full(n, 0.5)
    c = np.array([1.0, 0.0])  # 1 + 0*x: nan, "invalid", at x = inf
    block = n // 32
    for k in range(32):
        pos = k * block + (k * 101) % block
        x[pos] = np.inf
        with np.errstate(invalid="raise"):
            with pytest.raises(FloatingPointError, match="invalid"):
                polyval(x, c)
        with np.errstate(invalid="ignore"):
            y = polyval(x, c)
        assert np.isnan(y[pos])
        x[pos] = 0.5
        with np.errstate(all="raise"):
            assert (polyval(x, c) == 1.0).all()


def test_polyval_overflow_warning():
    with np.errstate(over="warn"):
        with pytest.warns(RuntimeWarning, match="overflow"):
            y = polyval(np.array([1e200]), [0.0, 0.0, 1.0])
    assert y[0] == np.inf


# --------------------------------------------------------------------------
# Non-finite x (outside the bit-identity contract)
# --------------------------------------------------------------------------

def test_polyval_nan_and_inf_x():
    c = [1.0, 2.0]
    got = polyval(np.array([np.nan, np.inf, -np.inf]), c)
    # Horner gives 1 + 2*inf = inf; numpy.polynomial starts from c[-1] + x*0,
    # which is nan for infinite x, so it returns nan there.
    np.testing.assert_array_equal(got, [np.nan, np.inf, -np.inf])
    with np.errstate(invalid="ignore"):
        assert np.isnan(P.polyval(np.array([np.inf]), c)).all()


# --------------------------------------------------------------------------
# Signed zeros and overlapping operands
# --------------------------------------------------------------------------

# The SIMD body once started Horner from 0 + c[n-1], turning a leading -0.0
# into +0.0 while the scalar tail kept it: the sign of a zero depended on the
# element's position.
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_polyval_negative_zero_leading_coefficient(dtype, assert_same_bits):
    x = np.ones(37, dtype=dtype)
    for c in ([-0.0], [-0.0, -0.0]):
        got = polyval(x, np.array(c, dtype=dtype))
        # every element has the same input, so must have the same bits
        assert_same_bits(got, np.full_like(got, got[-1]))


@pytest.mark.parametrize("threads", [1, 2])
def test_polyval_overlapping_shift(num_threads, threads, assert_same_bits):
    # Unlike poly8 (see test_poly8.test_overlapping_shift_threaded), NumPy
    # copies overlapping operands of a gufunc, so this is safe with threads.
    num_threads(threads)
    c = _coefs(9, np.float64)
    for trial in range(20):
        x = np.random.default_rng(trial).uniform(-1.5, 1.5, 200_000)
        expected = polyval(x[1:], c)
        polyval(x[1:], c, out=x[:-1])
        assert_same_bits(x[:-1], expected)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

def test_polyval_scalar_coefficients_rejected():
    with pytest.raises(ValueError, match="core"):
        polyval(np.ones(3), 3.0)
    with pytest.raises(ValueError):
        polyval(1.0, 3.0)


@pytest.mark.parametrize("args", [
    ("a", [1.0]),
    (np.ones(3), ["a", "b"]),
    (np.array(["a"]), [1.0]),
    (np.ones(3, dtype=object), [1.0]),
    (np.ones(3), np.ones(2, dtype=object)),
    (np.ones(3), [1j, 2.0]),          # no complex loop; complex -> float is unsafe
    (np.ones(3, dtype=complex), [1.0]),
], ids=["str_x", "str_c", "str_array_x", "object_x", "object_c", "complex_c", "complex_x"])
def test_polyval_bad_types(args):
    with pytest.raises(TypeError):
        polyval(*args)


def test_polyval_wrong_number_of_arguments():
    with pytest.raises(TypeError):
        polyval(np.ones(3))
    with pytest.raises(TypeError):
        polyval()


def test_polyval_gufunc_properties():
    assert polyval.signature == "(),(n)->()"
    assert isinstance(polyval, np.ufunc)
