#!/usr/bin/env bash
# Windows: the plain-C part of polyfast (the kernels at every SIMD level, the
# thread pool over its Win32 thread layer, CPU features via CPUID/XGETBV, cache
# and CPU count from GetLogicalProcessorInformationEx/GetProcessAffinityMask)
# cross-compiled for x86_64-w64-mingw32 with Debian's mingw-w64 gcc
# (meson -Dcore_only=true with .ci/cross/mingw64.ini, -Wall -Wextra as errors;
# no_fma.sh over the objects), then run under wine (Debian's wine64):
#   test_pool     1 to 8 threads: every index once, poly8 and mandelbrot split
#                 over the pool equal the scalar kernel bit for bit at every
#                 SIMD level, FP flags from workers reach the caller, two
#                 callers at once;
#   fuzz_kernels  FUZZ_SECONDS (default 30) of the kernel fuzz driver: every
#                 SIMD level the CPU has against the references.
# The Python extension itself is not built or run here: that needs a Windows
# CPython and NumPy (the release build uses clang-cl on Windows; README).
# Cost: ~50 s measured once the packages are installed (wine's first start
# ~15 s, 30 s of fuzzing), plus apt-get of mingw-w64 and wine on a fresh
# machine (a few minutes).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/windows"
rm -rf "$work" && mkdir -p "$work"
seconds="${FUZZ_SECONDS:-30}"
bash "$repo/.ci/apt.sh" gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64
python -m pip install --quiet meson ninja
x86_64-w64-mingw32-gcc --version | head -1
meson setup "$work/build" "$repo" --cross-file "$repo/.ci/cross/mingw64.ini" \
    -Dcore_only=true -Dwerror=true > "$work/setup.log" || { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" > "$work/build.log" || { tail -50 "$work/build.log"; exit 1; }
ls "$work/build"/*.exe
bash "$repo/.ci/no_fma.sh" x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump "$work/build/src" \
    "$work/build/test_pool.exe" "$work/build/fuzz_kernels.exe"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all
wine "$work/build/test_pool.exe" 8
wine "$work/build/fuzz_kernels.exe" "$seconds"
