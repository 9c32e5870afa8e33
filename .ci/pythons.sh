#!/usr/bin/env bash
# Python >= 3.12 warns at every os.fork() of a multi-threaded process; the
# pool retires its idle workers before a fork so that it does not, and
# tests/test_interrupts.py checks it, but only under an interpreter that
# warns.  The suite's own stage runs the machine's python3 (3.11 here), so
# this stage takes every CPython >= 3.12 that pyenv has on the machine (or
# those named in POLYFAST_CI_PYTHONS), gives each a venv with NumPy and this
# polyfast, and runs tests/test_interrupts.py under it: the fork-warning test
# natively, and Ctrl-C and fork-while-busy on that version too.  A stage that
# runs the whole suite per Python version covers this as well.
# Cost: ~1.5 min per interpreter (NumPy from the index, polyfast's build, the
# tests ~20 s).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/pythons"
rm -rf "$work" && mkdir -p "$work"
pythons=()
if [ -n "${POLYFAST_CI_PYTHONS:-}" ]; then
    IFS=: read -r -a pythons <<< "$POLYFAST_CI_PYTHONS"
elif command -v pyenv > /dev/null; then
    for version in $(pyenv versions --bare); do
        case "$version" in
            3.1[2-9]|3.1[2-9].*) [[ "$version" == *t ]] || pythons+=("$(pyenv prefix "$version")/bin/python") ;;
        esac
    done
fi
if [ ${#pythons[@]} -eq 0 ]; then
    echo "pythons: no CPython >= 3.12 here (pyenv or POLYFAST_CI_PYTHONS); nothing to check"
    exit 0
fi
for python in "${pythons[@]}"; do
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    echo "pythons: $python ($version)"
    "$python" -m venv "$work/venv-$version"
    venv_python="$work/venv-$version/bin/python"
    "$venv_python" -m pip install --quiet numpy meson-python meson ninja pytest
    "$venv_python" -m pip install --quiet --no-build-isolation "$repo"
    (cd "$work" && "$venv_python" -P -m pytest -q -p no:cacheprovider -x \
        "$repo/tests/test_interrupts.py")
done
