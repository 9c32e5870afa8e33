#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer: polyfast is rebuilt with
# -Db_sanitize=address,undefined (UBSan made fatal) into a directory of its
# own, and the *whole* test suite runs against it with the ASan runtime
# preloaded into Python (CPython and NumPy are not instrumented; every call
# into polyfast's C is).  Every subprocess, forked child, spawned worker and
# dask worker inherits the sanitized build and the runtime, and writes any
# report to $logs, which must stay empty: a report in a child whose failure a
# test expects cannot hide.  detect_leaks=0 because CPython leaks at exit by
# design (tests/test_leaks.py measures growth instead; its RSS bound is skipped
# here since ASan's quarantine keeps freed memory on purpose);
# allocator_may_return_null=1 so the bad-input sweep's absurd sizes give
# MemoryError as without ASan.  Also runs the Python gufunc fuzzing
# (tests/test_fuzz_gufunc.py) under the sanitizers.  POLYFAST_SANITIZE_CFLAGS
# adds compiler flags: -DPF_THREAD_STACK_BYTES=16384 is how the workers'
# stack size was validated (docs/threads.md, "Ctrl-C, fork and threads").
# Cost: ~4 min (build ~1 min, the suite ~2-3 min).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/sanitize"
rm -rf "$work" && mkdir -p "$work/logs"
# gcc and its sanitizer runtimes (libasan8, libubsan1: Depends of gcc 12's
# libgcc-12-dev, named here since this stage loads them by name); binutils: nm.
bash "$repo/.ci/apt.sh" gcc libasan8 libubsan1 binutils
CFLAGS="-fno-omit-frame-pointer -fno-sanitize-recover=undefined ${POLYFAST_SANITIZE_CFLAGS:-}" \
python -m pip install --quiet --no-deps --target "$work/site" \
    -Csetup-args=-Db_sanitize=address,undefined -Csetup-args=-Db_lundef=false \
    -Csetup-args=-Dbuildtype=debugoptimized -Cbuild-dir="$work/build" "$repo"
nm -u "$work"/site/polyfast/_core*.so > "$work/undefined.txt"
grep -q __asan_ "$work/undefined.txt" && grep -q __ubsan_ "$work/undefined.txt" \
    || { echo "not an ASan+UBSan build"; exit 1; }

asan_rt="$(gcc -print-file-name=libasan.so)"
cd "$work"
cp -r "$repo/tests" "$work/tests"  # the recipe tests read ../docs/*.md, ../README.md
cp "$repo/README.md" "$work/README.md"
mkdir -p "$work/docs" && cp "$repo"/docs/*.md "$work/docs/"
status=0
PYTHONPATH="$work/site" POLYFAST_SANITIZED=1 LD_PRELOAD="$asan_rt" \
ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:log_path=$work/logs/asan" \
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$work/logs/ubsan" \
    python -m pytest -q -p no:cacheprovider -x tests || status=$?
reports=$(grep -l "ERROR: AddressSanitizer\|runtime error:\|UndefinedBehaviorSanitizer\|ERROR: LeakSanitizer" \
          "$work"/logs/* 2>/dev/null || true)
if [ -n "$reports" ]; then
    echo "sanitizer reports:"; for f in $reports; do cat "$f"; done
    exit 1
fi
ls "$work"/logs | head
echo "sanitize: no ASan/UBSan report"
exit $status
