#!/usr/bin/env bash
# valgrind memcheck over a short tour of every public function (.ci/smoke.py:
# threaded and serial loops, gufunc core dims, the ragged bump finder, error
# paths, a fork) with the normal release build as installed.  Catches reads of
# uninitialised memory, which ASan does not.  PYTHONMALLOC=malloc so memcheck
# sees Python's allocations; CPython's and NumPy's own memcheck noise is
# counted but only errors whose stack passes through polyfast's extension fail
# (.ci/valgrind_report.py).  valgrind has no AVX-512, and reports the CPU
# without it, so the AVX2 and scalar levels run.  Cost: ~30 s.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
bash "$repo/.ci/apt.sh" valgrind
cd "$work"
py="$(python -c 'import sys; print(sys.executable)')"  # the venv's python, not a shim
for level in "" scalar; do
    rm -f "$work"/vg.*.xml
    PYTHONMALLOC=malloc POLYFAST_SIMD="$level" \
        valgrind --tool=memcheck --leak-check=no --num-callers=50 --xml=yes \
        --xml-file="$work/vg.%p.xml" "$py" "$repo/.ci/smoke.py" > "$work/out.txt"
    tail -1 "$work/out.txt"
    python "$repo/.ci/valgrind_report.py" "$work"/vg.*.xml
done
