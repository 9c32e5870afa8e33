"""Time the lecture notebook's calculations: ``python -m polyfast``.

Runs each calculation of the notebook with polyfast and with the notebook's
own versions (NumPy, pure Python, and numexpr and numba when they are
installed) on the notebook's inputs, and prints a Markdown table: median and
fastest time per call, speed-up over the case's baseline, the JIT compile
time (the first call, timed apart) and whether the result agrees with the
baseline's; then, for each case with a JIT engine, polyfast's first call in
the process (the sampler's is the process's first sampler call) beside the
JIT's compile; then, when numba is installed, polyfast called inside
``@numba.njit`` against numba's own code (`polyfast.bench.numba_side`), or a
line saying numba is absent.

The cases, their inputs and their baselines are in `polyfast.bench.cases`.

Usage::

    python -m polyfast                 # the full run
    python -m polyfast --quick         # fewer and shorter repeats (CI)
    python -m polyfast --threads 1 --json results.json --plot times.png
    python -m polyfast --case numba    # only the numba-side figures

Run it outside the source tree (or with ``python -P``), so that the installed
package is imported rather than the source folder.  The exit status is 1 when
an engine's result disagrees with the baseline's, 2 for a usage error (such
as ``--plot`` without matplotlib).

A further calculation is one more case in `polyfast.bench.cases.CASES`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

import polyfast
from polyfast.bench import numba_side, timing
from polyfast.bench.cases import CASES
from polyfast.bench.timing import Case, Result
from polyfast._config import config_dict

#: What ``--quick`` does, as ``--help`` and docs/getting-started.md say it.
QUICK_HELP = "fewer and shorter repeats per engine: a shorter run, rougher times (CI runs it)"

#: `polyfast.bench.timing.time_call` settings of a full run and of ``--quick``.
TIMING_FULL = {"min_repeat": 5, "max_repeat": 100, "budget": 2.0, "repeat_time": 5e-3}
TIMING_QUICK = {"min_repeat": 3, "max_repeat": 20, "budget": 0.15, "repeat_time": 2e-3}


#: The ``--case`` name of the numba-side figures (`polyfast.bench.numba_side`).
NUMBA = "numba"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m polyfast",
        description="Time polyfast against the notebook's NumPy, numexpr and numba "
                    "versions of its calculations, and print a table.",
    )
    parser.add_argument("--quick", action="store_true", help=QUICK_HELP)
    parser.add_argument("--threads", type=int, metavar="N",
                        help="threads of polyfast, and of numexpr and numba when they "
                             "are installed (default: each one's own; polyfast's is "
                             f"now {polyfast.get_num_threads()})")
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES] + [NUMBA],
                        help="run only this case (may be repeated; default: all); "
                             f"{NUMBA!r}: polyfast called inside numba-compiled code")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="also draw the median times as a bar chart (needs matplotlib)")
    args = parser.parse_args(argv)
    return args


def format_ratio(ratio: float) -> str:
    """A speed-up with three significant digits, as ``"1.23x"``, ``"123x"``."""
    digits = 2 if ratio < 10 else 1 if ratio < 100 else 0
    return f"{ratio:.{digits}f}x"


def format_table(results: Sequence[Result], fallback_cases: Sequence[str] = ()) -> str:
    """The results as a Markdown table, skipped engines left out.

    The baseline's speed-up cell reads ``baseline``, or ``baseline (fallback)``
    in the cases of `fallback_cases` (whose first-choice baseline could not
    run); times extrapolated from a part of the input start with ``~``.

    Parameters
    ----------
    results : sequence of Result
    fallback_cases : sequence of str, optional
        Names of the cases whose baseline is a fallback.

    Returns
    -------
    str
    """
    rows = []
    for r in results:
        if r.timing is None:
            continue
        same = "n/a" if r.same is None else "yes" if r.same else "NO"
        approx = "~" if r.scale != 1.0 else ""  # extrapolated from a part of the input
        rows.append([
            r.case,
            r.engine,
            approx + timing.format_seconds(r.timing.median),
            approx + timing.format_seconds(r.timing.min),
            (("baseline (fallback)" if r.case in fallback_cases else "baseline")
             if r.baseline else format_ratio(r.speedup)),
            timing.format_seconds(r.compile),
            same,
        ])
    headers = ["case", "engine", "median", "min", "speed-up", "compile", "same result"]
    return timing.markdown_table(headers, rows, align="llrrrrl")


def baseline_of(case: Case, results: Sequence[Result]) -> str:
    """The engine that was `case`'s baseline in this run."""
    return next(r.engine for r in results if r.case == case.name and r.baseline)


