"""The bump finder (issue 3): find_bumps, pv_locations, pv_locations_ragged.

Every entry point is checked against tests/reference_bumps.py, a literal
transcription of the notebook's loop: the bumps found (their number and
places) must agree exactly with the notebook's float32 arithmetic, and the
locations to rtol 1e-6 (float32) / 1e-12 (float64) with the same loop
accumulating in float64, as polyfast does.
"""

import sys
import threading
import warnings

import numpy as np
import pytest

import polyfast
from simd_levels import SIMD_LEVELS
from reference_bumps import (
    INTEGRAL_THRESHOLD,
    MIN_WIDTH,
    THRESHOLD,
    pv_locations_reference,
    realistic_events,
)

RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-12}
F32_01 = float(np.float32(0.01))  # 0.009999999776482582, below 0.01


@pytest.fixture(autouse=True)
def _restore_threads():
    before = polyfast.get_num_threads()
    yield
    polyfast.set_num_threads(before)


def _references(row, threshold, integral_threshold, min_width, dtype):
    """(notebook's result, the same loop with float64 sums)."""
    dtype = np.dtype(dtype)
    notebook = pv_locations_reference(
        row, threshold, integral_threshold, min_width, dtype=dtype,
        accumulate="float32" if dtype == np.float32 else "float64",
    )
    exact = pv_locations_reference(
        row, threshold, integral_threshold, min_width, dtype=dtype, accumulate="float64"
    )
    return notebook, exact


