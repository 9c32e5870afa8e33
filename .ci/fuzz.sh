#!/usr/bin/env bash
# Fuzzing: fuzz/fuzz_kernels.c, a randomized differential driver for the C
# kernels (the bump scan at every SIMD level, the find_bumps and polyval gufunc
# kernels with random core dimensions and strides, poly8/mandelbrot levels
# against scalar, norm_pdf, the Metropolis chain with a fake generator; NumPy's
# headers only for the bitgen_t struct), compiled with gcc -fsanitize=address,undefined and run for
# FUZZ_SECONDS (default 60).  clang/libFuzzer is not on a fresh machine and
# atheris' wheel instruments only Python, so coverage guidance is traded for a
# structured generator; the Python side of the gufunc core-dimension code is
# fuzzed by tests/test_fuzz_gufunc.py under the sanitizers (.ci/sanitize.sh).
# A finding prints seed and iteration (replay: fuzz_kernels 0 SEED ITER) and
# fails CI; turn it into a regression test.  Cost: ~65 s.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
seconds="${FUZZ_SECONDS:-60}"
seed="${FUZZ_SEED:-$(date +%s)}"
cd "$repo"
gcc -std=c11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all -ffp-contract=off -fno-fast-math -D_GNU_SOURCE \
    -Wall -Wextra -Isrc -I"$(python -c 'import numpy; print(numpy.get_include())')" \
    fuzz/fuzz_kernels.c src/kernels/bumps_*.c src/kernels/poly_*.c \
    src/kernels/mandelbrot_*.c src/kernels/norm_pdf_scalar.c src/kernels/metropolis.c \
    src/runtime/cpu_features.c -lm -o "$work/fuzz_kernels"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$work/fuzz_kernels" "$seconds" "$seed"
