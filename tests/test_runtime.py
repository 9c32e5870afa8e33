"""Threads, SIMD levels, configuration, fork safety and the ufunc objects.

The contract: an element's result does not depend on the thread count, the
SIMD level, its position in the array or the memory layout (same inputs, same
bits); many Python threads may call the ufuncs at once; a child process after
os.fork() gets a working pool.  No test here measures speed.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import pickle
import re
import signal
import threading
import time

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

import polyfast
from reference import f_numpy
from simd_levels import FOREIGN_LEVELS, SIMD_LEVELS

UFUNCS = {"poly8": polyfast.poly8, "polyval": polyfast.polyval}

POLY8_MIN_PARALLEL = 32768
POLYVAL_MIN_PARALLEL = 16384

# Python >= 3.12 warns when forking a process that has other threads (the pool
# workers are such threads); that is exactly the situation under test.
FORK_WARNING = pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")


def simd_levels_available() -> list[str]:
    """The SIMD levels this CPU can run, lowest first."""
    best = polyfast.get_cpu_simd_level()
    return list(SIMD_LEVELS[: SIMD_LEVELS.index(best) + 1])


# --------------------------------------------------------------------------
# Shared input data for the bit-identity tests
# --------------------------------------------------------------------------

def _specials(dtype):
    real = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0,
            float(np.nextafter(-1.0, 0.0)), float(np.nextafter(-1.0, -2.0)),
            -1.0 + 1e-9, -1.0 - 1e-9, 1e-300, -1e-300, 5e-324, -5e-324, 1e-310, -1e-310,
            2.2250738585072014e-308, 1e300, -1e300, 1e39, -1e39, 3e38, -3e38, 1e5, -1e5,
            1e-40, -1e-45, 6e4, -6e4]
    values = np.array(real)
    if np.issubdtype(dtype, np.complexfloating):
        values = np.concatenate([values + 0j, 1j * values, values + 1j * values[::-1],
                                 [complex(np.nan, 1), complex(1, np.inf), -1 + 1e-9j]])
    with np.errstate(over="ignore"):
        return values.astype(dtype)


def _sample(dtype, n, seed):
    """n items: scaled normals with the special values sprinkled in, including
    among the first 31 items (so the shortest inputs see them too)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 1.3
    if np.issubdtype(dtype, np.complexfloating):
        x = x + 1j * rng.normal(size=n)
    x = x.astype(dtype)
    sp = _specials(dtype)
    head = min(n, 31)
    x[:head] = np.resize(sp, head)
    if n > 1000:
        where = rng.choice(np.arange(head, n), size=20 * sp.size, replace=False)
        x[where] = np.resize(sp, where.size)
    return x


# --------------------------------------------------------------------------
# Thread count
# --------------------------------------------------------------------------

def _thread_results():
    """Outputs of poly8 and polyval on a mix of large (parallel) inputs."""
    out = {}
    with np.errstate(all="ignore"):
        for dtype in (np.float64, np.float32, np.complex128, np.complex64):
            n = 1_000_003 if dtype in (np.float64, np.float32) else 300_007
            x = _sample(dtype, n, seed=1)
            out[f"poly8 {np.dtype(dtype)}"] = polyfast.poly8(x)
            out[f"poly8 {np.dtype(dtype)} offset"] = polyfast.poly8(x[3:])
        base = _sample(np.float64, 3_000_001, seed=2)
        out["poly8 step3"] = polyfast.poly8(base[::3])
        out["poly8 reversed"] = polyfast.poly8(base[::-1])
        out["poly8 2d slice"] = polyfast.poly8(base[:3_000_000].reshape(1000, 3000)[::2, 1::2])
        for n in (POLY8_MIN_PARALLEL - 1, POLY8_MIN_PARALLEL, POLY8_MIN_PARALLEL + 1,
                  2 * POLY8_MIN_PARALLEL + 13):
            out[f"poly8 n={n}"] = polyfast.poly8(base[:n])
        for dtype in (np.float64, np.float32):
            x = _sample(dtype, 1_000_003, seed=3)
            c = np.array([0.5, -1.25, 0.75, 1.0, -0.3, 0.01, 2.0, -1.0, 0.125], dtype=dtype)
            out[f"polyval {np.dtype(dtype)}"] = polyfast.polyval(x, c)
            out[f"polyval {np.dtype(dtype)} step2"] = polyfast.polyval(x[::2], c)
            C = np.random.default_rng(4).normal(size=(200_003, 6)).astype(dtype)
            out[f"polyval {np.dtype(dtype)} batched"] = polyfast.polyval(x[:200_003], C)
            out[f"polyval {np.dtype(dtype)} outer"] = polyfast.polyval(x[:40_000, None], C[:5])
    return out


def test_results_do_not_depend_on_thread_count(num_threads, assert_same_bits):
    num_threads(1)
    reference = _thread_results()
    for n in (2, 8):
        num_threads(n)
        got = _thread_results()
        assert got.keys() == reference.keys()
        for key in reference:
            try:
                assert_same_bits(got[key], reference[key])
            except BaseException as exc:
                raise AssertionError(f"{key} with {n} threads: {exc}") from None


def test_threaded_results_match_numpy(num_threads, notebook_x):
    # Not only self-consistent: the parallel answer is the right answer.
    num_threads(8)
    np.testing.assert_allclose(polyfast.poly8(notebook_x), notebook_x * (
        1 + notebook_x * (1 + notebook_x * (1 + notebook_x * (1 + notebook_x * (
            1 + notebook_x * (1 + notebook_x * (1 + notebook_x))))))))
    c = np.array([1.0, -2.0, 0.5, 0.25])
    np.testing.assert_array_equal(polyfast.polyval(notebook_x, c), P.polyval(notebook_x, c))


def test_set_get_roundtrip():
    for n in (1, 2, 3, 7, 64, 256, 2):
        polyfast.set_num_threads(n)
        assert polyfast.get_num_threads() == n
    polyfast.set_num_threads(np.int64(5))
    assert polyfast.get_num_threads() == 5
    polyfast.set_num_threads(np.uint8(4))
    assert polyfast.get_num_threads() == 4
    assert type(polyfast.get_num_threads()) is int


@pytest.mark.parametrize("bad", [2.0, "2", None, True, [2], np.float64(2.0), 1 + 0j])
def test_set_num_threads_type_error(bad):
    polyfast.set_num_threads(3)
    with pytest.raises(TypeError, match="'n'"):
        polyfast.set_num_threads(bad)
    assert polyfast.get_num_threads() == 3


@pytest.mark.parametrize("bad", [0, -1, 257, 1000, 10**30, -(10**30)])
def test_set_num_threads_value_error(bad):
    polyfast.set_num_threads(3)
    with pytest.raises(ValueError, match="'n'"):
        polyfast.set_num_threads(bad)
    assert polyfast.get_num_threads() == 3


def test_many_workers_then_fewer(run_python):
    # 256 threads (the maximum), then fewer: idle workers must stay out of the
    # way and every count gives the same bits.  In a subprocess so this test
    # process does not keep 255 idle threads.
    code = """
        import numpy as np, polyfast
        x = np.random.default_rng(5).normal(size=3_000_017)
        polyfast.set_num_threads(1)
        expected = polyfast.poly8(x).tobytes()
        pv = polyfast.polyval(x, [1.0, -2.0, 0.5]).tobytes()
        for n in (256, 2, 64, 3, 256, 1):
            polyfast.set_num_threads(n)
            for _ in range(3):
                assert polyfast.poly8(x).tobytes() == expected, n
                assert polyfast.polyval(x, [1.0, -2.0, 0.5]).tobytes() == pv, n
        print("ok")
    """
    assert run_python(code).stdout.strip() == "ok"


def test_set_num_threads_arity():
    with pytest.raises(TypeError):
        polyfast.set_num_threads()
    with pytest.raises(TypeError):
        polyfast.set_num_threads(n=2)  # positional-only, as documented


def test_env_num_threads_honoured(run_python):
    code = """
        import numpy as np, polyfast
        print(polyfast.get_num_threads())
        x = np.linspace(-1.5, 1.5, 100_001)
        x2 = x * x
        assert np.array_equal(polyfast.poly8(x), x * ((1 + x) * ((1 + x2) * (1 + x2 * x2))))
    """
    for value in ("1", "3", "256"):
        proc = run_python(code, env={"POLYFAST_NUM_THREADS": value})
        assert int(proc.stdout.split()[0]) == int(value)


