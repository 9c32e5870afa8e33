#!/usr/bin/env bash
# clang: polyfast built and installed with CC=clang (Debian's clang) with
# warnings as errors (-Dwerror=true over the project's -Wall -Wextra), then the
# kernel and runtime tests run against that build: test_poly, test_norm_pdf,
# test_mandelbrot, test_bumps, test_mcmc, test_runtime (every SIMD level, the
# pool, fork, signals), test_interrupts (Ctrl-C, fork during a call, stacks).  The other files test Python-level plumbing that does
# not depend on the C compiler, and run against the gcc build in the tests
# stage.  Then no_fma.sh checks every object of both a clang and a gcc build of
# the C core (extension, per-level kernels, fuzz driver) for fused
# multiply-adds.  Cost: ~75 s measured (the clang build and install ~20 s, the
# gcc build ~10 s, 10 s of fuzzing, the tests ~40 s), plus apt-get of clang on
# a fresh machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/clang"
rm -rf "$work" && mkdir -p "$work"
bash "$repo/.ci/apt.sh" clang gcc binutils  # binutils: objdump for no_fma.sh
clang --version | head -1
# Without build isolation, so that the build directory stays usable for the
# fuzz driver (it points at this venv's NumPy headers).
python -m pip install --quiet meson-python meson ninja
CC=clang python -m pip install --quiet --no-deps --no-build-isolation --target "$work/site" \
    -Csetup-args=-Dwerror=true -Cbuild-dir="$work/build" "$repo"
grep -q "C compiler for the host machine: clang" "$work/build/meson-logs/meson-log.txt" \
    || { echo "clang.sh: not a clang build"; exit 1; }
ninja -C "$work/build" fuzz_kernels > "$work/fuzz-build.log" || { cat "$work/fuzz-build.log"; exit 1; }

# The same objects from gcc, for the FMA check only (meson alone, no install).
CC=gcc meson setup "$work/gcc-build" "$repo" -Dwerror=true > "$work/gcc-setup.log" \
    || { cat "$work/gcc-setup.log"; exit 1; }
ninja -C "$work/gcc-build" all fuzz_kernels > "$work/gcc-build.log" \
    || { tail -50 "$work/gcc-build.log"; exit 1; }
bash "$repo/.ci/no_fma.sh" clang objdump "$work/build/src" "$work/build/fuzz_kernels"
bash "$repo/.ci/no_fma.sh" gcc objdump "$work/gcc-build/src" "$work/gcc-build/fuzz_kernels"

"$work/build/fuzz_kernels" 10
cp -r "$repo/tests" "$work/tests"
cp "$repo/README.md" "$work/README.md"
cd "$work"
PYTHONPATH="$work/site" python -P -m pytest -q -p no:cacheprovider -x \
    tests/test_poly.py tests/test_mandelbrot.py tests/test_bumps.py \
    tests/test_mcmc.py tests/test_norm_pdf.py tests/test_runtime.py tests/test_interrupts.py
