#!/usr/bin/env bash
# Fuzzing: fuzz/fuzz_kernels.c, a randomized differential driver for the C
# kernels (every SIMD loop of every ufunc in the generated table, kernels.h
# and kernels.c from src/codegen/generate.py, against the scalar loop of the
# same ufunc; the bump scan at every SIMD level, the find_bumps and polyval
# gufunc kernels against their references, norm_pdf, the Metropolis chain with
# a fake generator; NumPy's headers only for the bitgen_t struct), built by
# meson (which runs the generator first; the target
# fuzz_kernels, linked with the same plain-C library and per-level flags as the
# extension) with -fsanitize=address,undefined, and run for FUZZ_SECONDS
# (default 60).  clang/libFuzzer is not on a fresh machine and
# atheris' wheel instruments only Python, so coverage guidance is traded for a
# structured generator; the Python side of the gufunc core-dimension code is
# fuzzed by tests/test_fuzz_gufunc.py under the sanitizers (.ci/sanitize.sh).
# A finding prints seed and iteration (replay: fuzz_kernels 0 SEED ITER) and
# fails CI; turn it into a regression test.  Then .ci/fuzz_toy.sh shows that a
# new family's kernels are fuzzed with no edit to the driver.  Cost: ~110 s.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
seconds="${FUZZ_SECONDS:-60}"
seed="${FUZZ_SEED:-$(date +%s)}"
bash "$repo/.ci/apt.sh" gcc libasan8 libubsan1
python -m pip install --quiet meson ninja
CFLAGS="-fno-omit-frame-pointer -fno-sanitize-recover=all" \
    meson setup "$work/build" "$repo" -Dbuildtype=debugoptimized -Doptimization=1 \
    -Db_sanitize=address,undefined -Db_lundef=false > "$work/setup.log" || {
    cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" fuzz_kernels > "$work/ninja.log" || { tail -50 "$work/ninja.log"; exit 1; }
cp "$work/build/fuzz_kernels" "$work/fuzz_kernels"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$work/fuzz_kernels" "$seconds" "$seed"
bash "$repo/.ci/fuzz_toy.sh"