def set_threads(n: int) -> list[str]:
    """Set the thread count of polyfast, and of numexpr and numba if installed.

    Returns
    -------
    list of str
        Problems, one line each (an engine refusing `n`); empty if none.

    Raises
    ------
    ValueError
        If polyfast refuses `n`.
    """
    polyfast.set_num_threads(n)
    problems = []
    for name in ("numexpr", "numba"):
        module = timing.optional_module(name)
        if isinstance(module, str):
            continue
        try:
            module.set_num_threads(n)
        except (ValueError, RuntimeError) as exc:
            problems.append(f"note: --threads {n}: {name} keeps "
                            f"{module.get_num_threads()} threads: {exc}")
    return problems


def first_call_lines(results: Sequence[Result]) -> list[str]:
    """One line per case with a JIT engine: polyfast's first call beside the JIT's.

    The first call of the case's first polyfast engine (for the sampler, the
    first sampler call of the process: it includes whatever polyfast does
    once per process) with its steady median, beside the compile time of each
    JIT engine (its first call).

    Parameters
    ----------
    results : sequence of Result

    Returns
    -------
    list of str
    """
    lines = []
    for case in dict.fromkeys(r.case for r in results):
        ran = [r for r in results if r.case == case and r.timing is not None]
        jits = [r for r in ran if r.compile is not None]
        ours = [r for r in ran if r.family == "polyfast" and r.first_call is not None]
        if not jits or not ours:
            continue
        first = ours[0]
        compiled = "; ".join(f"{r.engine}: {timing.format_seconds(r.compile)}" for r in jits)
        lines.append(f"- first call, {case}: {first.engine} "
                     f"{timing.format_seconds(first.first_call)} (steady median "
                     f"{timing.format_seconds(first.timing.median)}); the JIT's first call, "
                     f"with its compile: {compiled}")
    return lines


def skipped_messages(results: Sequence[Result]) -> list[str]:
    """One line per missing optional module, naming the engines it skips."""
    by_reason: dict[str, list[str]] = {}
    for r in results:
        if r.skipped:
            by_reason.setdefault(r.skipped, []).append(f"{r.case}: {r.engine.split()[0]}")
    lines = []
    for reason, engines in by_reason.items():
        module = reason.split()[0]
        hint = f" (pip install {module} to compare)" if reason.endswith("not installed") else ""
        lines.append(f"note: {reason}: skipped {', '.join(engines)}{hint}")
    return lines


