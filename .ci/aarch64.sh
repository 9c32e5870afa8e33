#!/usr/bin/env bash
# arm64: polyfast cross-built for aarch64 and run under qemu-user.
#   build   meson with a cross file for Debian's aarch64-linux-gnu-gcc; the
#           Python headers and an aarch64 CPython 3.11 come from Debian's arm64
#           packages (apt-get download, unpacked into a sysroot), NumPy
#           (headers, libnpyrandom.a, libnpymath.a) from its manylinux aarch64
#           wheel (pip --platform); meson introspects that CPython under qemu.
#           -Wall -Wextra as errors; no_fma.sh over every object.  The
#           plain-C core also from clang --target=aarch64-linux-gnu.
#   C       test_pool (1 to 4 threads) and FUZZ_SECONDS (default 30) of the
#           kernel fuzz driver, at both arm levels (scalar and neon: NEON
#           kernels bit for bit against scalar); the clang core's test_pool
#           and 10 s of its fuzz driver.
#   Python  a subset of the suite with the emulated CPython, at the neon level
#           and with POLYFAST_SIMD=scalar (ARM_TESTS_NEON, ARM_DESELECT,
#           ARM_TESTS_SCALAR below).  The whole suite passes emulated but takes
#           ~30 min at one level; the subset keeps the files whose subject is
#           the kernels and the runtime: at neon poly8 (minus three big-array
#           layout tests), polyval, mandelbrot, bumps, mcmc, runtime (which
#           also compares the bits of both levels in subprocesses); at scalar
#           polyval, mandelbrot, bumps.
# Cost: ~9.5 min measured (arm64 packages and wheels ~1 min, both builds ~1
# min, C drivers ~1 min, tests at neon ~6 min, at scalar ~1 min), plus
# apt-get of the cross compiler and qemu on a fresh machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/aarch64"
rm -rf "$work" && mkdir -p "$work/debs" "$work/sysroot"
seconds="${FUZZ_SECONDS:-30}"
# The tests run at each level (paths relative to tests/).
ARM_TESTS_NEON=(test_poly.py test_mandelbrot.py test_bumps.py test_mcmc.py test_norm_pdf.py
                test_runtime.py)
# At scalar, of test_poly.py only polyval's tests (test_polyval_*).
ARM_TESTS_SCALAR=(test_poly.py test_mandelbrot.py test_bumps.py)
# Left out at neon: poly8's big-array tests of memory layout and chunking
# (strided and overlapping operands, outputs past the cache: ~2 min emulated),
# whose code paths are the same at every level and which the native suite runs;
# the fuzz driver above covers the NEON kernels' strides and offsets.
ARM_DESELECT="not test_non_contiguous_layouts and not test_output_larger_than_cache and not test_overlapping_shift_threaded"
# Left out under qemu-user: a fork while another thread computes.  The pool no
# longer makes fork wait for a running call, and qemu-user's child of such a
# fork aborts inside the emulator ("cpu_exec: assertion failed: (cpu ==
# current_cpu)", exit 127) before running a guest instruction; the native
# suite runs the test.
ARM_DESELECT="$ARM_DESELECT and not test_fork_while_another_thread_computes"
# Left out at both levels: the interior shortcut's maxiter-10^5 boundary case
# (its NumPy reference alone takes ~10 min per level emulated; the 10^4 case
# with ten times as many angles runs here, and the native suite runs 10^5 at
# every x86-64 level) and the cycle trap's maxiter-5000 case (2100 runs here).
ARM_DESELECT_SLOW="not (test_interior_shortcut_is_exact_at_the_boundaries and 100000) and not (test_cycle_trap_is_exact_near_other_components and 5000)"

export DEBIAN_FRONTEND=noninteractive
# The cross compiler, its C library (crt1.o, libc.so: only a Recommends of
# the compiler), its binutils (objdump for the FMA check), qemu-user, clang.
bash "$repo/.ci/apt.sh" gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu \
    qemu-user clang
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
fi
if ! apt-cache show libc6:arm64 > /dev/null 2>&1; then
    apt-get update -qq
fi
# An aarch64 CPython and what its standard library links to, unpacked (not
# installed: the host's python3 stays as it is).
packages=(libc6 libgcc-s1 libstdc++6 python3.11-minimal libpython3.11-minimal
          libpython3.11-stdlib libpython3.11-dev libexpat1 zlib1g libffi8 libbz2-1.0 liblzma5
          libssl3 libuuid1 libsqlite3-0 libncursesw6 libtinfo6 libreadline8 libcrypt1 libnsl2
          libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2
          libkeyutils1 libdb5.3)
(cd "$work/debs" && apt-get download -qq -o APT::Sandbox::User=root "${packages[@]/%/:arm64}")
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/sysroot"; done
sysroot="$work/sysroot"
python -m pip install --quiet meson ninja
python -m pip install --quiet --target "$work/site" --platform manylinux2014_aarch64 \
    --platform manylinux_2_28_aarch64 --python-version 3.11 --implementation cp --abi cp311 \
    --only-binary=:all: "numpy>=2.1" pytest hypothesis

