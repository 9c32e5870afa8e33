#!/usr/bin/env bash
# docs: the site (docs/, Sphinx) builds from this clone in a fresh virtual
# environment that has only `pip install '.[docs]'`, with warnings as errors,
# by the command README gives (output under $POLYFAST_CI_TMP/docs instead of
# docs/_build); the pages' `{doctest}` blocks and every docstring's Examples
# shown on the API pages pass Sphinx's doctest builder (over the same
# doctrees: nothing is read or executed twice); .ci/docs_check.py finds an
# anchor and a non-empty page for every public name of polyfast and
# polyfast.notebook (a ufunc's with its loops table), the lecture page with
# executed outputs and its pictures, the Performance page with its plot and
# tables.  Then Debian's chromium (.ci/apt.sh: chromium and the one font it
# needs, nothing a Recommends brings) opens the built index and polyfast.poly8's API page
# headless: each screenshot must not be blank, and the DOM after the pages'
# scripts must show the title and the docstring's summary.  The screenshots
# stay under $POLYFAST_CI_TMP/docs (paths printed).
# Cost: the install ~1 min (polyfast's build; the wheels of Sphinx, myst-nb,
# numba...), the HTML build ~45 s (the lecture notebook executes in ~20 s of
# it), doctests ~10 s, checks and screenshots ~10 s; plus apt-get of chromium
# (~100 MB) on a fresh machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${POLYFAST_CI_TMP:-$(mktemp -d)}/docs"
rm -rf "$work" && mkdir -p "$work"

python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
(cd "$repo" && "$py" -m pip install --quiet '.[docs]')

t0=$SECONDS
# The build command of README and .readthedocs.yaml, into the run's folder.
(cd "$repo" && "$py" -m sphinx -W --keep-going -b html docs "$work/html") > "$work/html.log" 2>&1 \
    || { tail -60 "$work/html.log"; echo "docs: FAILED: the HTML build (log above)"; exit 1; }
grep -E "^build succeeded|^The HTML pages" "$work/html.log" || true
echo "docs: HTML built in $((SECONDS - t0)) s"
t0=$SECONDS
(cd "$repo" && "$py" -m sphinx -W --keep-going -b doctest -d "$work/html/.doctrees" \
    docs "$work/doctest") > "$work/doctest.log" 2>&1 \
    || { tail -60 "$work/doctest.log"; echo "docs: FAILED: doctests (log above)"; exit 1; }
tail -4 "$work/doctest/output.txt"
grep -q "0 failures in tests" "$work/doctest/output.txt" \
    || { cat "$work/doctest/output.txt"; echo "docs: FAILED: doctests"; exit 1; }
echo "docs: doctests in $((SECONDS - t0)) s"
# Outside the clone, so that the installed polyfast is the one checked.
(cd "$work" && "$py" -I "$repo/.ci/docs_check.py" "$work/html")

# A real browser: Debian's chromium, headless, and a font for its text (its
# Recommends, fonts-liberation, is not installed: .ci/apt.sh).
bash "$repo/.ci/apt.sh" chromium fonts-dejavu-core
chromium --version 2> /dev/null
shoot() {  # shoot NAME PAGE TEXT...: screenshot and DOM of one page, then the check
    local name=$1 page=$2
    shift 2
    local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
                 --user-data-dir="$work/chromium-profile" --virtual-time-budget=10000
                 --window-size=1400,1800)
    chromium "${flags[@]}" --screenshot="$work/$name.png" "file://$work/html/$page" \
        > "$work/$name.chromium.log" 2>&1 || { cat "$work/$name.chromium.log"; exit 1; }
    chromium "${flags[@]}" --dump-dom "file://$work/html/$page" > "$work/$name.dom.html" \
        2> "$work/$name.dom.log" || { cat "$work/$name.dom.log"; exit 1; }
    "$py" "$repo/.ci/docs_check.py" screenshot "$work/$name.png" "$work/$name.dom.html" "$@"
    echo "docs: screenshot $work/$name.png"
}
shoot index index.html "polyfast" "polyfast takes the hot functions" "Getting started"
shoot poly8 api/generated/polyfast.poly8.html "polyfast.poly8" \
    "Evaluate x + x**2 + x**3 + x**4 + x**5 + x**6 + x**7 + x**8 elementwise." "Loops"
