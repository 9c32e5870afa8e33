"""Ctrl-C, fork and worker stacks: the runtime's behaviour around a long call.

* SIGINT sent from another process ~0.5 s into a long call (make_fractal,
  mandelbrot with a huge maxiter on a few points and on many, poly8 on a huge
  zero-stride input, the ragged bump scan, the sampler), with the pool and with
  one thread, raises KeyboardInterrupt within 1 s of the signal, and the
  next calls give the right results.  Each call runs in a subprocess (so the
  signal can never hit pytest) and would take minutes to finish uninterrupted.
* os.fork() while another thread is inside a long polyfast call returns in
  under 50 ms; the child computes correctly and the parent's call completes
  with the right result.
* Forking after the pool was used leaves no thread of ours alive, so Python
  >= 3.12 does not warn that the process is multi-threaded.  Checked with
  this interpreter when it is >= 3.12, and with every interpreter listed in
  POLYFAST_TEST_PYTHONS (os.pathsep-separated; each must import polyfast and
  numpy).  CI covers 3.12 and 3.13 in its `versions` stage (.ci/versions.sh),
  which runs this file under each.
* The workers' small stacks: 63 workers under a tight `ulimit -v` leave room
  for a 256 MiB array (8 MiB stacks would reserve ~500 MiB).

The bounds (1 s, 50 ms) are the issue's requirements, not speed targets: the
interrupt is polled every 50 ms and a fork does no work for the pool, so both
hold with a wide margin on a loaded machine.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import pytest

from conftest import SUBPROCESS_TIMEOUT, _clean_env

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX signals and fork")

SANITIZED = bool(os.environ.get("POLYFAST_SANITIZED"))

# Latency allowed between the signal and the KeyboardInterrupt, and the time
# after which a call that ignores it counts as not interrupted at all.
INTERRUPT_BOUND = 1.0
GIVE_UP = 15.0

_PRELUDE = """
import os, signal, sys, time
import numpy as np
import polyfast, polyfast.notebook

# Python leaves SIGINT ignored when it starts with it ignored (as everything
# a non-interactive shell puts in the background does): the child must see
# the test's Ctrl-C whatever it inherited.
signal.signal(signal.SIGINT, signal.default_int_handler)

# Right answers computed before the long call, checked after it.
grid = np.linspace(-2, 1, 3001) + 0.5j
x = np.random.default_rng(1).normal(size=300_000)
rows = np.random.default_rng(2).random((40, 5000))
before = (polyfast.mandelbrot(grid, 300), polyfast.poly8(x),
          polyfast.pv_locations_ragged(rows, 0.5, 1.0, 2))
"""

_AFTER = """
after = (polyfast.mandelbrot(grid, 300), polyfast.poly8(x),
         polyfast.pv_locations_ragged(rows, 0.5, 1.0, 2))
same = (np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
        and all(np.array_equal(a, b) for a, b in zip(before[2], after[2])))
rs = np.random.RandomState(5)
chain = polyfast.sampler(np.zeros(20), samples=50, rng=rs)
same = same and chain.shape == (51,) and np.isfinite(chain).all()
print("same" if same else "DIFFERENT", flush=True)
"""

# name: (setup, the long call); each runs for minutes if not interrupted.
LONG_CALLS = {
    "make_fractal": ("", "polyfast.notebook.make_fractal((512, 512), 10**8)"),
    # The cusp c = 1/4 never escapes and no trap can prove it (its orbit is
    # not attracted, mandelbrot_traps.h), so every step runs; c = 0 would be
    # trapped at once.  64 points: NumPy keeps the GIL for so small a call.
    "mandelbrot_few_points": ("", "polyfast.mandelbrot(np.full(64, 0.25 + 0j), 10**9)"),
    "mandelbrot_many_points": ("", "polyfast.mandelbrot(np.full(100_000, 0.25 + 0j), 10**9)"),
    "poly8_zero_stride": (
        "from numpy.lib.stride_tricks import as_strided\n"
        "big = as_strided(np.full(1, 0.5 + 0.5j), (10**11,), (0,))\n"
        "out = as_strided(np.zeros(1, complex), (10**11,), (0,))\n",
        "polyfast.poly8(big, out=out)",
    ),
    "pv_locations_ragged": (
        "targets = np.broadcast_to(np.zeros(100_000), (10**6, 100_000))\n",
        "polyfast.pv_locations_ragged(targets, 1.0, 1.0, 1)",
    ),
    "sampler": ("data = np.zeros(10)\n", "polyfast.sampler(data, samples=6 * 10**7)"),
}


def _interrupt(setup: str, call: str, threads: int | None,
               level: str | None = None) -> tuple[str, float, str]:
    """Runs `call` in a child, sends SIGINT 0.5 s in; (what it printed, the
    latency, the rest of its output)."""
    code = _PRELUDE + setup + textwrap.dedent(f"""
        print("start", flush=True)
        try:
            {call}
        except KeyboardInterrupt:
            print("KeyboardInterrupt", flush=True)
        else:
            print("returned", flush=True)
        """) + _AFTER
    env = {"POLYFAST_NUM_THREADS": str(threads)} if threads else {}
    if level:
        env["POLYFAST_SIMD"] = level
    err = tempfile.TemporaryFile(mode="w+")
    # cwd: not the source tree, whose polyfast/ (no C extension) a child's
    # `-c` would import first
    proc = subprocess.Popen([sys.executable, "-c", code], env=_clean_env(env),
                            cwd=tempfile.gettempdir(), stdout=subprocess.PIPE, stderr=err,
                            text=True)
    watchdog = threading.Timer(SUBPROCESS_TIMEOUT, proc.kill)  # a hang fails, not stalls
    watchdog.start()
    try:
        assert proc.stdout.readline().strip() == "start", _read(err)
        time.sleep(0.5)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        ready, _, _ = select.select([proc.stdout], [], [], GIVE_UP)
        latency = time.monotonic() - sent
        if not ready:
            pytest.fail(f"{call}: still running {GIVE_UP:.0f} s after SIGINT")
        line = proc.stdout.readline().strip()
        rest = proc.stdout.read()
        assert proc.wait() == 0, _read(err)
        return line, latency, rest.strip()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()


@pytest.mark.parametrize("level", ["scalar", "avx2", "neon"])
@pytest.mark.parametrize("name", ["make_fractal", "mandelbrot_few_points"])
def test_sigint_stops_mandelbrot_at_every_level(name, level):
    # Each level has its own loop (the scalar one point at a time, the vector
    # ones in blocks; make_fractal through the grid feed); the default level
    # is the other test's.
    if level not in polyfast_levels():
        pytest.skip(f"this CPU has no {level} level")
    setup, call = LONG_CALLS[name]
    line, latency, rest = _interrupt(setup, call, 1, level)
    assert line == "KeyboardInterrupt", f"{call} at {level}: {line}"
    assert latency < INTERRUPT_BOUND, f"{call} at {level}: {latency:.2f} s after SIGINT"
    assert rest == "same", f"after the interrupt: {rest}"


def polyfast_levels() -> list[str]:
    import polyfast
    from simd_levels import SIMD_LEVELS
    return list(SIMD_LEVELS[: SIMD_LEVELS.index(polyfast.get_cpu_simd_level()) + 1])


def _read(file) -> str:
    file.seek(0)
    return file.read()


@pytest.mark.parametrize("threads", [None, 1], ids=["pool", "one_thread"])
@pytest.mark.parametrize("name", sorted(LONG_CALLS))
def test_sigint_stops_a_long_call_within_a_second(name, threads):
    setup, call = LONG_CALLS[name]
    line, latency, rest = _interrupt(setup, call, threads)
    assert line == "KeyboardInterrupt", f"{call}: {line}"
    assert latency < INTERRUPT_BOUND, f"{call}: KeyboardInterrupt {latency:.2f} s after SIGINT"
    assert rest == "same", f"after the interrupt: {rest}"


def test_a_signal_handlers_exception_is_what_the_call_raises(run_python):
    """Any handler's exception stops the call, not only KeyboardInterrupt, and
    an interrupted ufunc call leaves `out=` with right values or untouched
    ones, never a partial count."""
    proc = run_python("""
        import os, signal, threading, time
        import numpy as np, polyfast

        class Stop(Exception):
            pass

        def handler(signum, frame):
            raise Stop
        signal.signal(signal.SIGALRM, handler)
        c = np.full(4096, 0.25 + 0j)  # the cusp: never escapes, never trapped
        c[::2] = 1.0  # escapes at once
        out = np.full(4096, -7, np.int64)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        t0 = time.monotonic()
        try:
            polyfast.mandelbrot(c, 10**10, out=out)
        except Stop:
            print("Stop", round(time.monotonic() - t0, 3))
        done = out[1::2]
        assert set(np.unique(out[::2])) <= {-7, 2}, np.unique(out[::2])
        assert set(np.unique(done)) <= {-7}, np.unique(done)
        print(polyfast.mandelbrot(np.array([0.3 + 0.6j]), 100)[0])
        """)
    lines = proc.stdout.split()
    assert lines[0] == "Stop" and float(lines[1]) < 0.3 + INTERRUPT_BOUND, proc.stdout
    assert lines[2] == "15"


_FORK_WHILE_BUSY = """
import json, os, threading, time, warnings
import numpy as np
import polyfast
warnings.simplefilter("ignore", DeprecationWarning)  # a Python thread runs
polyfast.set_num_threads(2)
grid = np.linspace(-2, 1, 3001) + 0.5j
expected = polyfast.mandelbrot(grid, 300)
c = np.full(20_000, 0.25 + 0j)  # the cusp: every count is maxiter, no trap shortens it
t0 = time.perf_counter()
polyfast.mandelbrot(c, 20_000)
maxiter = int(20_000 * 1.5 / max(time.perf_counter() - t0, 1e-3))  # a ~1.5 s call
result = []
busy = threading.Thread(target=lambda: result.append(polyfast.mandelbrot(c, maxiter)))
busy.start()
time.sleep(0.3)
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    ok = all(np.array_equal(polyfast.mandelbrot(grid, 300), expected) for _ in range(3))
    os._exit(0 if ok else 1)