def test_default_num_threads_is_usable_cpus(run_python):
    code = """
        import os
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) > 1:
            os.sched_setaffinity(0, cpus[:1])   # before import: the default follows it
        import polyfast
        print(len(os.sched_getaffinity(0)), polyfast.get_num_threads())
    """
    expected, got = run_python(code).stdout.split()
    assert got == expected == "1"
    code = "import os, polyfast; print(len(os.sched_getaffinity(0)), polyfast.get_num_threads())"
    for env in (None, {"POLYFAST_NUM_THREADS": ""}):
        expected, got = run_python(code, env=env).stdout.split()
        assert got == expected


@pytest.mark.parametrize("value, used", [("0", None), ("-1", None), ("257", 256),
                                         ("abc", None), ("2.5", None), ("0x4", None),
                                         ("1e2", None), ("two", None)])
def test_env_num_threads_invalid_warns_and_says_what_is_used(run_python, value, used):
    code = """
        import os, warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import polyfast
        print(polyfast.get_num_threads(), len(os.sched_getaffinity(0)))
        print(*[str(w.message) for w in caught if w.category is RuntimeWarning], sep="\\n")
    """
    proc = run_python(code, env={"POLYFAST_NUM_THREADS": value})
    first, message = proc.stdout.split("\n", 1)
    got, cpus = map(int, first.split())
    expected = used if used is not None else cpus
    assert got == expected
    assert "POLYFAST_NUM_THREADS" in message and f"'{value}'" in message
    assert f"using {expected} threads" in message


@pytest.mark.parametrize("value", [" 3", "3 ", "\t3\n"])
def test_env_num_threads_whitespace_is_ignored(run_python, value):
    proc = run_python("import polyfast; print(polyfast.get_num_threads())",
                      env={"POLYFAST_NUM_THREADS": value})
    assert proc.stdout.strip() == "3"


# --------------------------------------------------------------------------
# SIMD levels
# --------------------------------------------------------------------------

_SIMD_SCRIPT = r"""
import contextlib, io, os, sys
import numpy as np
import polyfast

level = os.environ["POLYFAST_SIMD"]
assert polyfast.get_simd_level() == level, (polyfast.get_simd_level(), level)
assert polyfast.get_cpu_simd_level() == sys.argv[2]
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    polyfast.show_config()
assert level in buf.getvalue(), buf.getvalue()

exec(sys.argv[3])  # _specials and _sample, the same source as the test's
results = {}
sizes = (1, 7, 31, 33, 64, 65, 1000, 1_000_003)
with np.errstate(all="ignore"):
    for dtype in (np.float32, np.float64, np.complex64, np.complex128):
        name = np.dtype(dtype).name
        big = _sample(dtype, sizes[-1] + 16, seed=11)
        for n in sizes:
            if n == sizes[-1] and np.issubdtype(dtype, np.complexfloating):
                n = 100_003
            for off in (0, 1, 5):
                results[f"poly8_{name}_{n}_{off}"] = polyfast.poly8(big[off:off + n])
            out = np.zeros(n + 3, dtype=dtype)
            polyfast.poly8(big[:n], out=out[3:])           # output offset, input aligned
            results[f"poly8_{name}_{n}_out3"] = out
        results[f"poly8_{name}_step3"] = polyfast.poly8(big[::3])
        results[f"poly8_{name}_reversed"] = polyfast.poly8(big[:100_000][::-1])
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
        big = _sample(dtype, sizes[-1] + 16, seed=12)
        rng = np.random.default_rng(13)
        for ncoef in (0, 1, 2, 5, 9, 17):
            c = (rng.normal(size=ncoef) + 0.1).astype(dtype)   # no zero coefficients
            for n in sizes:
                for off in (0, 1):
                    results[f"polyval_{name}_{ncoef}_{n}_{off}"] = polyfast.polyval(
                        big[off:off + n], c)
            results[f"polyval_{name}_{ncoef}_step2"] = polyfast.polyval(big[:200_000:2], c)
        cs = np.array([np.inf, 1.0, np.nan, -2.0], dtype=dtype)
        results[f"polyval_{name}_special_c"] = polyfast.polyval(big[:1000], cs[1:])
        results[f"polyval_{name}_special_c2"] = polyfast.polyval(big[:1000], cs[:2])
        C = rng.normal(size=(30_011, 7)).astype(dtype)
        results[f"polyval_{name}_batched"] = polyfast.polyval(big[:30_011], C)
        results[f"polyval_{name}_outer"] = polyfast.polyval(big[:4001, None], C[:9])
np.savez(sys.argv[1], **results)
print(len(results))
"""


