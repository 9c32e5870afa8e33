#!/usr/bin/env bash
# Static types: mypy --strict on tests/typing/usage.py (a typed user of every
# public name) and on a generated file naming each entry of polyfast.__all__,
# against the *installed* package, so the shipped stubs (polyfast/_core.pyi,
# py.typed) and the annotations of the Python API are what is checked; then
# the API modules themselves under --strict.  Proves that a typed user gets
# correct signatures.  Cost: ~20 s.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cd "$work"  # away from the source tree: the installed polyfast is checked
python -m mypy --strict --no-incremental --cache-dir "$work/.mypy" "$repo/tests/typing/usage.py"
# Every name of polyfast.__all__, enumerated: a new name without a stub (or a
# ufunc not typed as np.ufunc) fails here with no edit to usage.py.
python - > "$work/public_names.py" <<'PY'
import numpy as np
import polyfast
print("import numpy as np\nimport polyfast\n")
for name in polyfast.__all__:
    if isinstance(getattr(polyfast, name), np.ufunc):
        print(f"{name}: np.ufunc = polyfast.{name}")
    else:
        print(f"{name} = polyfast.{name}")
PY
python -m mypy --strict --no-incremental --cache-dir "$work/.mypy" "$work/public_names.py"
python -m mypy --strict --no-incremental --cache-dir "$work/.mypy" \
    -m polyfast -m polyfast._core -m polyfast._bumps -m polyfast._config \
    -m polyfast.notebook -m polyfast._threadpoolctl -m polyfast._mcmc
