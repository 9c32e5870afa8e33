"""Bad-input sweep: every public function, a table of bad arguments, no crash.

For each entry of tests/public_api.py (every module ufunc's generated from
the ufunc object, with its hand-written extras), one subprocess runs all of that
function's bad cases (and the valid edge cases listed with them) and reports
each outcome as a JSON line.  Each case must raise one of the exceptions its
row accepts, with a non-empty message (an empty tuple means the call is valid
and must not raise).  The child prints the case it is about to run first, so
when it dies by a signal or hangs past the timeout the culprit is the last case
announced; the sweep records it as a crash and restarts the child after it, so
one crash does not hide the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from public_api import BY_NAME, ENTRIES, ENTRIES_HAND, UFUNCS, public_names

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60

CHILD = textwrap.dedent(
    """
    import builtins, json, sys, warnings
    sys.path.insert(0, {tests_dir!r})
    from public_api import namespace
    import contextlib, io
    warnings.simplefilter("ignore")
    cases = json.loads({cases!r})
    start = {start}
    for index, (call, accepted) in enumerate(cases[start:], start):
        print(json.dumps({{"start": index}}), flush=True)
        ns = namespace()
        classes = tuple(getattr(builtins, n) for n in accepted)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                eval(call, ns)
        except BaseException as exc:
            ok = bool(classes) and isinstance(exc, classes) and bool(str(exc).strip())
            got = type(exc).__module__ + "." + type(exc).__qualname__
            msg = str(exc)[:200]
        else:
            ok = not classes
            got, msg = None, ""
        print(json.dumps({{"index": index, "ok": ok, "got": got, "msg": msg}}), flush=True)
    """
)


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLYFAST_")}
    env["PYTHONSAFEPATH"] = "1"
    return env


def sweep(cases, tmp_path, timeout=TIMEOUT) -> tuple[list[dict], list[str]]:
    """Run `cases` ((call, accepted) pairs); return (outcomes, crash descriptions)."""
    outcomes: list[dict] = []
    crashes: list[str] = []
    start = 0
    payload = json.dumps([list(c) for c in cases])
    while start < len(cases):
        code = CHILD.format(tests_dir=TESTS_DIR, cases=payload, start=start)
        try:
            proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(),
                                  capture_output=True, text=True, timeout=timeout)
            stdout, returncode, hung = proc.stdout, proc.returncode, False
            stderr = proc.stderr
        except subprocess.TimeoutExpired as exc:
            stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            stderr, returncode, hung = "", None, True
        last_started = None
        for line in stdout.splitlines():
            record = json.loads(line)
            if "start" in record:
                last_started = record["start"]
            else:
                outcomes.append(record)
                last_started = None
        if returncode == 0 and not hung:
            break
        if last_started is None:  # died before or between cases: not a case's fault
            pytest.fail("sweep child failed outside any case "
                        f"(rc={returncode}):\n{stderr[-3000:]}")
        what = "hung" if hung else f"died with rc={returncode}"
        crashes.append(f"{cases[last_started][0]!r} {what}: {stderr[-1500:]}")
        start = last_started + 1
    return outcomes, crashes


def test_every_public_name_has_an_entry():
    """Module ufuncs get a generated entry; every other public name (plain
    functions, configuration, polyfast.notebook) needs its hand-written row."""
    missing = sorted(set(public_names()) - set(BY_NAME))
    assert not missing, ("public names that are not module ufuncs and have no hand-written "
                         f"Entry in tests/public_api.py: {missing}")
    stale = sorted({e.name for e in ENTRIES_HAND} - set(public_names()))
    assert not stale, f"hand-written entries for names that are not public: {stale}"
    for entry in ENTRIES:
        assert any(accepted for _, accepted in entry.bad), f"{entry.name}: no bad case"
        assert entry.good, f"{entry.name}: no valid call"


def test_every_module_ufunc_is_generated():
    """The enumeration itself: every np.ufunc in polyfast.__all__ has a generated
    entry with calls for each of its loops."""
    import polyfast
    import numpy as np

    ufuncs = [n for n in polyfast.__all__ if isinstance(getattr(polyfast, n), np.ufunc)]
    assert ufuncs and sorted(ufuncs) == UFUNCS
    for name in UFUNCS:
        entry = BY_NAME[name]
        for loop in getattr(polyfast, name).types:
            assert any(f"|{loop}|" in call for call in entry.good), (name, loop)


@pytest.mark.parametrize("name", [e.name for e in ENTRIES])
def test_bad_inputs_raise_clear_errors(name, tmp_path):
    """The bad cases, and the entry's good calls (which must not raise: the
    leak sweep cycles through them and would not notice)."""
    entry = BY_NAME[name]
    cases = tuple(entry.bad) + tuple((call, ()) for call in entry.good)
    outcomes, crashes = sweep(cases, tmp_path)
    assert not crashes, f"{name}: crashed or hung on:\n" + "\n".join(crashes)
    wrong = [
        f"{cases[o['index']][0]}: expected {cases[o['index']][1] or 'no error'}, "
        f"got {o['got']}: {o['msg']}"
        for o in outcomes if not o["ok"]
    ]
    assert not wrong, f"{name}: wrong outcome for:\n" + "\n".join(wrong)
    assert len(outcomes) == len(cases)


def test_sweep_attributes_crashes_and_hangs(tmp_path):
    """The harness itself: a signal and a hang are pinned on their case, and
    the cases after them still run."""
    cases = [
        ("polyfast.poly8(None)", ("TypeError",)),
        ("__import__('os').abort()", ("TypeError",)),
        ("polyfast.set_num_threads(0)", ("ValueError",)),
        ("__import__('time').sleep(60)", ("TypeError",)),
        ("polyfast.poly8(1.0)", ()),
        ("polyfast.poly8(2.0)", ("TypeError",)),  # wrong expectation: reported, not crashed
    ]
    outcomes, crashes = sweep(cases, tmp_path, timeout=5)
    assert len(crashes) == 2
    assert "abort()" in crashes[0] and "died" in crashes[0]
    assert "sleep(60)" in crashes[1] and "hung" in crashes[1]
    assert [(o["index"], o["ok"]) for o in outcomes] == [(0, True), (2, True), (4, True),
                                                         (5, False)]
