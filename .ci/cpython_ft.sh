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
# finished.  Cost: 11 min measured on 2 shared cores for the build (no PGO, no
# LTO, no test suite), 0 s when cached.  All build output goes to a log; only
# the interpreter's path is printed on stdout.
set -euo pipefail
cache="${POLYFAST_FT_CACHE:-$HOME/.cache/polyfast-ci}"
mkdir -p "$cache"

existing=$(ls -d "$cache"/cpython-3.13.*t 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$existing" ] && [ -f "$existing/.complete" ]; then
    echo "$existing/bin/python3.13t"
    exit 0
fi

work="$(mktemp -d)"
log="$cache/build.log"
echo "cpython_ft: building a free-threaded CPython 3.13 (log: $log)" >&2
{
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
    make -j"$(nproc)"
    make install
    "$prefix/bin/python3.13t" -c 'import sys, ssl, ctypes; assert not sys._is_gil_enabled()'
    touch "$prefix/.complete"
    echo "$prefix" > "$work/prefix"
} > "$log" 2>&1 || { tail -40 "$log" >&2; echo "cpython_ft: the build failed" >&2; exit 1; }
prefix=$(cat "$work/prefix")
rm -rf "$work"
echo "$prefix/bin/python3.13t"
