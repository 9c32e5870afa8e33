"""The parts of polyfast's site that are generated, not written (docs/conf.py loads it).

* One API page per public name of ``polyfast`` and ``polyfast.notebook``,
  written to ``docs/api/generated/`` when the build starts, each an autodoc
  entry (so its anchor is the ``polyfast.<name>`` / ``polyfast.notebook.<name>``
  id Sphinx makes) of the installed package's docstring.  A ufunc's page also
  lists its loops, read from the same ``src/<family>/spec.py`` rows that
  ``src/codegen/generate.py`` turns into the C registration table (the
  generator itself parses them), and checked against the ``types`` of the
  installed ufunc: a page cannot promise a loop the build does not have.
* ``docs/generated/lecture.ipynb``: a copy of ``examples/lecture.ipynb``, the
  page myst-nb executes (Sphinx reads pages from docs/ only).
* The ``polyfast-speedups`` directive: the tables of a ``python -m polyfast
  --json`` run (``docs/speedups.json``).

Every list here is enumerated from the package, the specs or the JSON, so a
new public name or loop needs no edit of the docs.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import pathlib
import re
import shutil
import sys

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

DOCS = pathlib.Path(__file__).resolve().parent.parent
ROOT = DOCS.parent
SRC = ROOT / "src"
API_OUT = DOCS / "api" / "generated"
LECTURE_SOURCE = ROOT / "examples" / "lecture.ipynb"
LECTURE_PAGE = DOCS / "generated" / "lecture.ipynb"

#: The spec files' type names as NumPy dtype names.
DTYPES = {"f32": "float32", "f64": "float64", "c64": "complex64", "c128": "complex128",
          "i64": "int64"}
LEVEL_NAMES = {"avx2": "AVX2", "avx512": "AVX-512", "neon": "NEON"}
ARCH_OF_CONDITION = (("__x86_64__", "x86-64"), ("__aarch64__", "arm64"))


# ------------------------------------------------------------- the spec table


def load_generator():
    """src/codegen/generate.py as a module (the generator the build runs)."""
    path = SRC / "codegen" / "generate.py"
    spec = importlib.util.spec_from_file_location("polyfast_codegen_generate", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def spec_ufuncs() -> dict:
    """Every ufunc row of the spec files: name -> generate.Ufunc."""
    generate = load_generator()
    paths = sorted(SRC.glob("*/spec.py"))
    ufuncs, _ = generate.collect(paths)
    return {u.name: u for u in ufuncs}


def simd_levels() -> dict[str, list[str]]:
    """Architecture -> its SIMD levels, lowest first, from src/runtime/simd_levels.h."""
    text = (SRC / "runtime" / "simd_levels.h").read_text(encoding="utf-8")
    levels: dict[str, list[str]] = {}
    condition = ""
    for line in text.splitlines():
        if line.startswith(("#if", "#elif", "#else")):
            condition = line
        match = re.match(r"#define PF_FOR_EACH_SIMD_LEVEL\(X\)\s+(.*)", line)
        if match:
            arch = next((name for token, name in ARCH_OF_CONDITION if token in condition),
                        "other")
            levels[arch] = re.findall(r"X\((\w+)\)", match.group(1))
    if not {"x86-64", "arm64"} <= set(levels):
        raise ExtensionError("docs: could not read the SIMD levels from simd_levels.h")
    return levels


def loop_rows(ufunc: np.ufunc, row) -> list[tuple[str, str, str]]:
    """(loop as dtypes, NumPy's type string, kernel) for each loop of a spec row.

    Raises ExtensionError when the installed ufunc's loops are not the spec's.
    """
    levels = simd_levels()
    vector = "; ".join(f"{', '.join(LEVEL_NAMES.get(v, v) for v in lv if v != 'scalar')} "
                       f"on {arch}" for arch, lv in levels.items() if arch != "other")
    rows = []
    for ins, outs, kind in row.loops:
        chars = ("".join(np.dtype(DTYPES[t]).char for t in ins) + "->"
                 + "".join(np.dtype(DTYPES[t]).char for t in outs))
        loop = (", ".join(DTYPES[t] for t in ins) + " → " + ", ".join(DTYPES[t] for t in outs))
        kernel = (f"SIMD: scalar, and {vector}; the level is picked at run time"
                  if kind == "simd" else "scalar: one portable C kernel")
        rows.append((loop, chars, kernel))
    built = list(ufunc.types)
    if [chars for _, chars, _ in rows] != built:
        raise ExtensionError(f"docs: polyfast.{ufunc.__name__} has loops {built}, but "
                             f"{row.origin} declares {[c for _, c, _ in rows]}")
    return rows


def loops_rst(ufunc: np.ufunc, row) -> list[str]:
    """The "Loops" section of a ufunc's page, as reST lines."""
    lines = [".. rubric:: Loops", "",
             f"From ``src/{row.origin}`` (the row the build registers); NumPy picks the "
             "loop from the operands' dtypes and casts other inputs as it does for its "
             "own ufuncs.", "",
             ".. list-table::", "   :header-rows: 1", "   :class: polyfast-loops", "",
             "   * - loop", "     - ``types``", "     - kernel"]
    for loop, chars, kernel in loop_rows(ufunc, row):
        lines += [f"   * - {loop}", f"     - ``{chars}``", f"     - {kernel}"]
    lines += ["",
              f"Threads: a call with fewer than {row.min_parallel:,} outer items runs on "
              f"the calling thread; larger ones are split into blocks of at least "
              f"{row.grain:,} items over the pool.", ""]
    return lines


# ------------------------------------------------------------- the API pages


def summary(obj) -> str:
    """The docstring's first sentence line (after a ufunc's signature line)."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    name = getattr(obj, "__name__", "")
    for line in doc.splitlines():
        if line.strip() and not line.startswith(name + "("):
            return line.strip()
    return ""


def kind_of(obj) -> str:
    if isinstance(obj, np.ufunc):
        return "gufunc" if obj.signature else "ufunc"
    return "function"


def public() -> list[tuple[str, str, object]]:
    """(module, name, object) for every public name, polyfast's then the notebook's."""
    import polyfast
    import polyfast.notebook

    return ([("polyfast", n, getattr(polyfast, n)) for n in sorted(polyfast.__all__)]
            + [("polyfast.notebook", n, getattr(polyfast.notebook, n))
               for n in polyfast.notebook.__all__])


def page_rst(module: str, name: str, obj, rows: dict) -> str:
    title = f"{module}.{name}"
    lines = [title, "=" * len(title), "", f".. currentmodule:: {module}", "",
             f".. autofunction:: {name}", ""]
    if isinstance(obj, np.ufunc):
        row = rows.get(name)
        if row is None:
            raise ExtensionError(f"docs: polyfast.{name} is a ufunc with no spec.py row")
        lines += ["   " + line if line else "" for line in loops_rst(obj, row)]
    return "\n".join(lines) + "\n"


def index_rst() -> str:
    """The API reference's tables and its (hidden) table of contents."""
    groups = {
        "ufuncs": ("Ufuncs and gufuncs", "Real NumPy ufuncs with loops in C: every ufunc "
                   "keyword (``out=``, ``where=``, ``dtype=``...), broadcasting, "
                   "``dask.array`` and ``xarray`` inputs."),
        "functions": ("Functions", "Python entry points around C: the bump finder's ragged "
                      "results, the sampler, the runtime's settings."),
        "notebook": ("polyfast.notebook: the lecture's twins", "Each notebook function under "
                     "its own name and signature: replace its ``def`` by an import."),
    }
    by_group: dict[str, list[tuple[str, str, object]]] = {g: [] for g in groups}
    for module, name, obj in public():
        group = ("notebook" if module == "polyfast.notebook"
                 else "ufuncs" if isinstance(obj, np.ufunc) else "functions")
        by_group[group].append((module, name, obj))
    lines = []
    for group, (title, intro) in groups.items():
        lines += [title, "-" * len(title), "", intro, "",
                  ".. list-table::", "   :header-rows: 1", "   :widths: 30 12 58", "",
                  "   * - name", "     - kind", "     - summary"]
        for module, name, obj in by_group[group]:
            lines += [f"   * - :py:obj:`{module}.{name}`", f"     - {kind_of(obj)}",
                      f"     - {summary(obj)}"]
        lines.append("")
    lines += [".. toctree::", "   :hidden:", ""]
    lines += [f"   generated/{module}.{name}" for module, name, _ in public()]
    return "\n".join(lines) + "\n"


def write_if_changed(path: pathlib.Path, text: str) -> None:
    """Write only a change, so Sphinx rereads only what changed."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate_sources(app) -> None:
    """builder-inited: the API pages and the lecture's copy, before Sphinx lists its sources."""
    rows = spec_ufuncs()
    wanted = set()
    for module, name, obj in public():
        path = API_OUT / f"{module}.{name}.rst"
        write_if_changed(path, page_rst(module, name, obj, rows))
        wanted.add(path.name)
    for stale in API_OUT.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    write_if_changed(DOCS / "api" / "generated" / "_index.rst.inc", index_rst())
    if not LECTURE_PAGE.exists() or LECTURE_PAGE.read_bytes() != LECTURE_SOURCE.read_bytes():
        LECTURE_PAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LECTURE_SOURCE, LECTURE_PAGE)