def _entry_points(targets2d, threshold, integral_threshold, min_width):
    """Every way of getting per-row locations of a 2-D array, by name."""
    rows = targets2d.shape[0]
    results = {"pv_locations(2-D)": polyfast.pv_locations(targets2d, threshold, integral_threshold, min_width)}
    values, offsets = polyfast.pv_locations_ragged(targets2d, threshold, integral_threshold, min_width)
    assert offsets.dtype == np.int64 and offsets.shape == (rows + 1,)
    assert offsets[0] == 0 and offsets[-1] == values.size
    assert np.all(np.diff(offsets) >= 0)
    results["pv_locations_ragged"] = [values[offsets[r]:offsets[r + 1]] for r in range(rows)]
    results["pv_locations(1-D)"] = [
        polyfast.pv_locations(targets2d[r], threshold, integral_threshold, min_width)
        for r in range(rows)
    ]
    width = int(np.clip(min_width, -(2**63), 2**63 - 1))
    # A gufunc follows np.errstate: inf/inf and 0/0 locations warn "invalid",
    # x/0 "divide by zero", a threshold beyond float32's range "overflow in
    # cast", as np.divide would.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        locations, count = polyfast.find_bumps(targets2d, threshold, integral_threshold, width)
    n = targets2d.shape[1]
    assert locations.shape == (rows, (n + 1) // 2) and count.shape == (rows,)
    assert count.dtype == np.int64
    for r in range(rows):
        assert np.all(np.isnan(locations[r, count[r]:])), "find_bumps padding is not NaN"
    results["find_bumps"] = [locations[r, :count[r]] for r in range(rows)]
    return results


def check(targets2d, threshold, integral_threshold, min_width, *, notebook_rtol=None):
    """Assert that every entry point gives the reference's bumps and locations."""
    targets2d = np.asarray(targets2d)
    dtype = np.dtype(np.float32 if targets2d.dtype.type is np.float32 else np.float64)
    refs = [_references(row, threshold, integral_threshold, min_width, dtype) for row in targets2d]
    for name, rows in _entry_points(targets2d, threshold, integral_threshold, min_width).items():
        assert len(rows) == len(refs), name
        for r, (got, (notebook, exact)) in enumerate(zip(rows, refs)):
            assert got.dtype == dtype, f"{name} row {r}: dtype {got.dtype}"
            assert got.shape == notebook.shape, (
                f"{name} row {r}: {got.size} bumps, the notebook finds {notebook.size}"
            )
            np.testing.assert_allclose(got, exact, rtol=RTOL[dtype], atol=0, equal_nan=True,
                                       err_msg=f"{name} row {r}")
            if notebook_rtol is not None:
                np.testing.assert_allclose(got, notebook, rtol=notebook_rtol, atol=0,
                                           equal_nan=True, err_msg=f"{name} row {r} (notebook)")
    return refs


# --- realistic data ---------------------------------------------------------

@pytest.fixture(scope="module")
def events32():
    return realistic_events(300, 4000, seed=3, dtype=np.float32)


def test_realistic_float32(events32):
    refs = check(events32, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH, notebook_rtol=1e-5)
    counts = np.array([notebook.size for notebook, _ in refs])
    # The data must exercise the finder: bumps kept, bumps rejected, rows with many.
    assert counts.sum() > 1000 and counts.max() >= 10
    total = polyfast.pv_locations_ragged(events32, THRESHOLD, 0.0, 1)[0].size
    assert total > counts.sum()


def test_realistic_float64():
    events = realistic_events(150, 4000, seed=4, dtype=np.float64)
    check(events, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)


def test_float32_and_float64_agree_on_representable_thresholds():
    events = realistic_events(50, 4000, seed=5, dtype=np.float32)
    a = polyfast.pv_locations(events, 0.015625, 0.25, 3)
    b = polyfast.pv_locations(events.astype(np.float64), 0.015625, 0.25, 3)
    for x, y in zip(a, b):
        assert x.dtype == np.float32 and y.dtype == np.float64
        np.testing.assert_allclose(x, y, rtol=1e-6)


def test_reference_matches_numba_notebook(events32):
    """The transcription itself against the notebook's function compiled by numba."""
    numba = pytest.importorskip("numba")

    @numba.jit(numba.float32[:](numba.float32[:], numba.float32, numba.float32, numba.int32),
               locals={"integral": numba.float32, "sum_weights_locs": numba.float32},
               nopython=True)
    def pv_locations(targets, threshold, integral_threshold, min_width):
        state = 0
        integral = 0.0
        sum_weights_locs = 0.0
        items = np.empty(150, np.float32)
        nitems = 0
        for i in range(len(targets)):
            if targets[i] >= threshold:
                state += 1
                integral += targets[i]
                sum_weights_locs += i * targets[i]
            if (targets[i] < threshold or i == len(targets) - 1) and state > 0:
                if state >= min_width and integral >= integral_threshold:
                    items[nitems] = sum_weights_locs / integral
                    nitems += 1
                state = 0
                integral = 0.0
                sum_weights_locs = 0.0
        return items[:nitems]

    for row in events32[:100]:
        nb = pv_locations(row, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        ref = pv_locations_reference(row, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        np.testing.assert_array_equal(ref, nb)
        np.testing.assert_allclose(polyfast.pv_locations(row, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH),
                                   nb, rtol=1e-5)


# --- edge cases -------------------------------------------------------------

NAN, INF = np.nan, np.inf

EDGE_ROWS = {
    "zeros": [0.0] * 9,
    "all above": [1.0] * 9,
    "bump at 0": [1.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    "bump reaching the end": [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0],
    "single element at the end": [0.0, 0.0, 0.0, 5.0],
    "singles": [1.0, 0.0, 1.0, 0.0, 2.0, 0.0, 3.0],
    "nan inside": [0.0, 1.0, NAN, 1.0, 0.0, 0.0],
    "nan joins two runs": [1.0, 1.0, NAN, 1.0, 1.0, 0.0],
    "nan before a bump": [0.0, NAN, 1.0, 1.0, 0.0],
    "nan after a bump": [0.0, 1.0, 1.0, NAN, 0.0, 0.0],
    "nan at 0": [NAN, 1.0, 1.0, 0.0],
    "nan at the end, run open": [0.0, 1.0, 1.0, 1.0, NAN],
    "nan at the end, no run": [0.0, 1.0, 1.0, 0.0, NAN],
    "nan only": [NAN, NAN, NAN],
    "inf inside": [0.0, 1.0, INF, 1.0, 0.0],
    "inf at 0": [INF, 1.0, 0.0, 0.0],
    "inf at the end": [0.0, 1.0, 1.0, INF],
    "-inf ends a run": [1.0, 1.0, -INF, 1.0, 1.0],
    "inf and -inf": [INF, -INF, INF, 0.0],
    "negative values": [-1.0, 2.0, -3.0, 2.0, 2.0, -1.0],
    "huge": [0.0, 3e38, 3e38, 0.0],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(EDGE_ROWS))
@pytest.mark.parametrize("min_width", [-5, 0, 1, 2, 3, 2**70])
def test_edge_rows(name, min_width, dtype):
    row = np.array(EDGE_ROWS[name], dtype=dtype)
    for threshold, integral_threshold in [(0.5, 0.0), (0.5, 2.5), (1.0, 1.0)]:
        check(row[np.newaxis], threshold, integral_threshold, min_width)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_thresholds(dtype):
    row = np.array([0.0, 1.0, INF, NAN, -INF, 0.5, 0.0, INF, INF, 1.0], dtype=dtype)[np.newaxis]
    for threshold in [NAN, INF, -INF, 0.0, -1.0, 1e300, -1e300]:
        for integral_threshold in [NAN, INF, -INF, 0.0, 1e300]:
            check(row, threshold, integral_threshold, 1)


def test_nan_threshold_finds_nothing():
    assert polyfast.pv_locations(np.ones(10), np.nan, 0.0, 0).size == 0


def test_zero_sum_bump_is_nan():
    # threshold 0 makes a run of zeros; its location is 0/0 (the notebook's
    # numba would raise ZeroDivisionError).
    got = polyfast.pv_locations(np.zeros(5, np.float32), 0.0, 0.0, 1)
    assert got.shape == (1,) and np.isnan(got[0])


def test_inf_bump_location_is_nan_without_warning_from_pv_locations():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = polyfast.pv_locations(np.array([0.0, 1.0, np.inf, 0.0]), 0.5, 0.0, 1)
    assert got.shape == (1,) and np.isnan(got[0])


def test_nan_data_raises_no_warning():
    row = np.array([NAN, 1.0, NAN, 0.0, NAN], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(polyfast.pv_locations(row, 0.5, 0.0, 1), [1.0])
        loc, count = polyfast.find_bumps(row, 0.5, 0.0, 1)
        assert count == 1 and loc[0] == 1.0
        loc, count = polyfast.find_bumps(np.tile(row, (300, 20)), 0.5, 0.0, 1)
        assert np.all(count == 20)


def test_known_values():
    t = np.array([0, 1, 3, 0, 0, 2, 0, 4, 4], dtype=np.float32)
    np.testing.assert_array_equal(polyfast.pv_locations(t, 0.5, 0.0, 1), [1.75, 5.0, 7.5])
    np.testing.assert_array_equal(polyfast.pv_locations(t, 0.5, 0.0, 2), [1.75, 7.5])
    np.testing.assert_array_equal(polyfast.pv_locations(t, 0.5, 4.5, 1), [7.5])
    np.testing.assert_array_equal(polyfast.pv_locations(t, 1.5, 0.0, 1), [2.0, 5.0, 7.5])


def test_nan_bridges_a_run():
    # Both comparisons are false for NaN: it neither extends nor ends the run.
    got = polyfast.pv_locations(np.array([1.0, 1.0, np.nan, 1.0, 1.0, 0.0]), 0.5, 0.0, 1)
    np.testing.assert_array_equal(got, [(0 + 1 + 3 + 4) / 4])
    # ... and a NaN at the last index closes an open run (i == len - 1).
    got = polyfast.pv_locations(np.array([0.0, 2.0, 2.0, np.nan]), 0.5, 0.0, 2)
    np.testing.assert_array_equal(got, [1.5])


def test_threshold_not_representable_in_float32():
    # float32(0.01) < 0.01: a float32 bin holding exactly float32(0.01) reaches
    # the threshold cast to float32, as in the notebook; in float64 it does not.
    row = np.array([0.0, F32_01, F32_01, 0.0], dtype=np.float32)
    np.testing.assert_array_equal(polyfast.pv_locations(row, 0.01, 0.0, 1), [1.5])
    check(row[np.newaxis], 0.01, 0.0, 1)
    assert polyfast.pv_locations(row.astype(np.float64), 0.01, 0.0, 1).size == 0
    check(row[np.newaxis].astype(np.float64), 0.01, 0.0, 1)


def test_integral_threshold_cast_to_targets_dtype():
    x = float(np.float32(0.2))       # 0.20000000298...
    ithr = 0.200000003               # above x, but float32(ithr) == x
    assert x < ithr and float(np.float32(ithr)) == x
    row = np.array([0.0, x, 0.0])
    assert polyfast.pv_locations(row.astype(np.float32), 0.1, ithr, 1).size == 1
    assert polyfast.pv_locations(row, 0.1, ithr, 1).size == 0
    check(row[np.newaxis].astype(np.float32), 0.1, ithr, 1)
    check(row[np.newaxis], 0.1, ithr, 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_more_than_150_bumps(dtype):
    row = np.tile(np.array([0.0, 1.0, 2.0, 1.0], dtype=dtype), 400)
    got = polyfast.pv_locations(row, 0.5, 0.0, 3)
    assert got.size == 400
    np.testing.assert_allclose(got, 2.0 + 4 * np.arange(400), rtol=RTOL[np.dtype(dtype)])
    check(np.stack([row, row[::-1]]), 0.5, 0.0, 3)


@pytest.mark.parametrize("threads", [1, 2])
def test_many_bumps_in_many_rows(threads):
    # 500 bumps per row in 300 rows: the C side's per-block buffers grow many times.
    polyfast.set_num_threads(threads)
    rng = np.random.default_rng(1)
    t = (np.arange(1000) % 2 == 0) * rng.uniform(1, 2, size=(300, 1000))
    t[::3, 500:] = 0  # rows of different counts
    values, offsets = polyfast.pv_locations_ragged(t, 0.5, 0.0, 1)
    counts = np.where(np.arange(300) % 3 == 0, 250, 500)
    np.testing.assert_array_equal(np.diff(offsets), counts)
    for r in range(0, 300, 37):
        want = np.nonzero(t[r])[0].astype(np.float64)
        np.testing.assert_allclose(values[offsets[r]:offsets[r + 1]], want, rtol=1e-12)
    check(t[::50], 0.5, 0.0, 1)


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_locations_past_the_scan_arena(threads):
    """The ragged scan stores locations in an arena of a quarter of the input's
    items (at least 2^16) and scans the rows that do not fit a second time,
    straight into the result (src/bumps/bumps_glue.c): with rows as dense as
    they can be, about half of them overflow.  Every row, both dtypes, against
    the gufunc (which has no arena), bit for bit."""
    polyfast.set_num_threads(threads)
    rng = np.random.default_rng(7)
    t = (np.arange(2000) % 2 == 0) * rng.uniform(1, 2, size=(400, 2000))
    t[1::4] = 0                                 # rows with no bump between dense ones
    t[2::4, 1000:] = 0                          # and half-dense ones
    for dtype in (np.float64, np.float32):
        x = t.astype(dtype)
        values, offsets = polyfast.pv_locations_ragged(x, 0.5, 0.0, 1)
        loc, count = polyfast.find_bumps(x, 0.5, 0.0, 1)
        assert values.size > x.size // 4 > 2**16  # past the arena
        np.testing.assert_array_equal(np.diff(offsets), count)
        assert values.tobytes() == loc[np.arange(loc.shape[1]) < count[:, None]].tobytes()


@pytest.mark.parametrize("n", [1, 2, 3, 7, 64, 1001])
def test_most_bumps_a_row_can_hold(n):
    row = (np.arange(n) % 2 == 0).astype(np.float32)
    loc, count = polyfast.find_bumps(row, 0.5, 0.0, 0)
    assert loc.shape == ((n + 1) // 2,) and count == (n + 1) // 2
    check(np.stack([row, 1 - row]), 0.5, 0.0, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_empty(dtype):
    check(np.zeros((3, 0), dtype), 0.5, 0.0, 1)
    assert polyfast.pv_locations(np.zeros(0, dtype), 0.5, 0.0, 1).shape == (0,)
    assert polyfast.pv_locations(np.zeros((0, 5), dtype), 0.5, 0.0, 1) == []
    values, offsets = polyfast.pv_locations_ragged(np.zeros((0, 5), dtype), 0.5, 0.0, 1)
    assert values.shape == (0,) and values.dtype == dtype
    np.testing.assert_array_equal(offsets, [0])
    loc, count = polyfast.find_bumps(np.zeros((4, 0), dtype), 0.5, 0.0, 1)
    assert loc.shape == (4, 0) and np.all(count == 0)


# --- layouts, dtypes, threads -----------------------------------------------

@pytest.fixture(scope="module")
def events_small():
    return realistic_events(120, 1000, seed=7, dtype=np.float32)


@pytest.mark.parametrize("layout", ["every other column", "fortran", "reversed", "transposed",
                                    "big-endian", "unaligned", "read-only", "rows of a 3-D"])
def test_layouts(events_small, layout):
    base = events_small
    if layout == "every other column":
        arr = base[:, ::2]
    elif layout == "fortran":
        arr = np.asfortranarray(base)
    elif layout == "reversed":
        arr = base[::-1, ::-1]
    elif layout == "transposed":
        arr = np.ascontiguousarray(base.T).T
    elif layout == "big-endian":
        arr = base.astype(">f4")
    elif layout == "unaligned":
        buf = np.zeros(base.nbytes + 1, np.uint8)
        arr = np.ndarray(base.shape, np.float32, buffer=buf, offset=1)
        arr[...] = base
        assert not arr.flags.aligned
    elif layout == "read-only":
        arr = base.copy()
        arr.flags.writeable = False
    else:
        arr = np.stack([base, base])[1]
    expected = polyfast.pv_locations(np.ascontiguousarray(arr, dtype=np.float32),
                                     THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
    for name, rows in _entry_points(arr, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH).items():
        for got, want in zip(rows, expected):
            assert got.dtype == np.float32, name
            np.testing.assert_array_equal(got, want, err_msg=name)
    check(arr[:20], THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)


@pytest.mark.parametrize("dtype, result", [
    (np.float32, np.float32), (np.float64, np.float64), (np.float16, np.float64),
    (np.int64, np.float64), (np.int8, np.float64), (np.uint16, np.float64), (np.bool_, np.float64),
    (np.longdouble, np.float64),
])
def test_result_dtype(dtype, result):
    t = np.array([0, 1, 1, 0, 3, 0, 1], dtype=dtype)
    got = polyfast.pv_locations(t, 0.5, 0.0, 1)
    assert got.dtype == result
    np.testing.assert_array_equal(got, [1.5, 4.0, 6.0])
    assert polyfast.pv_locations_ragged(t[np.newaxis], 0.5, 0.0, 1)[0].dtype == result
    assert all(r.dtype == result for r in polyfast.pv_locations(np.stack([t, t]), 0.5, 0.0, 1))


def test_nested_lists():
    assert polyfast.pv_locations([0, 1, 1, 0], 0.5, 0, 1).tolist() == [1.5]
    got = polyfast.pv_locations([[0, 1, 1, 0], [2, 0, 0, 0]], 0.5, 0, 1)
    assert [g.tolist() for g in got] == [[1.5], [0.0]]


def test_list_rows_are_independent_views():
    t = np.array([[0, 1, 0, 1], [1, 0, 0, 0]], dtype=np.float32)
    rows = polyfast.pv_locations(t, 0.5, 0, 1)
    rows[0][:] = -1
    np.testing.assert_array_equal(rows[1], [0.0])
    del rows[0]
    np.testing.assert_array_equal(rows[0], [0.0])


@pytest.fixture(scope="module")
def events_threads():
    # Above the serial cut-off (65536 items) and many blocks of rows.
    return realistic_events(3000, 500, seed=11, dtype=np.float32)


def test_results_do_not_depend_on_thread_count(events_threads):
    results = {}
    for n in (1, 2, 8):
        polyfast.set_num_threads(n)
        values, offsets = polyfast.pv_locations_ragged(events_threads, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        loc, count = polyfast.find_bumps(events_threads, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        rows = polyfast.pv_locations(events_threads, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        f64 = polyfast.pv_locations_ragged(events_threads.astype(np.float64)[:, ::3], THRESHOLD,
                                           INTEGRAL_THRESHOLD, MIN_WIDTH)
        results[n] = (values, offsets, loc, count, np.concatenate(rows), *f64)
    for n in (2, 8):
        for a, b in zip(results[1], results[n]):
            assert a.tobytes() == b.tobytes(), f"{n} threads differ from 1"
    values, offsets = results[1][:2]
    np.testing.assert_array_equal(np.diff(offsets), results[1][3])
    check(events_threads[::97], THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)


def test_many_python_threads_at_once(events_threads):
    expected = polyfast.pv_locations_ragged(events_threads, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
    errors = []

    def work():
        try:
            for _ in range(5):
                got = polyfast.pv_locations_ragged(events_threads, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
                assert got[0].tobytes() == expected[0].tobytes()
                assert got[1].tobytes() == expected[1].tobytes()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_no_reference_leaks(events_small):
    arr = events_small[:, ::2]
    before = sys.getrefcount(arr), sys.getrefcount(events_small)
    for _ in range(20):
        polyfast.pv_locations(arr, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        polyfast.pv_locations_ragged(arr, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
        polyfast.pv_locations(arr[0], THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
    assert (sys.getrefcount(arr), sys.getrefcount(events_small)) == before
    rows = polyfast.pv_locations(arr, THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)
    base = rows[0].base
    assert all(r.base is base for r in rows)
    assert sys.getrefcount(base) == 2 + len(rows)


# --- the gufunc -------------------------------------------------------------

def test_find_bumps_is_a_gufunc():
    assert isinstance(polyfast.find_bumps, np.ufunc)
    assert polyfast.find_bumps.signature == "(n),(),(),()->(m),()"
    assert polyfast.find_bumps.__name__ == "find_bumps"
    assert polyfast.find_bumps.nin == 4 and polyfast.find_bumps.nout == 2
    assert "NaN" in polyfast.find_bumps.__doc__


def test_find_bumps_broadcasts_parameters_per_row():
    t = np.array([[0, 1, 2, 0, 1], [0, 1, 2, 0, 1]], dtype=np.float64)
    loc, count = polyfast.find_bumps(t, [[0.5], [1.5]], 0.0, 1)
    assert loc.shape == (2, 2, 3)
    np.testing.assert_array_equal(count, [[2, 2], [1, 1]])
    loc, count = polyfast.find_bumps(t, 0.5, 0.0, [1, 2])
    np.testing.assert_array_equal(count, [2, 1])
    np.testing.assert_array_equal(loc[1], [(1 + 4) / 3, np.nan, np.nan])


def test_find_bumps_out_and_axes():
    t = np.array([[0, 1, 0, 1, 0, 1]], dtype=np.float32)
    loc = np.full((1, 5), 7.0, np.float32)
    count = np.zeros(1, np.int64)
    res = polyfast.find_bumps(t, 0.5, 0.0, 1, out=(loc, count))
    assert res[0] is loc and res[1] is count
    np.testing.assert_array_equal(loc, [[1, 3, 5, np.nan, np.nan]])
    with pytest.raises(ValueError, match="core dimension m=2"):
        polyfast.find_bumps(t, 0.5, 0.0, 1, out=(np.zeros((1, 2), np.float32), count))
    loc, count = polyfast.find_bumps(t.T, 0.5, 0.0, 1, axes=[(0,), (), (), (), (0,), ()])
    np.testing.assert_array_equal(loc[:, 0], [1, 3, 5])


def test_find_bumps_dtypes():
    t = np.array([0, 1, 1, 0], dtype=np.float32)
    assert polyfast.find_bumps(t, 0.5, 0.0, 1)[0].dtype == np.float32
    assert polyfast.find_bumps(t.astype(np.int32), 0.5, 0.0, 1)[0].dtype == np.float64
    with pytest.raises(TypeError):
        polyfast.find_bumps(t, 0.5, 0.0, 1.5)
    with pytest.raises(TypeError):
        polyfast.find_bumps(t.astype(complex), 0.5, 0.0, 1)


# --- bad input --------------------------------------------------------------

GOOD = (np.zeros(5), 0.5, 0.0, 1)

BAD_TARGETS = [
    ("a string", TypeError, "targets"),
    (np.array(["a", "b"]), TypeError, "targets"),
    (np.array([1.0, None], dtype=object), TypeError, "targets"),
    (np.array([1.0, 2.0], dtype=object), TypeError, "targets"),
    (np.array([1 + 2j]), TypeError, "targets"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "targets"),
    (np.float64(3.0), ValueError, "0-D"),
    (np.zeros((2, 2, 2)), ValueError, "3-D"),
    ([[1.0, 2.0], [3.0]], ValueError, "targets"),
    (None, TypeError, "targets"),
]


@pytest.mark.parametrize("func", [polyfast.pv_locations, polyfast.pv_locations_ragged])
@pytest.mark.parametrize("targets, exc, match", BAD_TARGETS)
def test_bad_targets(func, targets, exc, match):
    if match == "targets" and func is polyfast.pv_locations_ragged:
        match = "'targets2d'"
    with pytest.raises(exc, match=match):
        func(targets, 0.5, 0.0, 1)


def test_ragged_needs_2d():
    with pytest.raises(ValueError, match="'targets2d' must be 2-D, got 1-D"):
        polyfast.pv_locations_ragged(np.zeros(5), 0.5, 0.0, 1)


BAD_THRESHOLDS = ["0.5", None, [0.5], np.array([0.5]), np.zeros((1, 1)), 1 + 0j, np.complex64(1),
                  np.array("x"), object()]


@pytest.mark.parametrize("func", [polyfast.pv_locations, polyfast.pv_locations_ragged])
@pytest.mark.parametrize("value", BAD_THRESHOLDS, ids=repr)
@pytest.mark.parametrize("position, name", [(1, "threshold"), (2, "integral_threshold")])
def test_bad_thresholds(func, value, position, name):
    args = [np.zeros((2, 5)), 0.5, 0.0, 1]
    args[position] = value
    with pytest.raises(TypeError, match=f"'{name}'"):
        func(*args)


@pytest.mark.parametrize("value", [3.0, 3.5, np.float32(3), True, np.bool_(False), "3", None,
                                   [3], np.array([3]), np.array(3.0), 3 + 0j])
def test_bad_min_width(value):
    for func in (polyfast.pv_locations, polyfast.pv_locations_ragged):
        with pytest.raises(TypeError, match="'min_width'"):
            func(np.zeros((2, 5)), 0.5, 0.0, value)


@pytest.mark.parametrize("value", [3, np.int8(3), np.uint64(3), np.array(3), -(2**80), 2**80])
def test_good_min_width(value):
    t = np.array([0, 1, 1, 1, 0, 1, 1], dtype=np.float64)
    width = int(value)
    expected = [2.0] if width == 3 else [2.0, 5.5] if width < 0 else []
    np.testing.assert_array_equal(polyfast.pv_locations(t, 0.5, 0.0, value), expected)


@pytest.mark.parametrize("value", [0.5, 1, np.float16(0.5), np.int64(0), np.array(0.5), True])
def test_good_thresholds(value):
    got = polyfast.pv_locations(np.array([0.0, 1.0, 0.0]), value, 0.0, 1)
    np.testing.assert_array_equal(got, [1.0])


# --- SIMD levels and random rows --------------------------------------------

_LEVEL_SCRIPT = """
import hashlib, sys
import numpy as np
import polyfast
sys.path.insert(0, {tests!r})
from reference_bumps import realistic_events
h = hashlib.sha256()
for dtype in (np.float32, np.float64):
    ev = realistic_events(200, 1000, seed=13, dtype=dtype)
    ev[::7, ::11] = np.nan
    ev[::5, 3::13] = np.inf
    for arr in (ev, ev[:, ::2]):
        v, o = polyfast.pv_locations_ragged(arr, 0.01, 0.2, 3)
        with np.errstate(invalid="ignore"):
            loc, count = polyfast.find_bumps(arr, 0.01, 0.2, 3)
        h.update(v.tobytes()); h.update(o.tobytes()); h.update(loc.tobytes()); h.update(count.tobytes())
print(polyfast.get_simd_level(), h.hexdigest())
"""


def test_same_bits_at_every_simd_level(tmp_path):
    import os
    import subprocess

    script = _LEVEL_SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__)))
    digests = {}
    for level in SIMD_LEVELS:
        env = dict(os.environ, POLYFAST_SIMD=level)
        # From tmp_path, so that `-c` cannot import the source tree's polyfast/.
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        used, digest = out.stdout.split()
        digests[used] = digest
    assert len(set(digests.values())) == 1, digests


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.sampled_from([0.0, 0.004, F32_01, 0.01, 0.3, 1.0, 2.5, -1.0, NAN, INF, -INF])


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(_VALUES, min_size=0, max_size=24), min_size=1, max_size=4).filter(
        lambda rows: len({len(r) for r in rows}) == 1),
    threshold=st.sampled_from([0.0, 0.01, 0.3, 1.0, -INF, NAN]),
    integral_threshold=st.sampled_from([0.0, 0.2, 1.0, 3.0, -1.0, INF]),
    min_width=st.integers(-2, 5),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_random_rows(rows, threshold, integral_threshold, min_width, dtype):
    check(np.array(rows, dtype=dtype), threshold, integral_threshold, min_width)