def _helper_source():
    import inspect
    return inspect.getsource(_specials) + "\n" + inspect.getsource(_sample)


def test_simd_levels_give_identical_bits(run_python, tmp_path, assert_same_bits):
    levels = simd_levels_available()
    cpu = polyfast.get_cpu_simd_level()
    files = {}
    for level in levels:
        path = tmp_path / f"{level}.npz"
        proc = run_python(
            "import sys; sys.argv = " + repr(["-", str(path), cpu, _helper_source()]) + "\n"
            + _SIMD_SCRIPT,
            env={"POLYFAST_SIMD": level},
        )
        assert int(proc.stdout.strip()) > 100
        files[level] = np.load(path)
    base = files["scalar"]
    # the scalar level against the notebook's formula, so that "identical"
    # cannot mean "identically wrong"
    x = _sample(np.float64, 1_000_019, seed=11)[:1_000_003]
    ok = np.abs(x) < 100  # finite, no overflow
    np.testing.assert_allclose(base["poly8_float64_1000003_0"][ok], f_numpy(x[ok]))
    for level in levels[1:]:
        other = files[level]
        assert sorted(other.files) == sorted(base.files)
        for key in base.files:
            try:
                assert_same_bits(other[key], base[key])
            except BaseException as exc:
                raise AssertionError(f"{key}: {level} differs from scalar: {exc}") from None


def test_default_simd_level_is_cpu_best(run_python):
    proc = run_python("import polyfast; print(polyfast.get_simd_level(), "
                      "polyfast.get_cpu_simd_level())")
    level, cpu = proc.stdout.split()
    assert level == cpu
    assert cpu in SIMD_LEVELS
    assert polyfast.get_cpu_simd_level() == cpu
    assert polyfast.get_simd_level() in SIMD_LEVELS
    assert SIMD_LEVELS.index(polyfast.get_simd_level()) <= SIMD_LEVELS.index(cpu)


def test_empty_simd_env_means_default(run_python):
    proc = run_python("import polyfast; print(polyfast.get_simd_level())",
                      env={"POLYFAST_SIMD": ""})
    assert proc.stdout.strip() == polyfast.get_cpu_simd_level()


@pytest.mark.parametrize("value", ["sse9", "avx-512", "fast", *FOREIGN_LEVELS])
def test_unknown_simd_level_warns_and_uses_the_best(run_python, value):
    code = """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import polyfast
        print(polyfast.get_simd_level(), polyfast.get_cpu_simd_level())
        print(*[str(w.message) for w in caught if w.category is RuntimeWarning], sep="\\n")
    """
    proc = run_python(code, env={"POLYFAST_SIMD": value})
    first, message = proc.stdout.split("\n", 1)
    level, best = first.split()
    assert level == best
    assert "POLYFAST_SIMD" in message and f"'{value}'" in message and f"using '{best}'" in message


@pytest.mark.parametrize("value", ["SCALAR", " scalar", "scalar ", "Scalar\n"])
def test_simd_level_name_ignores_case_and_whitespace(run_python, value):
    proc = run_python("import polyfast; print(polyfast.get_simd_level())",
                      env={"POLYFAST_SIMD": value})
    assert proc.stdout.strip() == "scalar"


def test_simd_level_above_cpu_warns(run_python):
    cpu = polyfast.get_cpu_simd_level()
    higher = SIMD_LEVELS[SIMD_LEVELS.index(cpu) + 1:]
    if not higher:
        pytest.skip(f"the CPU supports {cpu}, the highest level: nothing to ask above it")
    code = """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import polyfast
        msgs = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        assert any("POLYFAST_SIMD" in m for m in msgs), msgs
        assert polyfast.get_simd_level() == polyfast.get_cpu_simd_level()
        import numpy as np
        assert polyfast.poly8(np.array([2.0]))[0] == 510.0
    """
    for level in higher:
        run_python(code, env={"POLYFAST_SIMD": level})


# --------------------------------------------------------------------------
# Many Python threads at once
# --------------------------------------------------------------------------

