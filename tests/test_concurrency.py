"""Concurrency and fork, table-driven: every public function's `work` call.

* 8 Python threads run the `work` calls of every entry of tests/public_api.py
  in rotation while another thread keeps changing set_num_threads; every
  result must be bit-identical to the serial one, and all threads must finish
  within a timeout (a deadlock fails instead of hanging).
* multiprocessing pools with the "fork" start method (after the pool's
  workers exist in the parent) and with "spawn" compute every `work` call;
  the digests must equal the parent's.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import warnings

import pytest

import polyfast
from public_api import ENTRIES, BY_NAME, namespace, public_names, digest, run_work

WORK = [e.name for e in ENTRIES if e.work is not None]
TIMEOUT = 120


def test_every_public_name_has_work():
    missing = sorted(set(public_names()) - set(WORK))
    assert not missing, f"public names without a `work` call in tests/public_api.py: {missing}"


@pytest.fixture(scope="module")
def expected():
    polyfast.set_num_threads(1)
    ns = namespace()
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return ns, {name: digest(eval(BY_NAME[name].work, ns)) for name in WORK}


def test_threads_hammer_while_thread_count_changes(expected, num_threads):
    ns, digests = expected
    num_threads(2)
    code = {name: compile(BY_NAME[name].work, name, "eval") for name in WORK}
    stop = threading.Event()
    errors: list[str] = []
    flips = 0

    def flipper():
        nonlocal flips
        k = 0
        while not stop.is_set():
            polyfast.set_num_threads((1, 2, 4, 3, 8)[k % 5])
            k += 1
            flips = k
            time.sleep(0.0005)

    def work(i):
        try:
            for k in range(8 * len(WORK)):
                name = WORK[(i + k) % len(WORK)]
                if name == "show_config":
                    continue  # prints; checked serially
                got = digest(eval(code[name], ns))
                if got != digests[name]:
                    errors.append(f"thread {i}, call {k}: {name} differs")
        except BaseException as exc:  # noqa: BLE001
            errors.append(f"thread {i}: {exc!r}")

    flip = threading.Thread(target=flipper, daemon=True)
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(8)]
    flip.start()
    for t in threads:
        t.start()
    deadline = time.monotonic() + TIMEOUT
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    stop.set()
    flip.join(10)
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, f"threads still running after {TIMEOUT}s (deadlock?): {alive}"
    assert not flip.is_alive()
    assert not errors, errors
    assert flips > 0


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_start_methods(method, expected, num_threads):
    _, digests = expected
    num_threads(2)
    polyfast.poly8(namespace()["BIG"])  # the parent's workers exist before fork
    ctx = multiprocessing.get_context(method)
    with warnings.catch_warnings():
        # Python 3.12+ warns that fork() in a threaded process may deadlock:
        # exactly what this test checks does not happen.
        warnings.simplefilter("ignore", DeprecationWarning)
        with ctx.Pool(2) as pool:
            result = pool.map_async(run_work, WORK)
            got = dict(zip(WORK, result.get(timeout=TIMEOUT)))
    assert got == digests
