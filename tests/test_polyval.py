"""polyfast.polyval: the gufunc ``(),(n)->()`` evaluating c[0] + c[1]*x + ...

For finite x it runs Horner's rule in exactly the order of
``numpy.polynomial.polynomial.polyval`` (p = c[n-1]; p = c[k] + p*x), so the
results are compared bit for bit, not with a tolerance.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

import polyfast
from reference import exact_polyval, relative_error

polyval = polyfast.polyval

FLOAT_DTYPES = [np.float32, np.float64]


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
def test_bit_identical_to_numpy(dtype, ncoef, assert_same_bits):
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
def test_no_coefficients_gives_zero(dtype, xshape):
    x = np.ones(xshape, dtype=dtype)
    got = polyval(x, np.empty(0, dtype=dtype))
    assert got.shape == xshape
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, 0)
    got = polyval(x[..., None] if xshape else x, np.empty((6, 0), dtype=dtype))
    assert got.shape == (xshape + (6,) if xshape else (6,))
    np.testing.assert_array_equal(got, 0)


def test_no_coefficients_broadcast_shape():
    got = polyval(np.arange(3.0).reshape(3, 1), np.empty((4, 0)))
    assert got.shape == (3, 4)
    np.testing.assert_array_equal(got, np.zeros((3, 4)))
    assert polyval(2.0, []) == 0.0


def test_constant_polynomial():
    x = np.linspace(-3, 3, 50)
    np.testing.assert_array_equal(polyval(x, [2.5]), np.full(50, 2.5))


def test_simple_values():
    np.testing.assert_array_equal(polyval(np.array([0.0, 1.0, 2.0]), [1.0, 2.0, 3.0]),
                                  [1.0, 6.0, 17.0])
    # the coefficient order is numpy.polynomial's (lowest degree first), not np.polyval's
    assert polyval(10.0, [1.0, 2.0]) == 21.0
    assert np.polyval([1.0, 2.0], 10.0) == 12.0


def test_against_exact_for_well_conditioned_points():
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

def test_loop_types():
    assert polyval.types == ["ff->f", "dd->d"]
    assert polyval.nin == 2 and polyval.nout == 1


def test_mixed_precision_promotes(assert_same_bits):
    x32 = _points(np.float32)
    c64 = _coefs(7, np.float64)
    got = polyval(x32, c64)
    assert got.dtype == np.float64
    assert_same_bits(got, P.polyval(x32.astype(np.float64), c64))
    got = polyval(x32.astype(np.float64), c64.astype(np.float32))
    assert got.dtype == np.float64


def test_integer_inputs(assert_same_bits):
    x = np.arange(-5, 6)
    got = polyval(x, [1, 2, 3])
    assert got.dtype == np.float64
    assert_same_bits(got, P.polyval(x.astype(float), [1.0, 2.0, 3.0]))
    got = polyval(np.arange(4, dtype=np.int16), np.array([1, 2], dtype=np.int8))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, [1, 3, 5, 7])


def test_dtype_keyword():
    x = np.linspace(-1, 1, 11)
    c = np.array([1.0, 0.5, 0.25])
    got = polyval(x, c, dtype=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, polyval(x.astype(np.float32), c.astype(np.float32)))
    with pytest.raises(TypeError):
        polyval(x, c, dtype=np.float32, casting="safe")


def test_zero_dim_and_scalars():
    y = polyval(2.0, [1.0, 2.0, 3.0])
    assert type(y) is np.float64 and y == 17.0
    y = polyval(np.float32(2.0), np.array([1.0, 2.0, 3.0], np.float32))
    assert type(y) is np.float32 and y == 17.0
    y = polyval(np.array(2.0), np.array([1.0, 1.0]))
    assert type(y) is np.float64 and y == 3.0


def test_empty_x():
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
def test_batched_rows(dtype, assert_same_bits):
    rng = np.random.default_rng(9)
    C = rng.normal(size=(300, 7)).astype(dtype)
    x = rng.uniform(-2, 2, 300).astype(dtype)
    got = polyval(x, C)
    assert got.shape == (300,)
    expected = np.array([P.polyval(x[i], C[i]) for i in range(300)], dtype=dtype)
    assert_same_bits(got, expected)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_outer_broadcast(dtype, assert_same_bits):
    rng = np.random.default_rng(10)
    C = rng.normal(size=(6, 9)).astype(dtype)
    x = rng.uniform(-2, 2, (50, 1)).astype(dtype)
    got = polyval(x, C)
    assert got.shape == (50, 6)
    expected = np.stack([P.polyval(x[:, 0], C[j]) for j in range(6)], axis=1)
    assert_same_bits(got, expected.astype(dtype))
    # numpy's own tensor form gives the transpose
    assert_same_bits(got, P.polyval(x[:, 0], C.T).T)


def test_scalar_x_many_polynomials():
    C = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(polyval(2.0, C), [P.polyval(2.0, row) for row in C])
    np.testing.assert_array_equal(polyval(2.0, [[1.0, 1.0], [0.0, 1.0]]), [3.0, 2.0])


def test_three_dimensional_batch(assert_same_bits):
    rng = np.random.default_rng(11)
    C = rng.normal(size=(4, 5, 3))
    x = rng.normal(size=5)
    got = polyval(x, C)
    assert got.shape == (4, 5)
    expected = np.array([[P.polyval(x[j], C[i, j]) for j in range(5)] for i in range(4)])
    assert_same_bits(got, expected)


def test_broadcast_mismatch():
    with pytest.raises(ValueError):
        polyval(np.ones(3), np.ones((4, 2)))


def test_axes_keyword(assert_same_bits):
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


def test_out_keyword(assert_same_bits):
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
def test_non_contiguous_coefficients(dtype, assert_same_bits):
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
def test_non_contiguous_x(dtype, assert_same_bits):
    rng = np.random.default_rng(14)
    base = rng.uniform(-2, 2, 30_000).astype(dtype)
    c = _coefs(9, dtype)
    for x in (base[::3], base[::-1], base[1:], base.reshape(100, 300)[::2, 1::2],
              np.asfortranarray(base.reshape(100, 300))):
        assert_same_bits(polyval(x, c), polyval(np.ascontiguousarray(x), c))
        assert_same_bits(polyval(x, c), P.polyval(x, c))


def test_read_only_and_unaligned(assert_same_bits):
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
def test_large_shared_coefficients(dtype, assert_same_bits):
    x = np.random.default_rng(15).uniform(-1.5, 1.5, 1_000_003).astype(dtype)
    c = _coefs(9, dtype)
    assert_same_bits(polyval(x, c), P.polyval(x, c))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_large_batched(dtype, assert_same_bits):
    rng = np.random.default_rng(16)
    C = rng.normal(size=(50_000, 5)).astype(dtype)
    x = rng.uniform(-2, 2, 50_000).astype(dtype)
    got = polyval(x, C)
    # numpy's tensor=False form evaluates column i of c.T at x[i]: per-row polynomials
    expected = P.polyval(x, C.T, tensor=False)
    assert expected.dtype == dtype
    assert_same_bits(got, expected)


def test_flags_from_worker_threads(num_threads):
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


def test_overflow_warning():
    with np.errstate(over="warn"):
        with pytest.warns(RuntimeWarning, match="overflow"):
            y = polyval(np.array([1e200]), [0.0, 0.0, 1.0])
    assert y[0] == np.inf


# --------------------------------------------------------------------------
# Non-finite x (outside the bit-identity contract)
# --------------------------------------------------------------------------

def test_nan_and_inf_x():
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
def test_negative_zero_leading_coefficient(dtype, assert_same_bits):
    x = np.ones(37, dtype=dtype)
    for c in ([-0.0], [-0.0, -0.0]):
        got = polyval(x, np.array(c, dtype=dtype))
        # every element has the same input, so must have the same bits
        assert_same_bits(got, np.full_like(got, got[-1]))


@pytest.mark.parametrize("threads", [1, 2])
def test_overlapping_shift(num_threads, threads, assert_same_bits):
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

def test_scalar_coefficients_rejected():
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
def test_bad_types(args):
    with pytest.raises(TypeError):
        polyval(*args)


def test_wrong_number_of_arguments():
    with pytest.raises(TypeError):
        polyval(np.ones(3))
    with pytest.raises(TypeError):
        polyval()


def test_gufunc_properties():
    assert polyval.signature == "(),(n)->()"
    assert isinstance(polyval, np.ufunc)
