"""Leaks: 10**5 calls of each public function, valid and error paths.

For each entry of tests/public_api.py (generated for every module ufunc,
hand-written for the other public names) a fresh interpreter cycles through the
entry's valid calls and bad cases (all but the huge-size ones, whose failed
allocation attempts say nothing about leaks and are slow under sanitizers)
for CALLS calls in all, after a warm-up of WARMUP passes.  Then:

* memory visible to tracemalloc (Python objects and NumPy array buffers)
  grew by less than TRACEMALLOC_BOUND bytes (well under one byte per call:
  leaking one array or one exception per call costs tens of bytes per call);
* the resident set grew by less than RSS_BOUND (catches C-level malloc leaks
  that tracemalloc cannot see, such as a lost chunk of the ragged bump
  buffers).  Skipped under AddressSanitizer, whose quarantine holds freed
  memory on purpose (POLYFAST_SANITIZED=1 in .ci/sanitize.sh);
* ``sys.getrefcount`` of every input array and scalar is what it was before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from public_api import ENTRIES

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
CALLS = 100_000
WARMUP = 50
TRACEMALLOC_BOUND = 64 * 1024
RSS_BOUND = 4 * 1024 * 1024
SANITIZED = os.environ.get("POLYFAST_SANITIZED") == "1"

CHILD = textwrap.dedent(
    """
    import contextlib, gc, io, json, os, sys, tracemalloc, warnings
    sys.path.insert(0, {tests_dir!r})
    from public_api import BY_NAME, HUGE, namespace
    warnings.simplefilter("ignore")
    entry = BY_NAME[{name!r}]
    ns = namespace()
    calls = list(entry.good) + [c for c, accepted in entry.bad if accepted != HUGE]
    code = [compile(c, c, "eval") for c in calls]

    def run(n):
        k = 0
        with contextlib.redirect_stdout(io.StringIO()) as sink:
            while k < n:
                for c in code:
                    try:
                        eval(c, ns)
                    except Exception:
                        pass
                    k += 1
                sink.seek(0)
                sink.truncate()
        return k

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def refcounts():
        refs = {{k: sys.getrefcount(v) for k, v in ns.items()
                 if k not in ("np", "polyfast", "notebook", "__builtins__")}}
        for table in ("UA", "UO"):  # the generic ufunc operands, built on first use
            for key, operands in ns[table].items():
                for i, a in enumerate(operands or ()):
                    refs[f"{{table}}[{{key}}][{{i}}]"] = sys.getrefcount(a)
        return refs

    tracemalloc.start()
    run({warmup} * len(code))
    gc.collect()
    refs0 = refcounts()
    traced0 = tracemalloc.get_traced_memory()[0]
    rss0 = rss()
    done = run({calls})
    gc.collect()
    traced1 = tracemalloc.get_traced_memory()[0]
    rss1 = rss()
    refs1 = refcounts()
    changed = {{k: (refs0[k], refs1[k]) for k in refs0 if refs0[k] != refs1[k]}}
    print(json.dumps({{"calls": done, "cases": len(code), "traced": traced1 - traced0,
                      "rss": rss1 - rss0, "refs": changed}}))
    """
)


@pytest.mark.parametrize("name", [e.name for e in ENTRIES])
def test_no_leak_in_many_calls(name, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLYFAST_")}
    env["PYTHONSAFEPATH"] = "1"
    code = CHILD.format(tests_dir=TESTS_DIR, name=name, calls=CALLS, warmup=WARMUP)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    print(f"{name}: {report}")
    assert report["calls"] >= CALLS
    assert not report["refs"], f"{name}: refcounts of inputs changed: {report['refs']}"
    assert report["traced"] < TRACEMALLOC_BOUND, (
        f"{name}: tracemalloc-visible memory grew by {report['traced']} bytes "
        f"over {report['calls']} calls")
    if not SANITIZED:
        assert report["rss"] < RSS_BOUND, (
            f"{name}: RSS grew by {report['rss']} bytes over {report['calls']} calls")
