"""Check a built copy of the site (.ci/docs.sh runs it after Sphinx).

Usage: python .ci/docs_check.py HTML_DIR
       python .ci/docs_check.py screenshot PNG DOM TEXT...

* every public name of ``polyfast`` and ``polyfast.notebook`` has its anchor
  (the ``polyfast.<name>`` / ``polyfast.notebook.<name>`` id Sphinx makes), on
  its own API page, and that page is not empty: it carries the docstring's
  summary line, its Examples and, for a ufunc, one row per loop of the
  installed ufunc (the failure of sphinx-doc/sphinx#14576 is an empty page);
* the lecture page holds executed outputs (show_config's lines, %timeit's
  lines) and at least two pictures, each a PNG file of the site;
* the Performance page shows the stored run's plot and its tables.

``screenshot`` checks what headless Chromium made of a page: the PNG is not
blank (enough pixels differ from the background colour, in more than one
colour) and the DOM it dumped after running the page's scripts holds each
TEXT (the title, a docstring's summary).

Enumerates the installed package, so a new public name is checked with no
edit here.  Exits 1 with one line per problem.
"""

from __future__ import annotations

import html
import inspect
import pathlib
import re
import sys
from html.parser import HTMLParser

import numpy as np

import polyfast
import polyfast.notebook


class Page(HTMLParser):
    """The ids, images, tables and text of one HTML page."""

    def __init__(self, path: pathlib.Path) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.table_classes: list[str] = []
        self.output_divs = 0
        self.text_parts: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))
        self.text = unsmart(" ".join("".join(self.text_parts).split()))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag == "table":
            self.table_classes.append(attrs.get("class") or "")
        if tag == "div" and "cell_output" in (attrs.get("class") or "").split():
            self.output_divs += 1

    def handle_data(self, data):
        self.text_parts.append(data)


SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2026": "...", "\u2013": "--", "\u2014": "---"})


def unsmart(text: str) -> str:
    """Text without Sphinx's smart quotes, dashes and ellipses."""
    return text.translate(SMART)


def summary_line(obj) -> str:
    name = getattr(obj, "__name__", "")
    for line in inspect.cleandoc(obj.__doc__ or "").splitlines():
        if line.strip() and not line.startswith(name + "("):
            return line.strip()
    return ""


def plain(text: str) -> str:
    """A docstring line as the page shows it: no reST markup, single spaces."""
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return " ".join(html.unescape(text).split())


def check_api(site: pathlib.Path, problems: list[str]) -> int:
    names = ([("polyfast", n, getattr(polyfast, n)) for n in polyfast.__all__]
             + [("polyfast.notebook", n, getattr(polyfast.notebook, n))
                for n in polyfast.notebook.__all__])
    for module, name, obj in names:
        anchor = f"{module}.{name}"
        path = site / "api" / "generated" / f"{anchor}.html"
        if not path.exists():
            problems.append(f"{anchor}: no API page {path}")
            continue
        page = Page(path)
        if anchor not in page.ids:
            problems.append(f"{anchor}: its page has no anchor id={anchor!r}")
        summary = plain(summary_line(obj))
        if summary[:40] not in page.text:
            problems.append(f"{anchor}: the page lacks the docstring's summary {summary!r}")
        if "Examples" not in page.text or ">>>" not in page.text:
            problems.append(f"{anchor}: the page lacks the docstring's Examples")
        if isinstance(obj, np.ufunc):
            if not any("polyfast-loops" in c for c in page.table_classes):
                problems.append(f"{anchor}: a ufunc page without its loops table")
            for types in obj.types:
                if types not in page.text:
                    problems.append(f"{anchor}: the loops table lacks the loop {types}")
    return len(names)


def check_lecture(site: pathlib.Path, problems: list[str]) -> tuple[int, int]:
    path = site / "generated" / "lecture.html"
    if not path.exists():
        problems.append(f"lecture: no page {path}")
        return 0, 0
    page = Page(path)
    for text, what in (("SIMD level", "show_config's output"),
                       ("per loop", "%timeit's output"),
                       ("mean ± std. dev.", "%timeit's output")):
        if text not in page.text:
            problems.append(f"lecture: no executed output ({what}: {text!r} not found)")
    if page.output_divs < 10:
        problems.append(f"lecture: {page.output_divs} cell outputs, expected at least 10")
    pngs = [src for src in page.images if src.endswith(".png")]
    if len(pngs) < 2:
        problems.append(f"lecture: {len(pngs)} pictures, expected the fractal and the chain")
    for src in pngs:
        image = (path.parent / src).resolve()
        if not image.exists() or image.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
            problems.append(f"lecture: picture {src} is not a PNG file of the site")
        elif image.stat().st_size < 10_000:
            problems.append(f"lecture: picture {src} is only {image.stat().st_size} bytes")
    return page.output_divs, len(pngs)


def check_performance(site: pathlib.Path, problems: list[str]) -> None:
    page = Page(site / "performance.html")
    if not any(src.endswith("speedups.png") for src in page.images):
        problems.append("performance: the stored run's plot is not shown")
    if sum("polyfast-speedups" in c for c in page.table_classes) < 2:
        problems.append("performance: the twins table or the whole table is missing")
    if "baseline" not in page.text or "polyfast.poly8(x)" not in page.text:
        problems.append("performance: the tables hold no run")


def check_screenshot(png: str, dom: str, texts: list[str]) -> list[str]:
    from PIL import Image  # matplotlib's dependency, in the docs extra

    problems = []
    with Image.open(png) as image:
        pixels = image.convert("RGB")
        width, height = pixels.size
        colours = pixels.getcolors(maxcolors=width * height)
    background_count, background = max(colours)
    inked = 1 - background_count / (width * height)
    if inked < 0.02 or len(colours) < 16:
        problems.append(f"{png}: looks blank ({inked:.1%} of {width}x{height} pixels differ "
                        f"from the background {background}, {len(colours)} colours)")
    text = unsmart(" ".join(html.unescape(
        re.sub(r"<[^>]+>", "", pathlib.Path(dom).read_text(encoding="utf-8"))).split()))
    problems += [f"{dom}: the rendered page lacks {t!r}" for t in texts if t not in text]
    if not problems:
        print(f"docs check: {png}: {width}x{height}, {inked:.0%} of the pixels inked, "
              f"{len(colours)} colours; the page shows {', '.join(map(repr, texts))}")
    return problems


def main(argv: list[str]) -> int:
    if argv[0] == "screenshot":
        problems = check_screenshot(argv[1], argv[2], argv[3:])
        for problem in problems:
            print(f"docs check: {problem}")
        return 1 if problems else 0
    site = pathlib.Path(argv[0])
    problems: list[str] = []
    count = check_api(site, problems)
    outputs, pictures = check_lecture(site, problems)
    check_performance(site, problems)
    for problem in problems:
        print(f"docs check: {problem}")
    if problems:
        return 1
    print(f"docs check: {count} public names with their anchors and non-empty pages; "
          f"the lecture with {outputs} executed outputs and {pictures} pictures; "
          "the performance page with its plot and tables")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
