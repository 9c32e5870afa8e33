#!/usr/bin/env bash
# Every supported CPython (README "Supported versions": 3.10, 3.11, 3.12,
# 3.13) with NumPy from the floor (2.1.0) to the newest.  The interpreters are
# pyenv's (`pyenv versions --bare`, the newest patch release of each minor;
# `$(pyenv prefix V)/bin/python`, not the shims, which refuse without a
# selected version); a supported minor that is missing fails the stage.
#
# 3.11 with the newest NumPy is the `tests` stage (the whole suite); here each
# other minor gets a venv of its own with NumPy pinned to one point of the
# range, polyfast installed (by the README's install command on 3.10 and
# 3.13, from the sdist on 3.12: what a user without a wheel gets), and runs
#   * the README's test command with the fast subset below instead of all of
#     tests/ (the long sweeps and the notebook run stay on 3.11), and
#   * the README's main command in its quickest form (two cases).
# polyfast is built with build isolation, so against the newest NumPy that
# Python has, and run on the pinned one ("built new, run old" on 3.10).
# Cost: ~2.5 min per minor alone (venv and wheels ~50 s, build ~40 s, the
# subset ~50 s, the quick run ~20 s); measured 242-294 s each (823 s for the
# stage) in a full CI run with other jobs loading the 2 cores 3-4 times over.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"

supported=(3.10 3.11 3.12 3.13)
# minor, NumPy requirement, how polyfast gets installed (readme | sdist),
# and optionally a numba requirement installed afterwards, whose row also
# runs tests/test_numba.py: 3.10 checks the oldest supported numba (README
# "Inside numba-compiled code"; 0.61 is the first to support NumPy 2.1), the
# `tests` stage the newest.
rows=(
    "3.10 numpy==2.1.0 readme numba==0.61.*"
    "3.12 numpy==2.2.* sdist"
    "3.13 numpy readme"
)
subset=(
    tests/test_poly.py tests/test_mandelbrot.py tests/test_bumps.py
    tests/test_mcmc.py tests/test_norm_pdf.py tests/test_notebook.py tests/test_runtime.py tests/test_concurrency.py
    tests/test_docs.py tests/test_layout.py tests/test_regressions.py tests/test_ecosystem.py
    tests/test_interrupts.py
)
# test_interrupts is here for 3.12 and 3.13 above all: only they warn at a
# fork of a multi-threaded process, which the pool must not provoke.
# Left to the 3.11 `tests` stage: test_leaks, test_properties, test_bad_inputs,
# test_fuzz_gufunc (the long sweeps), test_examples (the notebook, ~30 s),
# test_cli (the command line's options, ~60 s; the quickest run is below).

interpreter() {  # interpreter 3.12 -> path of pyenv's newest 3.12.x python
    local minor=$1 version
    version=$(pyenv versions --bare | grep -E "^${minor//./\\.}\.[0-9]+$" | sort -V | tail -1 || true)
    if [ -z "$version" ]; then
        echo "versions: FAILED: CPython $minor is supported but pyenv has none" \
             "(pyenv versions --bare: $(pyenv versions --bare | tr '\n' ' '))" >&2
        return 1
    fi
    echo "$(pyenv prefix "$version")/bin/python"
}

command -v pyenv > /dev/null || { echo "versions: FAILED: no pyenv on PATH" >&2; exit 1; }
for minor in "${supported[@]}"; do
    py=$(interpreter "$minor")
    "$py" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$minor'.split('.')))"
done

sdist=""
summary=()
for row in "${rows[@]}"; do
    read -r minor numpy how numba <<< "$row"
    t0=$SECONDS
    py=$(interpreter "$minor")
    echo "::: versions: CPython $("$py" -c 'import platform; print(platform.python_version())')," \
         "$numpy, installed by $how"
    venv="$work/venv-$minor"
    "$py" -m venv "$venv"
    vpy="$venv/bin/python"
    "$vpy" -m pip install --quiet "$numpy"
    pinned=$("$vpy" -c 'import numpy; print(numpy.__version__)')
    if [ "$how" = sdist ]; then
        if [ -z "$sdist" ]; then
            python -m build --sdist --outdir "$work/dist" "$repo" > "$work/sdist.log" 2>&1 ||
                { cat "$work/sdist.log"; exit 1; }
            sdist=$(ls "$work"/dist/polyfast-*.tar.gz)
        fi
        "$vpy" -m pip install --quiet "$sdist[test]"
    else
        # the README's install command, with this venv's python
        (cd "$repo" && "$vpy" -m pip install --quiet '.[test]')
    fi
    row_tests=("${subset[@]}")
    if [ -n "${numba:-}" ]; then
        "$vpy" -m pip install --quiet "$numba"
        row_tests+=(tests/test_numba.py)
    fi
    # pip must have kept the pinned NumPy (no test extra may pull a newer one)
    "$vpy" -c "import numpy; assert numpy.__version__ == '$pinned', numpy.__version__"
    (
        cd "$repo"
        "$vpy" -I -m pytest -q -p no:cacheprovider "${row_tests[@]}"
        "$vpy" -I -m polyfast --quick --case fractal --case sampler > "$work/quick-$minor.txt"
        grep -q "polyfast.notebook.sampler" "$work/quick-$minor.txt"
    )
    summary+=("$(printf 'CPython %-8s NumPy %-7s %-6s numba %-7s passed %4ds' \
        "$("$vpy" -c 'import platform; print(platform.python_version())')" "$pinned" "$how" \
        "$("$vpy" -c 'import importlib.metadata as m; print(m.version("numba"))' 2>/dev/null ||
           echo none)" $((SECONDS - t0)))")
done
echo "::: versions: summary"
printf '  %s\n' "${summary[@]}"
