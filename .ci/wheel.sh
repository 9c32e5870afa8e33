#!/usr/bin/env bash
# Packaging: `python -m build` makes an sdist and, from that sdist, a wheel
# (so the sdist is proven complete); the wheel goes into a clean venv with
# only its [test] extra, and the test suite runs from a copy of tests/ outside
# the source tree (the README recipe tests skip there: they read README.md).
# Proves a user's `pip install polyfast-*.whl` works.
# Cost: ~2.5 min (isolated build ~45 s, the suite ~90 s).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
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

python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel[test]"
cp -r "$repo/tests" "$work/tests"
cd "$work"
"$work/venv/bin/python" -c "import polyfast, sys; assert polyfast.__file__.startswith(sys.prefix), polyfast.__file__"
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests
