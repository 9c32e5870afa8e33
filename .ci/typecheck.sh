#!/usr/bin/env bash
# Static types: mypy --strict on tests/typing/usage.py (a typed user of every
# public name) against the *installed* package, so the shipped stubs
# (polyfast/_core.pyi, py.typed) and the annotations of the Python API are what
# is checked; then the API modules themselves under --strict.  Proves that a
# typed user gets correct signatures.  Cost: ~20 s.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cd "$work"  # away from the source tree: the installed polyfast is checked
python -m mypy --strict --no-incremental --cache-dir "$work/.mypy" "$repo/tests/typing/usage.py"
python -m mypy --strict --no-incremental --cache-dir "$work/.mypy" \
    -m polyfast -m polyfast._core -m polyfast._bumps -m polyfast._config \
    -m polyfast.notebook -m polyfast._threadpoolctl -m polyfast._mcmc
