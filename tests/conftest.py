"""Shared fixtures for polyfast's tests.

Run with ``pytest tests`` (or ``python -I -m pytest tests``) from the project
root: the installed package is tested, never the source folder ``polyfast/``,
which has no compiled extension.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import polyfast

# Every subprocess gets at most this long; a hang fails the test instead of
# stalling the suite.
SUBPROCESS_TIMEOUT = 120


@pytest.fixture(scope="session")
def notebook_x():
    """The notebook's input: one million draws of a standard normal, seeded.

    The notebook calls ``np.random.normal(size=1_000_000)``; the legacy
    RandomState draws the same kind of vector, reproducibly.  Read-only so no
    test can change it under another.
    """
    x = np.random.RandomState(20231115).normal(size=1_000_000)
    x.setflags(write=False)
    return x


@pytest.fixture(autouse=True)
def _restore_num_threads():
    """Whatever a test does with set_num_threads, the next one starts clean."""
    before = polyfast.get_num_threads()
    yield
    polyfast.set_num_threads(before)


@pytest.fixture
def num_threads():
    """Return a setter for the pool size; the autouse fixture restores it."""

    def set_threads(n: int) -> None:
        polyfast.set_num_threads(n)
        assert polyfast.get_num_threads() == n

    return set_threads


def _clean_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLYFAST_")}
    env["PYTHONSAFEPATH"] = "1"  # like -P: never import the source tree
    if extra:
        env.update(extra)
    return env


@pytest.fixture
def run_python(tmp_path):
    """Run a Python snippet in a fresh interpreter with the given environment.

    ``run_python(code, env={"POLYFAST_SIMD": "scalar"})`` returns the
    CompletedProcess (text stdout/stderr).  The child starts in ``tmp_path``
    (so the source folder cannot shadow the installed package), with every
    ``POLYFAST_*`` variable of this process removed before ``env`` is applied,
    and is killed after SUBPROCESS_TIMEOUT seconds.  ``check=True`` (the
    default) fails the test with the child's stderr when it exits non-zero.
    """

    def run(code: str, env: dict[str, str] | None = None, check: bool = True,
            timeout: float = SUBPROCESS_TIMEOUT, **popen_kwargs):
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            cwd=tmp_path,
            env=_clean_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            **popen_kwargs,
        )
        if check and proc.returncode != 0:
            pytest.fail(
                f"subprocess exited with {proc.returncode} (env={env})\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        return proc

    return run


def _first_difference(a: np.ndarray, b: np.ndarray) -> str:
    ua = np.ascontiguousarray(a).reshape(-1).view(np.uint8).reshape(a.size, -1)
    ub = np.ascontiguousarray(b).reshape(-1).view(np.uint8).reshape(b.size, -1)
    bad = np.flatnonzero((ua != ub).any(axis=1))
    i = bad[0]
    return (f"{bad.size} of {a.size} elements differ in their bits; first at flat "
            f"index {i}: {a.reshape(-1)[i]!r} vs {b.reshape(-1)[i]!r}")


@pytest.fixture
def assert_same_bits():
    """Return ``check(a, b)``: same dtype, shape and bit pattern (nan, -0 included)."""

    def check(a, b):
        a = np.asarray(a)
        b = np.asarray(b)
        assert a.dtype == b.dtype, (a.dtype, b.dtype)
        assert a.shape == b.shape, (a.shape, b.shape)
        if a.size and np.ascontiguousarray(a).tobytes() != np.ascontiguousarray(b).tobytes():
            pytest.fail(_first_difference(a, b))

    return check