# ------------------------------------------------------- python -m polyfast


def load_run(path) -> tuple[dict, list]:
    """A ``python -m polyfast --json`` file: the document and its results as
    `polyfast.bench.timing.Result` objects (so the page's table is laid out by
    the command's own `format_table`)."""
    from polyfast.bench.timing import Result, Timing

    run = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    if run.get("format") != "polyfast-bench/1":
        raise ExtensionError(f"docs: {path} is not a python -m polyfast --json file")
    results = []
    for r in run["results"]:
        timing = Timing(tuple(r["samples_s"]), r["number"]) if r["samples_s"] else None
        results.append(Result(case=r["case"], engine=r["engine"], family=r["family"],
                              timing=timing, first_call=r["first_call_s"],
                              compile=r["compile_s"], same=r["same_result"],
                              speedup=r["speedup"], skipped=r["skipped"],
                              baseline=r["baseline"], scale=r["extrapolated_by"] or 1.0))
    return run, results


def fallback_cases(run: dict) -> list[str]:
    """Cases whose baseline in this run is not their first choice."""
    from polyfast.bench.cases import CASES

    first = {c.name: c.baseline if isinstance(c.baseline, str) else c.baseline[0]
             for c in CASES}
    return [c["name"] for c in run["cases"]
            if c["name"] in first and not c["baseline"].startswith(first[c["name"]])]