def write_json(path: str, args: argparse.Namespace, results: Sequence[Result],
               cases: Sequence[Case], load_note: str = "",
               numba_rows: Sequence[numba_side.Row] | None = None) -> None:
    """Write the run's settings, configuration and results to `path`.

    `load_note` is `polyfast.bench.timing.LoadMeter.note` of the run: how
    quiet the machine was (the docs' Performance page states it); `numba_rows`
    the numba-side figures (None: not run or numba absent).
    """
    document = {
        "format": "polyfast-bench/1",
        "quick": args.quick,
        "load": load_note,
        "timing": TIMING_QUICK if args.quick else TIMING_FULL,
        "machine": platform.machine(),
        "python": platform.python_version(),
        "config": config_dict(),
        "engines": timing.engine_versions(),
        "cases": [{"name": c.name, "title": c.title, "baseline": baseline_of(c, results)}
                  for c in cases],
        "results": [r.as_dict() for r in results],
        "numba": None if numba_rows is None else [
            {"what": r.what, "polyfast_s": r.ours, "compared_with": r.other,
             "compared_s": r.theirs, "speedup": r.speedup, "same_result": r.same}
            for r in numba_rows],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
        f.write("\n")


FAMILY_COLORS = {"polyfast": "tab:red", "numpy": "tab:blue", "numexpr": "tab:green",
                 "numba": "tab:orange", "python": "tab:brown", "memory": "tab:gray",
                 "cython": "tab:olive", "scipy": "tab:cyan"}
FAMILY_LABELS = {"polyfast": "polyfast", "numpy": "NumPy", "numexpr": "numexpr",
                 "numba": "numba", "python": "pure Python", "memory": "memory copy",
                 "cython": "Cython", "scipy": "SciPy"}


def plot(path: str | None, results: Sequence[Result], cases: Sequence[Case],
         quick: bool = False, load_note: str = "") -> Any:
    """Draw median times per engine, one panel per case, on a log scale.

    One horizontal bar per engine, coloured by family (polyfast red, NumPy
    blue, numba orange, numexpr green, pure Python brown), labelled with its
    median time and its speed-up over the case's baseline; a legend names
    the colours.  The title says when the run was ``--quick`` and carries the
    machine-load line when other processes disturbed the times.

    Parameters
    ----------
    path : str or None
        Image file; its extension picks the format (``.png``).  None returns
        the matplotlib figure instead of saving it.
    results : sequence of Result
    cases : sequence of Case
    quick : bool, optional
        The run used ``--quick`` settings.
    load_note : str, optional
        `polyfast.bench.timing.LoadMeter.note` of the run.
    """
    import matplotlib

    matplotlib.use("Agg")
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fallbacks = {c.name for c in cases if c.baseline_fallback()}
    panels = [(c, [r for r in results if r.case == c.name and r.timing]) for c in cases]
    heights = [0.9 + 0.35 * len(rows) for _, rows in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(12, sum(heights) + 0.8),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (case, rows) in zip(axes[:, 0], panels):
        rows = rows[::-1]  # first engine on top
        medians = [r.timing.median for r in rows]
        ax.barh([r.engine for r in rows], medians,
                color=[FAMILY_COLORS.get(r.family, "tab:purple") for r in rows])
        ax.set_xscale("log")
        for y, r in enumerate(rows):
            ratio = (("baseline (fallback)" if case.name in fallbacks else "baseline")
                     if r.baseline else format_ratio(r.speedup))
            approx = "~" if r.scale != 1.0 else ""
            ax.annotate(f" {approx}{timing.format_seconds(r.timing.median)}  ({ratio})",
                        (r.timing.median, y), va="center", fontsize=8,
                        fontweight="bold" if r.family == "polyfast" else "normal")
        ax.set_xlim(min(medians) / 2, max(medians) * 15)
        ax.set_title(textwrap.fill(f"{case.name}: {case.title}", 75), fontsize=9, loc="left")
        ax.grid(axis="x", which="major", alpha=0.3)
    axes[-1, 0].set_xlabel("median time per call (s, log scale); in brackets: speed-up over "
                           "the case's baseline; ~ extrapolated")
    families = list(dict.fromkeys(r.family for _, rows in panels for r in rows))
    axes[0, 0].legend(handles=[Patch(color=FAMILY_COLORS.get(f, "tab:purple"),
                                     label=FAMILY_LABELS.get(f, f)) for f in families],
                      loc="lower right", fontsize=8)
    title = (f"python -m polyfast{' --quick' if quick else ''}  (polyfast {polyfast.__version__}, "
             f"{polyfast.get_num_threads()} threads, SIMD {polyfast.get_simd_level()}; "
             f"NumPy {np.__version__}, Python {platform.python_version()})")
    if quick:
        title += "\n--quick run: fewer, shorter repeats; rough times"
    if "disturb" in load_note:
        title += f"\n{load_note}"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    if path is None:
        return fig
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def unwritable(path: str) -> str | None:
    """Why a file cannot be written at `path` (checked before the run), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "is a directory"
    if not os.path.isdir(folder):
        return f"no such directory {folder}"
    if not os.access(folder, os.W_OK):
        return f"directory {folder} is not writable"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "file is not writable"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen cases and print the table.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0, 1 if a result disagrees with the baseline, 2 if
        ``--plot`` or ``--threads`` cannot be honoured.
    """
    args = parse_args(argv)
    if args.plot:
        why = timing.optional_module("matplotlib")
        if isinstance(why, str):
            print(f"error: --plot needs matplotlib, which is {why} "
                  "(pip install matplotlib)", file=sys.stderr)
            return 2
    for option, path in (("--plot", args.plot), ("--json", args.json)):
        problem = path and unwritable(path)
        if problem:
            print(f"error: {option} {path}: {problem}", file=sys.stderr)
            return 2
    notes = []
    if args.threads is not None:
        try:
            notes = set_threads(args.threads)
        except ValueError as exc:
            print(f"error: --threads: {exc}", file=sys.stderr)
            return 2
    cases = [c for c in CASES if args.case is None or c.name in args.case]

    progress = timing.Progress(sum(c.runnable_engines() for c in cases))
    load = timing.LoadMeter()
    results: list[Result] = []
    try:
        for case in cases:
            results += timing.run_case(case, TIMING_QUICK if args.quick else TIMING_FULL,
                                       progress)
    finally:
        progress.close()
    numba_rows = None
    numba_absent = None
    if args.case is None or NUMBA in args.case:
        numba_absent = numba_side.available()
        if numba_absent is None:
            print("timing polyfast inside numba-compiled code ...", file=sys.stderr)
            numba_rows = numba_side.measure(quick=args.quick)

    print(f"# python -m polyfast{' --quick' if args.quick else ''}")
    print()
    for name, line in timing.engine_versions().items():
        print(f"- {name}: {line}")
    load_line = load.note()  # once: the table, the JSON and the plot say the same
    print(f"- {load_line}")
    fallbacks = {c.name: why for c in cases if (why := c.baseline_fallback())}
    for case in cases:
        line = f"- case {case.name}: {case.title}; baseline: {baseline_of(case, results)}"
        if case.name in fallbacks:
            line += (f" (FALLBACK: {fallbacks[case.name]}; every speed-up of this case is "
                     "over this fallback)")
        print(line)
    if cases:
        print()
        print(format_table(results, list(fallbacks)))
        print()
        print("Times per call; ~ marks a time extrapolated from a part of the input; "
              "compile: the first call, with the JIT's compilation (Cython: the cell's "
              "build, cached under ~/.cache/polyfast/cython, or its import from there).")
    first_calls = first_call_lines(results)
    if first_calls:
        print()
        print("First calls in this process (no warm-up in polyfast, a compile in a JIT):")
        for line in first_calls:
            print(line)
        print()
    if numba_rows is not None:
        print()
        print("polyfast inside numba-compiled code (best of the rounds, interleaved; "
              "speed-up: the other time over polyfast's):")
        print()
        print(numba_side.format_rows(numba_rows))
        print()
    for line in notes + skipped_messages(results):
        print(line)
    if numba_absent is not None:
        print(numba_side.ABSENT.format(why=numba_absent))

    if args.json:
        write_json(args.json, args, results, cases, load_note=load_line,
                   numba_rows=numba_rows)
        print(f"wrote {args.json}", file=sys.stderr)
    if args.plot:
        plot(args.plot, results, cases, quick=args.quick, load_note=load_line)
        print(f"wrote {args.plot}", file=sys.stderr)

    wrong = [f"{r.case}: {r.engine}" for r in results if r.same is False]
    wrong += [f"numba: {r.what}" for r in numba_rows or () if r.same is False]
    if wrong:
        print(f"error: results differ from the baseline: {'; '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