def _run_threads(target, nthreads, timeout=120):
    errors = []

    def wrapped(i):
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append((i, repr(exc)))

    threads = [threading.Thread(target=wrapped, args=(i,), daemon=True) for i in range(nthreads)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, f"threads still running after {timeout}s (deadlock?): {alive}"
    assert not errors, errors


def test_many_python_threads(num_threads):
    num_threads(1)
    rng = np.random.default_rng(21)
    x64 = rng.normal(size=2_000_000)
    x32 = x64.astype(np.float32)
    c = np.array([1.0, -0.5, 0.25, 2.0, -1.0, 0.75])
    expected = {
        "poly8_64": polyfast.poly8(x64),
        "poly8_32": polyfast.poly8(x32),
        "polyval": polyfast.polyval(x64, c),
        "poly8_step": polyfast.poly8(x64[::2]),
    }
    jobs = {
        "poly8_64": lambda: polyfast.poly8(x64),
        "poly8_32": lambda: polyfast.poly8(x32),
        "polyval": lambda: polyfast.polyval(x64, c),
        "poly8_step": lambda: polyfast.poly8(x64[::2]),
    }
    names = sorted(jobs)
    num_threads(2)

    def work(i):
        for k in range(20):
            name = names[(i + k) % len(names)]
            got = jobs[name]()
            if got.tobytes() != expected[name].tobytes():
                raise AssertionError(f"thread {i}, call {k}: {name} differs")

    _run_threads(work, 8)


def test_threads_while_thread_count_changes(num_threads):
    num_threads(1)
    x = np.random.default_rng(22).normal(size=1_000_000)
    expected = polyfast.poly8(x).tobytes()
    stop = threading.Event()

    def flipper():
        k = 0
        while not stop.is_set():
            polyfast.set_num_threads((1, 2, 4, 3)[k % 4])
            k += 1
            time.sleep(0.0005)

    flip = threading.Thread(target=flipper, daemon=True)
    flip.start()
    try:
        def work(i):
            for k in range(15):
                if polyfast.poly8(x).tobytes() != expected:
                    raise AssertionError(f"thread {i}, call {k} differs")

        _run_threads(work, 4)
    finally:
        stop.set()
        flip.join(10)
    assert not flip.is_alive()


# --------------------------------------------------------------------------
# fork
# --------------------------------------------------------------------------

def _fork_and_check(child, timeout=60.0):
    """Fork; the child runs ``child()`` and exits 0 if it returned True.

    The parent polls with WNOHANG and kills the child after ``timeout``
    seconds, so a deadlocked pool fails the test instead of hanging it.
    """
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        status = 1
        try:
            status = 0 if child() else 3
        except BaseException:  # noqa: BLE001
            status = 2
        finally:
            os._exit(status)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"forked child did not finish within {timeout}s (deadlock?)")
        time.sleep(0.01)
    assert os.WIFEXITED(status), f"child killed by signal {os.WTERMSIG(status)}"
    codes = {1: "did not finish", 2: "raised", 3: "computed a wrong result"}
    assert os.WEXITSTATUS(status) == 0, f"child {codes.get(os.WEXITSTATUS(status))}"


def _child_check(x, expected_poly8, c, expected_polyval, parent_threads):
    def child():
        if polyfast.get_num_threads() != parent_threads:
            return False
        polyfast.set_num_threads(2)
        for _ in range(3):  # the child's new pool, used more than once
            if polyfast.poly8(x).tobytes() != expected_poly8:
                return False
            if polyfast.polyval(x, c).tobytes() != expected_polyval:
                return False
        return True

    return child


@FORK_WARNING
def test_fork_after_pool_used(num_threads):
    num_threads(2)
    x = np.random.default_rng(31).normal(size=2_000_000)
    c = np.array([0.5, 1.0, -1.0, 0.25])
    expected = polyfast.poly8(x).tobytes()  # the pool's workers now exist
    expected_pv = polyfast.polyval(x, c).tobytes()
    assert polyfast.poly8(x).tobytes() == expected
    for threads_before in (2, 3):
        num_threads(threads_before)
        polyfast.poly8(x)
        _fork_and_check(_child_check(x, expected, c, expected_pv, threads_before))
    # and the parent's pool still works after the forks
    num_threads(2)
    assert polyfast.poly8(x).tobytes() == expected