def table_node(headers: list[str], rows: list[list], css_class: str) -> nodes.table:
    """A docutils table of plain-text cells (a cell may be a node, e.g. strong).

    Built as nodes rather than parsed from markup, so the directive works the
    same in a MyST page and an reST one, and no engine name needs escaping.
    """
    def cell(value):
        entry = nodes.entry()
        para = nodes.paragraph()
        para += value if isinstance(value, nodes.Node) else nodes.Text(str(value))
        entry += para
        return entry

    table = nodes.table(classes=[css_class])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head = nodes.thead()
    head += nodes.row("", *(cell(h) for h in headers))
    body = nodes.tbody()
    body.extend(nodes.row("", *(cell(c) for c in row)) for row in rows)
    group += head
    group += body
    return table


def markdown_rows(markdown: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a table as `polyfast.bench.timing.markdown_table` lays it out."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in markdown.splitlines() if line.startswith("|")]
    return rows[0], rows[2:]  # rows[1] is the alignment row


def bullet_list(items: list[list]) -> nodes.bullet_list:
    """A bullet list; each item a list of text pieces and nodes."""
    blist = nodes.bullet_list()
    for pieces in items:
        para = nodes.paragraph()
        for piece in pieces:
            para += piece if isinstance(piece, nodes.Node) else nodes.Text(piece)
        blist += nodes.list_item("", para)
    return blist


class SpeedupsDirective(SphinxDirective):
    """``polyfast-speedups speedups.json``: a ``python -m polyfast --json`` run.

    ``:part: header`` lists the run's settings, versions, load and cases;
    ``:part: table`` is the table ``python -m polyfast`` printed (its own
    `format_table`); ``:part: twins`` has one row per line of the content,
    ``notebook engine | polyfast engine`` (engine names as in the run), with
    the ratio of their medians.
    """

    required_arguments = 1
    has_content = True
    option_spec = {"part": lambda arg: directives.choice(arg, ("header", "table", "twins"))}

    def run(self):
        rel, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(rel)
        run, results = load_run(path)
        return [getattr(self, "_" + self.options.get("part", "table"))(run, results)]

    def _header(self, run, results):
        config = run["config"]
        items = [[f"Python {run['python']} on {run['machine']}, "
                  f"{'with --quick (rough times)' if run['quick'] else 'a full run'}; "
                  f"polyfast at SIMD level {config['simd_level']} "
                  f"(the CPU's best: {config['cpu_simd_level']}), "
                  f"{config['num_threads']} threads"]]
        items += [[f"{name}: {line}"] for name, line in run["engines"].items()]
        items.append([run.get("load") or "CPU use of other processes: not recorded"])
        fallbacks = fallback_cases(run)
        for c in run["cases"]:
            note = " (a fallback: its first choice could not run)" if c["name"] in fallbacks else ""
            items.append(["case ", nodes.literal(text=c["name"]),
                          f": {c['title']}; baseline: {c['baseline']}{note}"])
        return bullet_list(items)

    def _table(self, run, results):
        from polyfast.bench.cli import format_table

        headers, rows = markdown_rows(format_table(results, fallback_cases(run)))
        return table_node(headers, rows, "polyfast-speedups")

    def _twins(self, run, results):
        from polyfast.bench.cli import format_ratio
        from polyfast.bench.timing import format_seconds

        by_engine = {r.engine: r for r in results if r.timing is not None}
        rows = []
        for line in self.content:
            if not line.strip():
                continue
            names = [part.strip() for part in line.split("|")]
            missing = [n for n in names if n not in by_engine]
            if len(names) != 2 or missing:
                raise self.error(f"polyfast-speedups twins: bad row {line!r} "
                                 f"(not in the run: {missing})")
            slow, fast = (by_engine[n] for n in names)
            approx = "~" if slow.scale != 1.0 else ""
            rows.append([slow.engine, fast.engine,
                         approx + format_seconds(slow.timing.median),
                         format_seconds(fast.timing.median),
                         nodes.strong(text=format_ratio(slow.timing.median
                                                        / fast.timing.median))])
        headers = ["the notebook's version", "polyfast", "notebook's time",
                   "polyfast's time", "speed-up"]
        return table_node(headers, rows, "polyfast-speedups")


def setup(app):
    app.connect("builder-inited", generate_sources)
    app.add_directive("polyfast-speedups", SpeedupsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