# The emulated CPython, reporting this script as sys.executable (qemu -0) so
# that the subprocesses the tests start are emulated too; PYTHONHOME because
# its prefix is no longer found from argv[0].  $work/pkg (filled below) holds
# polyfast: fixed here, since the tests' subprocesses drop POLYFAST_* variables.
cat > "$work/python-aarch64" <<WRAPPER
#!/bin/sh
PYTHONHOME="$sysroot/usr" PYTHONPATH="$work/pkg:$work/site" \\
    exec qemu-aarch64 -L "$sysroot" -0 "\$0" "$sysroot/usr/bin/python3.11" "\$@"
WRAPPER
chmod +x "$work/python-aarch64"
# Debian's pyconfig.h dispatches to <aarch64-linux-gnu/python3.11/pyconfig.h>,
# found in the sysroot (-idirafter: after the cross compiler's own headers).
cat > "$work/cross.ini" <<CROSS
[binaries]
c = 'aarch64-linux-gnu-gcc'
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
python = '$work/python-aarch64'
python3 = '$work/python-aarch64'
exe_wrapper = ['qemu-aarch64', '-L', '$sysroot']

[built-in options]
c_args = ['-idirafter', '$sysroot/usr/include']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
CROSS
"$work/python-aarch64" -c "import platform, numpy; print('emulated:', platform.machine(), 'CPython', platform.python_version(), 'NumPy', numpy.__version__)"
meson setup "$work/build" "$repo" --cross-file "$work/cross.ini" -Dwerror=true \
    > "$work/setup.log" || { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" all fuzz_kernels test_pool > "$work/build.log" \
    || { tail -50 "$work/build.log"; exit 1; }
bash "$repo/.ci/no_fma.sh" aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump "$work/build/src" \
    "$work/build/fuzz_kernels" "$work/build/test_pool"

qemu-aarch64 -L "$sysroot" "$work/build/test_pool" 4
qemu-aarch64 -L "$sysroot" "$work/build/fuzz_kernels" "$seconds"

# The plain-C core from clang for arm64 too (the compiler of macOS on Apple
# silicon): warnings as errors, no FMA, the pool test and a short fuzz run.
cat > "$work/clang-cross.ini" <<CROSS
[binaries]
c = ['clang', '--target=aarch64-linux-gnu']
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
CROSS
meson setup "$work/clang-build" "$repo" --cross-file "$work/clang-cross.ini" -Dcore_only=true \
    -Dwerror=true > "$work/clang-setup.log" || { cat "$work/clang-setup.log"; exit 1; }
ninja -C "$work/clang-build" > "$work/clang-build.log" || { tail -50 "$work/clang-build.log"; exit 1; }
bash "$repo/.ci/no_fma.sh" "clang --target=aarch64-linux-gnu" aarch64-linux-gnu-objdump \
    "$work/clang-build/src" "$work/clang-build/fuzz_kernels" "$work/clang-build/test_pool"
qemu-aarch64 -L "$sysroot" "$work/clang-build/test_pool" 2
qemu-aarch64 -L "$sysroot" "$work/clang-build/fuzz_kernels" 10

# The package as an install would lay it out.
mkdir -p "$work/pkg" "$work/run"
cp -r "$repo/polyfast" "$work/pkg/"
rm -f "$work/pkg/polyfast/_version.py.in"
cp "$work"/build/src/_core*.so "$work/build/src/_core.pyi" "$work/build/_version.py" \
    "$work/pkg/polyfast/"
cp -r "$repo/tests" "$work/run/tests"
cp "$repo/README.md" "$work/run/README.md"
cd "$work/run"
"$work/python-aarch64" -P -c "import polyfast; polyfast.show_config()"
test "$("$work/python-aarch64" -P -c "import polyfast; print(polyfast.get_simd_level())")" = neon
test "$(POLYFAST_SIMD=scalar "$work/python-aarch64" -P -c \
        "import polyfast; print(polyfast.get_simd_level())")" = scalar
echo "::: aarch64 tests at the neon level: ${ARM_TESTS_NEON[*]}"
"$work/python-aarch64" -P -m pytest -q -p no:cacheprovider -x -k "$ARM_DESELECT and $ARM_DESELECT_SLOW" \
    "${ARM_TESTS_NEON[@]/#/tests/}"
echo "::: aarch64 tests at the scalar level: ${ARM_TESTS_SCALAR[*]}"
POLYFAST_SIMD=scalar "$work/python-aarch64" -P -m pytest -q -p no:cacheprovider -x \
    -k "$ARM_DESELECT_SLOW and (polyval or not test_poly.py)" \
    "${ARM_TESTS_SCALAR[@]/#/tests/}"
