#!/usr/bin/env bash
# Prints the path of a free-threaded CPython 3.13 interpreter (python3.13t),
# building it first if it is not cached.  No prebuilt free-threaded CPython is
# reachable from this machine (only PyPI and Debian's archive are), so it is
# built from Debian's source package of CPython 3.13 (the upstream tarball,
# `apt-get source --download-only` against a private sources list for Debian
# 13, so the system's apt configuration is not touched) with
# `./configure --disable-gil`.
#
# Cache: ${POLYFAST_FT_CACHE:-~/.cache/polyfast-ci}/cpython-<version>t.  Its
# prefix holds the interpreter; a marker file written last says the build
# finished; a lock keeps two CI runs on one machine from building into it at
# once.  Cost (no PGO, no LTO, no test suite): 591 s measured with make -j1
# (POLYFAST_FT_JOBS=1, as .ci/run starts it, in the background) on 2 cores
# shared with other jobs, 11 min with -j2 under heavier load; 0 s when
# cached.  All build output goes to a log; only the interpreter's path is
# printed on stdout.
set -euo pipefail
cache="${POLYFAST_FT_CACHE:-$HOME/.cache/polyfast-ci}"
jobs="${POLYFAST_FT_JOBS:-$(nproc)}"
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9

existing=$(ls -d "$cache"/cpython-3.13.*t 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$existing" ] && [ -f "$existing/.complete" ]; then
    echo "$existing/bin/python3.13t"
    exit 0
fi

work="$(mktemp -d)"
log="$cache/build.log"
echo "cpython_ft: building a free-threaded CPython 3.13 (log: $log)" >&2
t0=$SECONDS
{
    # CPython's optional modules that pip, ssl downloads and NumPy's tests
    # need; present wherever pyenv built its CPythons, installed otherwise.
    deps=(build-essential libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev
          libsqlite3-dev libreadline-dev libncurses-dev uuid-dev xz-utils dpkg-dev
          debian-archive-keyring)
    bash "$(dirname "$0")/apt.sh" "${deps[@]}"
    mkdir -p "$work/apt/lists/partial" "$work/src"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
         "http://deb.debian.org/debian trixie main" > "$work/apt/sources.list"
    aptopts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
             -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache")
    apt-get "${aptopts[@]}" update
    (cd "$work/src" && apt-get "${aptopts[@]}" source --download-only python3.13)
    orig=$(ls "$work"/src/python3.13_*.orig.tar.xz)
    version=$(basename "$orig" | sed 's/^python3\.13_\(.*\)\.orig\.tar\.xz$/\1/')
    tar -xJf "$orig" -C "$work/src"
    srcdir=$(ls -d "$work"/src/Python-3.13*/ | head -1)
    prefix="$cache/cpython-${version}t"
    rm -rf "$prefix"
    cd "$srcdir"
    ./configure --disable-gil --prefix="$prefix" --with-ensurepip=install --disable-test-modules
    make -j"$jobs"
    make install
    "$prefix/bin/python3.13t" -c 'import sys, ssl, ctypes; assert not sys._is_gil_enabled()'
    touch "$prefix/.complete"
    echo "$prefix" > "$work/prefix"
} > "$log" 2>&1 || { tail -40 "$log" >&2; echo "cpython_ft: the build failed" >&2; exit 1; }
prefix=$(cat "$work/prefix")
rm -rf "$work"
echo "cpython_ft: built $prefix in $((SECONDS - t0)) s (make -j$jobs)" >&2
echo "$prefix/bin/python3.13t"