@FORK_WARNING
def test_fork_while_another_thread_computes(num_threads):
    num_threads(2)
    x = np.random.default_rng(32).normal(size=1_000_000)
    c = np.array([1.0, 2.0, 3.0])
    expected = polyfast.poly8(x).tobytes()
    expected_pv = polyfast.polyval(x, c).tobytes()
    stop = threading.Event()
    errors = []
    calls = [0]

    def busy():
        y = np.empty_like(x)
        while not stop.is_set():
            polyfast.poly8(x, out=y)  # mostly inside the ufunc, GIL released
            calls[0] += 1
            if calls[0] % 16 == 0 and y.tobytes() != expected:
                errors.append("parent thread got a wrong result")

    t = threading.Thread(target=busy, daemon=True)
    t.start()
    try:
        for _ in range(8):
            while calls[0] == 0:
                time.sleep(0.001)
            _fork_and_check(_child_check(x, expected, c, expected_pv, 2))
            time.sleep(0.003)
    finally:
        stop.set()
        t.join(60)
    assert not t.is_alive(), "busy thread hung after the forks"
    assert not errors, errors
    assert calls[0] > 0


@FORK_WARNING
def test_fork_helper_catches_hangs_and_failures():
    # A deadlocked or failing child must fail the test, not pass or hang it.
    with pytest.raises(pytest.fail.Exception, match="did not finish"):
        _fork_and_check(lambda: time.sleep(30), timeout=0.5)
    with pytest.raises(AssertionError, match="wrong result"):
        _fork_and_check(lambda: False)
    with pytest.raises(AssertionError, match="raised"):
        _fork_and_check(lambda: 1 / 0)


def _mp_child(seed):
    x = np.random.default_rng(seed).normal(size=500_000)
    polyfast.set_num_threads(2)
    return polyfast.poly8(x).tobytes()


@FORK_WARNING
def test_multiprocessing_fork_pool(num_threads):
    num_threads(2)
    seeds = [41, 42, 43]
    expected = [polyfast.poly8(np.random.default_rng(s).normal(size=500_000)).tobytes()
                for s in seeds]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        got = pool.map_async(_mp_child, seeds).get(timeout=60)
    assert got == expected


# --------------------------------------------------------------------------
# The ufunc objects: pickle, names, docstrings
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_pickle_roundtrip_is_same_object(name):
    ufunc = UFUNCS[name]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(ufunc, protocol=protocol)) is ufunc
    assert copy.copy(ufunc) is ufunc
    assert copy.deepcopy(ufunc) is ufunc
    # inside a container too
    obj = pickle.loads(pickle.dumps({"f": ufunc, "g": [ufunc]}))
    assert obj["f"] is ufunc and obj["g"][0] is ufunc


def test_unpickle_in_fresh_process_imports_polyfast(run_python, tmp_path):
    path = tmp_path / "ufuncs.pkl"
    path.write_bytes(pickle.dumps((polyfast.poly8, polyfast.polyval)))
    code = f"""
        import pickle, sys
        assert "polyfast" not in sys.modules
        p8, pv = pickle.loads(open({str(path)!r}, "rb").read())
        import polyfast
        assert p8 is polyfast.poly8 and pv is polyfast.polyval
        print(p8(2.0), pv(2.0, [1.0, 1.0]))
    """
    assert run_python(code).stdout.split() == ["510.0", "3.0"]


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_ufunc_identity(name):
    ufunc = UFUNCS[name]
    assert isinstance(ufunc, np.ufunc)
    assert ufunc.__name__ == name
    if np.lib.NumpyVersion(np.__version__) >= "2.2.0":
        assert ufunc.__module__ == "polyfast"
    else:  # NumPy 2.1: ufuncs have no __module__; pickle finds them by name
        assert pickle.loads(pickle.dumps(ufunc)) is ufunc
    assert getattr(polyfast, name) is ufunc
    assert name in polyfast.__all__


@pytest.mark.parametrize("name", sorted(UFUNCS))
def test_docstring_numpydoc(name):
    doc = UFUNCS[name].__doc__
    assert doc
    assert doc.lstrip().startswith(name + "(")  # NumPy prepends the call line
    for section in ("Parameters", "Returns", "Examples"):
        assert re.search(rf"^{section}\n-{{{len(section)}}}$", doc, re.MULTILINE), section
    assert ">>> " in doc


