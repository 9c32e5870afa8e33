#!/usr/bin/env bash
# Free-threaded CPython: polyfast built for CPython 3.13t (`--disable-gil`)
# with NumPy 2.3.x, `import polyfast` leaving the GIL off (no RuntimeWarning:
# the module declares Py_MOD_GIL_NOT_USED), then the tests that exercise
# threads (test_concurrency.py: 8 threads on every function while the thread
# count changes; test_runtime.py: the pool, fork, Ctrl-C; test_mcmc.py: the
# sampler, shared generators across threads; test_interrupts.py: Ctrl-C, forks
# in signal handlers, workers without malloc arenas, issue 25's attack round;
# test_bumps.py: the ragged scan's arena on several threads) with PYTHON_GIL=0 and
# `-W error::RuntimeWarning`, run from outside the source tree.
#
# The interpreter is $POLYFAST_FT_PYTHON when set (.ci/run builds it in the
# background from its start), else .ci/cpython_ft.sh's: cached in
# ~/.cache/polyfast-ci, or built from source (~11 min).  No interpreter is a
# failure, never a skip.
# Cost with the interpreter at hand: 60-80 s measured (NumPy and test wheels,
# one build of polyfast, the three test files).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"

py="${POLYFAST_FT_PYTHON:-$(bash "$repo/.ci/cpython_ft.sh")}"
"$py" -VV
"$py" -m venv "$work/venv"
vpy="$work/venv/bin/python"
"$vpy" -m pip install --quiet --upgrade pip
# wheels only: a package without a cp313t wheel must not build from source
# (hypothesis's newest needs Rust crates this machine cannot fetch)
"$vpy" -m pip install --quiet --only-binary :all: 'numpy==2.3.*' 'pytest>=7' 'hypothesis>=6' scipy
# Built in pip's isolated build environment against the newest NumPy that has
# a cp313t wheel (the newest of all may have none: then pip would spend ~10
# min building NumPy itself), run on 2.3.x.
"$vpy" -m pip install --quiet --only-binary numpy "$repo"  # README "What you need", verbatim but for --quiet
cd "$work"

# The import itself: no warning (an error here), the GIL still off after it.
PYTHON_GIL=0 "$vpy" -W error::RuntimeWarning -c '
import sys, numpy, polyfast
assert not sys._is_gil_enabled(), "importing polyfast enabled the GIL"
print("freethreaded:", sys.version.split()[0], "numpy", numpy.__version__,
      "polyfast", polyfast.__version__, "GIL enabled:", sys._is_gil_enabled())
'
# Without PYTHON_GIL=0 too (the default of a free-threaded build is "off
# unless a module asks for it"): no module of ours asks.
"$vpy" -W error::RuntimeWarning -c '
import sys, polyfast
assert not sys._is_gil_enabled()
'
PYTHON_GIL=0 "$vpy" -W error::RuntimeWarning -m pytest -q -p no:cacheprovider \
    "$repo/tests/test_concurrency.py" "$repo/tests/test_runtime.py" "$repo/tests/test_mcmc.py" "$repo/tests/test_norm_pdf.py" \
    "$repo/tests/test_interrupts.py" "$repo/tests/test_bumps.py"