fork_seconds = time.perf_counter() - t0
still_busy = busy.is_alive()
_, status = os.waitpid(pid, 0)
busy.join()
print(json.dumps({"fork_ms": fork_seconds * 1e3, "busy_at_fork": still_busy,
                  "child_status": status,
                  "parent_right": bool((result[0] == maxiter).all())}))
"""


def test_fork_does_not_wait_for_another_threads_call(run_python):
    out = json.loads(run_python(_FORK_WHILE_BUSY).stdout)
    assert out["busy_at_fork"], "the background call ended before the fork: no test"
    assert out["fork_ms"] < 50, f"os.fork() took {out['fork_ms']:.1f} ms"
    assert out["child_status"] == 0, "the child's pool computed wrongly"
    assert out["parent_right"], "the parent's running call gave a wrong result"


_FORK_IDLE = """
import json, os, warnings
import numpy as np
import polyfast

def threads():
    return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else -1

x = np.random.default_rng(3).normal(size=2_000_000)
polyfast.set_num_threads(1)
expected = polyfast.poly8(x)
polyfast.set_num_threads(3)
warned, statuses, started = [], [], []
for _ in range(3):
    before = threads()
    polyfast.poly8(x)  # the workers start again before each fork
    started.append(threads() - before)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pid = os.fork()
        if pid == 0:
            os._exit(0 if np.array_equal(polyfast.poly8(x), expected) else 1)
    warned += [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    statuses.append(os.waitpid(pid, 0)[1])
print(json.dumps({"workers_started": started, "warned": warned,
                  "statuses": statuses,
                  "parent_right": bool(np.array_equal(polyfast.poly8(x), expected))}))
"""


def _fork_interpreters() -> list[str]:
    found = [sys.executable] if sys.version_info >= (3, 12) else []
    found += [p for p in os.environ.get("POLYFAST_TEST_PYTHONS", "").split(os.pathsep) if p]
    return found


@pytest.mark.skipif(not _fork_interpreters(),
                    reason="needs Python >= 3.12 (this one, or one in POLYFAST_TEST_PYTHONS)")
@pytest.mark.parametrize("python", _fork_interpreters())
def test_fork_after_the_pool_was_used_does_not_warn(python, tmp_path):
    proc = subprocess.run([python, "-c", _FORK_IDLE], cwd=tmp_path, env=_clean_env(None),
                          capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    version = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    assert out["warned"] == [], f"Python {version}: {out['warned']}"
    assert all(n >= 1 for n in out["workers_started"]), \
        f"the pool's workers did not start anew before each fork: {out}"
    assert out["statuses"] == [0, 0, 0], "a child's pool computed wrongly"
    assert out["parent_right"]


@pytest.mark.skipif(SANITIZED, reason="ASan reserves terabytes of address space")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and RLIMIT_AS")
def test_many_workers_fit_under_an_address_space_limit(run_python):
    """63 workers with glibc's default 8 MiB stacks reserve ~500 MiB: under a
    limit 400 MiB above what the process uses, the 256 MiB array after them
    would then fail to allocate."""
    proc = run_python("""
        import os, resource
        import numpy as np
        import polyfast

        def vm_bytes():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        x = np.ones(64 * 4096 * 16)
        limit = vm_bytes() + (400 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        polyfast.set_num_threads(64)
        assert polyfast.poly8(x).sum() == 8 * x.size
        workers = len(os.listdir("/proc/self/task")) - 1
        big = np.ones((256 << 20) // 8)
        print(workers, big.sum() == big.size)
        """)
    workers, allocated = proc.stdout.split()
    assert int(workers) >= 63, f"only {workers} threads started"
    assert allocated == "True"