def test_signatures():
    assert polyfast.polyval.signature == "(),(n)->()"
    assert polyfast.poly8.signature is None


# (The docstrings' examples are run as doctests by test_docs.py.)


# --------------------------------------------------------------------------
# show_config and the level/thread accessors
# --------------------------------------------------------------------------

def test_show_config(capsys, num_threads):
    num_threads(3)
    polyfast.show_config()
    text = capsys.readouterr().out
    assert polyfast.__version__ in text
    assert np.__version__ in text
    assert polyfast.get_simd_level() in text
    assert re.search(r"threads\D*3\b", text), text
    num_threads(1)
    polyfast.show_config()
    assert re.search(r"threads\D*1\b", capsys.readouterr().out)


def test_show_config_in_forced_level(run_python):
    proc = run_python("import polyfast; polyfast.show_config()",
                      env={"POLYFAST_SIMD": "scalar", "POLYFAST_NUM_THREADS": "5"})
    assert "scalar" in proc.stdout
    assert re.search(r"threads\D*5\b", proc.stdout)


def test_accessors_return_strings():
    assert polyfast.get_simd_level() in SIMD_LEVELS
    assert polyfast.get_cpu_simd_level() in SIMD_LEVELS
    assert polyfast.get_cpu_simd_level() == simd_levels_available()[-1]


def test_same_bits_helper_detects_differences(assert_same_bits):
    # The bit-identity tests are only as good as their comparison.
    a = np.array([1.0, 0.0, np.nan])
    assert_same_bits(a, a.copy())
    for b in (np.array([np.nextafter(1.0, 2.0), 0.0, np.nan]),  # one ulp
              np.array([1.0, -0.0, np.nan]),                      # sign of zero
              np.array([1.0, 0.0, -np.nan]),                      # sign of nan
              a.astype(np.float32),                               # dtype
              a[:2]):                                             # shape
        with pytest.raises((pytest.fail.Exception, AssertionError)):
            assert_same_bits(a, b)


def test_free_threaded_import_keeps_the_gil_off(run_python):
    """On free-threaded CPython (3.13t) the module declares Py_MOD_GIL_NOT_USED:
    importing it (and using the pool and the sampler) leaves the GIL off and
    warns nothing; without that declaration CPython turns the GIL back on
    with a RuntimeWarning."""
    import sysconfig

    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        pytest.skip("not a free-threaded CPython")
    code = """
        import sys, warnings
        warnings.simplefilter("error")
        import numpy as np
        import polyfast
        polyfast.poly8(np.ones(100_000))
        polyfast.sampler([0.1, 0.2], samples=10)
        print(sys._is_gil_enabled())
    """
    for env in ({}, {"PYTHON_GIL": "0"}):
        assert run_python(code, env=env).stdout.split() == ["False"], env


def test_pool_c_unit_test(tmp_path):
    """The thread pool's C unit test (tests/c/test_pool.c: every index once,
    kernels split over 1-4 threads equal to scalar, FP flags, two callers, a
    watched call that stops), built from this source tree with meson
    (-Dcore_only=true: the plain-C core, no extension) and the system's C
    compiler, then run.  Skipped where there is no source tree (an installed
    copy of the tests), no meson/ninja or no C compiler."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    if not (repo / "meson.build").is_file() or not (repo / "tests" / "c" / "test_pool.c").is_file():
        pytest.skip(f"no polyfast source tree at {repo}")
    # meson's core_only build runs `python3` for NumPy's include directory:
    # this interpreter's, first on PATH.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    meson, ninja = shutil.which("meson", path=path), shutil.which("ninja", path=path)
    cc = os.environ.get("CC") or shutil.which("cc", path=path) or shutil.which("gcc", path=path)
    if meson is None or ninja is None or cc is None:
        pytest.skip(f"needs meson, ninja and a C compiler (found {meson}, {ninja}, {cc})")
    env = dict(os.environ, PATH=path)
    build = tmp_path / "build"

    def run(*cmd):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(map(str, cmd))}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    run(meson, "setup", str(build), str(repo), "-Dcore_only=true", "-Dbuildtype=release")
    run(ninja, "-j2", "-C", str(build), "test_pool")
    out = run(str(build / "test_pool"), "4")
    assert "all checks pass" in out, out
