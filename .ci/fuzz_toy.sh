#!/usr/bin/env bash
# The fuzz driver covers a new family with no edit of its own: a copy of the
# source tree gets the toy family of fuzz/toy/ (spec.py, toy_scalar.c,
# toy_simd.c: three new files, and the family's name in src/meson.build's
# list, the fourth), the plain-C core and fuzz_kernels are built from it
# (meson, -Dcore_only=true: no Python extension), and
#   1. `fuzz_kernels --list` names the toy's SIMD kernels at every vector
#      level this CPU has, and a short run passes, having called each;
#   2. with the toy's SIMD loop made wrong at one item (TOY_WRONG 1), the
#      fuzzer fails, naming a toy kernel.
# Run by .ci/fuzz.sh; alone: bash .ci/fuzz_toy.sh.  Cost: ~30 s (the core's
# build on two cores, two short runs).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
tree="$work/tree"
mkdir -p "$tree"
cp -r "$repo/src" "$repo/fuzz" "$repo/tests" "$repo/meson.build" "$repo/meson.options" "$tree/"
rm -rf "$tree/fuzz/toy"
mkdir "$tree/src/toy"
cp "$repo/fuzz/toy/spec.py" "$repo/fuzz/toy/toy_scalar.c" "$repo/fuzz/toy/toy_simd.c" "$tree/src/toy/"
sed -i "s/^families = \[\(.*\)\]$/families = [\1, 'toy']/" "$tree/src/meson.build"
grep -q "'toy'\]$" "$tree/src/meson.build" || { echo "fuzz_toy: src/meson.build has no families line"; exit 1; }
python -m pip install --quiet meson ninja
meson setup "$work/build" "$tree" -Dcore_only=true -Dbuildtype=debugoptimized \
    -Dwerror=true > "$work/setup.log" || { cat "$work/setup.log"; exit 1; }
build() { ninja -j2 -C "$work/build" fuzz_kernels > "$work/ninja.log" || { tail -40 "$work/ninja.log"; exit 1; }; }
build
fuzz="$work/build/fuzz_kernels"

"$fuzz" --list > "$work/list.txt"
toy=$(grep -c '^pf_toy_scale_' "$work/list.txt" || true)
if [ "$toy" -eq 0 ]; then
    if [ "$(wc -l < "$work/list.txt")" -eq 0 ]; then
        echo "fuzz_toy: this CPU/build has no vector level: nothing to compare (skipped)"
        exit 0
    fi
    echo "fuzz_toy: FAILED: the driver does not list the toy's kernels:"; cat "$work/list.txt"; exit 1
fi
"$fuzz" 3 1 > "$work/run.txt" || { cat "$work/run.txt"; echo "fuzz_toy: FAILED: the right toy failed"; exit 1; }
if grep '^pf_toy_scale_' "$work/run.txt" | grep -q ': 0 calls'; then
    cat "$work/run.txt"; echo "fuzz_toy: FAILED: a toy kernel was never called"; exit 1
fi
grep '^pf_toy_scale_' "$work/run.txt"

sed -i 's/^#define TOY_WRONG 0$/#define TOY_WRONG 1/' "$tree/src/toy/toy_simd.c"
grep -q '^#define TOY_WRONG 1$' "$tree/src/toy/toy_simd.c"
build
if "$fuzz" 20 1 > "$work/wrong.txt" 2>&1; then
    cat "$work/wrong.txt"; echo "fuzz_toy: FAILED: a wrong toy SIMD kernel was not found"; exit 1
fi
grep -q 'MISMATCH.*pf_toy_scale_f[0-9]*_[a-z0-9]*: ' "$work/wrong.txt" \
    || { cat "$work/wrong.txt"; echo "fuzz_toy: FAILED: the failure does not name a toy kernel"; exit 1; }
grep -m1 MISMATCH "$work/wrong.txt"
echo "fuzz_toy: the toy family's $toy SIMD kernels are fuzzed, and a wrong one is found"
rm -rf "$work"
