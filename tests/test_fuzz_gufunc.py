"""Structured fuzzing of the gufuncs' core-dimension handling, from Python.

The C driver fuzz/fuzz_kernels.c (run by .ci/fuzz.sh) exercises the kernels
with random core sizes and strides directly; this drives the same code through
NumPy's gufunc machinery and polyfast's ``process_core_dims`` / threaded outer
loop: random leading shapes (including 0), core sizes (including 0), ``axes=``
permutations, ``out=`` arrays with a core dimension ``m`` too small (must be a
ValueError), exact or larger (padded), strided and reversed outputs, and
broadcast parameters.  Results must equal those of the same call on
contiguous copies.  .ci/sanitize.sh runs it (with the whole suite) under
AddressSanitizer and UBSan, where any out-of-bounds access aborts.
"""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import polyfast  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# inf / inf in a bump is a NaN location with NumPy's usual "invalid" warning
pytestmark = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")


def _view(data, arr, label):
    """`arr` copied into a random layout (reversed / strided per axis)."""
    steps = [data.draw(st.sampled_from([1, -1, 2, -3]), label=f"{label}{i}")
             for i in range(arr.ndim)]
    big = np.full([s * abs(k) for s, k in zip(arr.shape, steps)], 99, dtype=arr.dtype)
    view = big[tuple(slice(None, None, k) for k in steps)][tuple(slice(0, s) for s in arr.shape)]
    view[...] = arr
    return view


@SETTINGS
@given(data=st.data())
def test_find_bumps_core_dims(data, num_threads):
    num_threads(data.draw(st.sampled_from([1, 2, 3]), label="threads"))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    lead = tuple(data.draw(st.lists(st.integers(0, 4), max_size=2), label="lead"))
    n = data.draw(st.integers(0, 40), label="n")
    values = data.draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.0, np.nan, np.inf]),
                                min_size=int(np.prod(lead + (n,))),
                                max_size=int(np.prod(lead + (n,)))))
    t = np.array(values, dtype=dtype).reshape(lead + (n,))
    thr = np.array(data.draw(st.sampled_from([0.5, 1.5])), dtype=dtype)
    if lead and data.draw(st.booleans(), label="per-row threshold"):
        thr = np.full(lead[-1:], 0.5, dtype=dtype)
    width = data.draw(st.integers(-1, 3))
    expected_loc, expected_count = polyfast.find_bumps(np.ascontiguousarray(t), thr, 0.0, width)
    m = (n + 1) // 2
    mode = data.draw(st.sampled_from(["none", "axes", "out_exact", "out_bigger",
                                      "out_small"]), label="mode")
    tv = _view(data, t, "t")
    if mode == "none":
        loc, count = polyfast.find_bumps(tv, thr, 0.0, width)
    elif mode == "axes":
        if not lead:
            return
        moved = np.moveaxis(tv, -1, 0)
        loc, count = polyfast.find_bumps(moved, thr, 0.0, width,
                                         axes=[(0,), (), (), (), (-1,), ()])
    else:
        extra = {"out_exact": 0, "out_bigger": data.draw(st.integers(1, 3)),
                 "out_small": -data.draw(st.integers(1, 3))}[mode]
        mm = m + extra
        if mm < 0:
            return
        loc = _view(data, np.zeros(lead + (mm,), dtype=dtype), "loc")
        count = _view(data, np.zeros(lead, dtype=np.int64), "count") if lead \
            else np.zeros((), np.int64)
        if mode == "out_small":
            with pytest.raises(ValueError, match="core dimension"):
                polyfast.find_bumps(tv, thr, 0.0, width, out=(loc, count))
            return
        polyfast.find_bumps(tv, thr, 0.0, width, out=(loc, count))
        assert np.isnan(loc[..., m:]).all()
        loc = loc[..., :m]
    np.testing.assert_array_equal(count, expected_count)
    np.testing.assert_array_equal(loc, expected_loc)


@SETTINGS
@given(data=st.data())
def test_polyval_core_dims(data, num_threads):
    num_threads(data.draw(st.sampled_from([1, 2, 3]), label="threads"))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    lead = tuple(data.draw(st.lists(st.integers(0, 5), max_size=2), label="lead"))
    n = data.draw(st.integers(0, 9), label="ncoef")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    c = rng.normal(size=lead + (n,)).astype(dtype)
    x = rng.normal(size=lead[-1:] if data.draw(st.booleans(), label="x_vector") else ()
                   ).astype(dtype)
    expected = polyfast.polyval(np.ascontiguousarray(x), np.ascontiguousarray(c))
    cv, xv = _view(data, c, "c"), _view(data, x, "x") if x.ndim else x
    if data.draw(st.booleans(), label="axes") and c.ndim >= 2:
        got = polyfast.polyval(xv, np.moveaxis(cv, -1, 0), axes=[(), (0,), ()])
    elif data.draw(st.booleans(), label="out"):
        shape = np.broadcast_shapes(x.shape, c.shape[:-1])
        out = _view(data, np.zeros(shape, dtype=dtype), "out") if shape else np.zeros((), dtype)
        got = polyfast.polyval(xv, cv, out=out)
        assert got is out
    else:
        got = polyfast.polyval(xv, cv)
    np.testing.assert_array_equal(got, expected)
