"""Time the lecture notebook's calculations: ``python -m polyfast``.

Runs each calculation of the notebook with polyfast and with the notebook's
own versions (NumPy, pure Python, and numexpr and numba when they are
installed) on the notebook's inputs, and prints a Markdown table: median and
fastest time per call, speed-up over the case's baseline, the JIT compile
time (the first call, timed apart) and whether the result agrees with the
baseline's.

The cases (`CASES`) and their baselines:

- ``poly8``: the polynomial on the 1M normal vector; baseline ``f_numpy``.
- ``bumps``: ``pv_locations`` over 10,000 x 4000 realistic events; the
  notebook has no NumPy version: the baseline is its numba function in a loop
  over rows when numba is installed, else its plain-Python loop run on a few
  rows and extrapolated.
- ``fractal``: ``make_fractal((500, 500), 50)``; baseline the NumPy version.
- ``sampler``: 1500 samples on 20 points; baseline the notebook's NumPy
  sampler; "same result" is the same chain after the same seed.

Usage::

    python -m polyfast                 # full run, about a minute
    python -m polyfast --quick         # a few seconds (CI)
    python -m polyfast --threads 1 --json results.json --plot times.png

Run it outside the source tree (or with ``python -P``), so that the installed
package is imported rather than the source folder.  The exit status is 1 when
an engine's result disagrees with the baseline's, 2 for a usage error (such
as ``--plot`` without matplotlib).

A further calculation is one more `polyfast.bench.timing.Case` in `CASES`: its
inputs, its baseline and its engines.  The notebook's code the engines run is
in `polyfast.bench.baselines`.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import sys
from collections.abc import Sequence

import numpy as np

import polyfast
from polyfast import notebook
from polyfast.bench import baselines, timing
from polyfast.bench.timing import Case, Engine, Result
from polyfast._config import config_dict

#: `polyfast.bench.timing.time_call` settings of a full run and of ``--quick``.
TIMING_FULL = {"min_repeat": 5, "max_repeat": 100, "budget": 2.0, "repeat_time": 5e-3}
TIMING_QUICK = {"min_repeat": 3, "max_repeat": 20, "budget": 0.15, "repeat_time": 2e-3}

#: Parts of the input the pure-Python loops run on; their times are
#: extrapolated to the whole input.
F_SIMPLE_PART = 10_000
BUMP_PYTHON_ROWS = 20


def _numba(name: str, label: str) -> Engine:
    """The notebook's numba function `name`, built when the engine runs."""
    return Engine(f"{name} ({label})", "numba", timing.calls_numba(name),
                  requires="numba", jit=True)


def _same_prefix(result, reference) -> bool:
    """`np.allclose` over the common leading part (an extrapolated engine computes a part)."""
    n = min(len(result), len(reference))
    return bool(np.allclose(result[:n], reference[:n]))


POLY8 = Case(
    name="poly8",
    title="y = x + x**2 + ... + x**8 on the notebook's 1M normal float64 vector",
    inputs=lambda: (baselines.notebook_vector(1_000_000),),
    baseline="f_numpy (NumPy)",
    same=_same_prefix,
    engines=(
        Engine(f"f_simple (Python loop; {F_SIMPLE_PART:,} elements, extrapolated)", "python",
               lambda x: functools.partial(baselines.f_simple, x[:F_SIMPLE_PART]),
               scale=1_000_000 / F_SIMPLE_PART),
        Engine("f_numpy (NumPy)", "numpy", timing.calls(baselines.f_numpy)),
        Engine("f_nest_numpy (NumPy)", "numpy", timing.calls(baselines.f_nest_numpy)),
        Engine("f_mem_numpy (NumPy, in place)", "numpy", timing.calls(baselines.f_mem_numpy)),
        Engine("f_numexper (numexpr)", "numexpr", timing.calls(baselines.f_numexper),
               requires="numexpr", jit=True),
        _numba("f_numba_simple", "numba.jit(f_numpy)"),
        _numba("f_numba_nest", "numba.jit(f_nest_numpy)"),
        _numba("f_numba_simple_ufunc", "numba.vectorize parallel"),
        _numba("f_numba_nest_ufunc", "numba.vectorize parallel, nested"),
        _numba("f_numba_parallel", "numba.jit(parallel=True)"),
        Engine("polyfast.poly8(x)", "polyfast", timing.calls(polyfast.poly8)),
        Engine("polyfast.poly8(x, out=y)", "polyfast", timing.calls_with_out(polyfast.poly8)),
    ),
)


def _bump_rows(result) -> list:
    """A bump result as one array per row (``(values, offsets)`` is split)."""
    if isinstance(result, tuple):
        values, offsets = result
        return np.split(values, offsets[1:-1])
    return result


def _same_bumps(result, reference) -> bool:
    """Same bumps in every row both cover, locations to float32 precision."""
    a, b = _bump_rows(result), _bump_rows(reference)
    n = min(len(a), len(b))
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-5, atol=0)
               for x, y in zip(a[:n], b[:n]))


def _numba_bump_loop(data):
    fn = baselines.pv_locations_numba()
    return functools.partial(baselines.pv_locations_rows, fn, data)


_BUMP_NUMBA = "pv_locations (notebook's numba.jit), loop over rows"
_BUMP_PYTHON = (f"pv_locations (pure Python), loop over {BUMP_PYTHON_ROWS} rows, "
                "extrapolated")
_PARAMS = baselines.BUMP_PARAMS

BUMPS = Case(
    name="bumps",
    title=(f"pv_locations on {baselines.EVENTS:,} x {baselines.BINS} float32 events "
           "(1-20 Gaussian bumps a row; threshold 1e-2, integral_threshold 0.2, min_width 3)"),
    inputs=lambda: (baselines.bump_data(),),
    baseline=(_BUMP_NUMBA, _BUMP_PYTHON),
    same=_same_bumps,
    engines=(
        Engine(_BUMP_PYTHON, "python",
               lambda d: functools.partial(baselines.pv_locations_rows, baselines.pv_locations,
                                           d[:BUMP_PYTHON_ROWS]),
               scale=baselines.EVENTS / BUMP_PYTHON_ROWS),
        Engine(_BUMP_NUMBA, "numba", _numba_bump_loop, requires="numba", jit=True),
        Engine("polyfast.notebook.pv_locations, loop over rows", "polyfast",
               lambda d: functools.partial(baselines.pv_locations_rows, notebook.pv_locations,
                                           d)),
        Engine("polyfast.notebook.pv_locations(data) (2-D: list of rows)", "polyfast",
               lambda d: functools.partial(notebook.pv_locations, d, *_PARAMS)),
        Engine("polyfast.pv_locations_ragged(data) (values, offsets)", "polyfast",
               lambda d: functools.partial(polyfast.pv_locations_ragged, d, *_PARAMS)),
    ),
)


def _numba_fractal(size, iterations):
    return functools.partial(baselines.make_fractal_nb_numba(), size, iterations)


_FRACTAL_NB_NUMBA = "make_fractal_nb (numba.njit)"
_FRACTAL_NB_POLYFAST = "polyfast.notebook.make_fractal_nb"

FRACTAL = Case(
    name="fractal",
    title=(f"make_fractal({baselines.FRACTAL_SIZE}, {baselines.FRACTAL_ITERATIONS}): "
           "the notebook's Mandelbrot grid; make_fractal_nb counts one more, so its two "
           "rows are checked against each other"),
    inputs=lambda: (baselines.FRACTAL_SIZE, baselines.FRACTAL_ITERATIONS),
    baseline="make_fractal (NumPy)",
    same=np.array_equal,
    engines=(
        Engine("make_fractal (NumPy)", "numpy", timing.calls(baselines.make_fractal_quiet)),
        Engine(_FRACTAL_NB_NUMBA, "numba", _numba_fractal, requires="numba", jit=True,
               same_as=_FRACTAL_NB_POLYFAST),
        Engine("polyfast.notebook.make_fractal", "polyfast", timing.calls(notebook.make_fractal)),
        Engine(_FRACTAL_NB_POLYFAST, "polyfast", timing.calls(notebook.make_fractal_nb),
               same_as=_FRACTAL_NB_NUMBA),
    ),
)


def _seed_numpy() -> None:
    np.random.seed(baselines.SEED)


@functools.cache
def _numba_seeder():
    return baselines.numba_seed()


def _seed_numba() -> None:
    _numba_seeder()(baselines.SEED)


_SAMPLER_ARGS = {"samples": baselines.SAMPLER_SAMPLES, "mu_init": 1.}


def _numba_sampler(data):
    return functools.partial(baselines.sampler_numba(), data, **_SAMPLER_ARGS)


def _generator_sampler(data):
    rng = np.random.default_rng(baselines.SEED)
    return functools.partial(polyfast.sampler, data, **_SAMPLER_ARGS, rng=rng)


SAMPLER = Case(
    name="sampler",
    title=(f"sampler(data, samples={baselines.SAMPLER_SAMPLES}, mu_init=1.) on "
           f"{baselines.SAMPLER_POINTS} normal points; same result = the same chain "
           "after the same seed"),
    inputs=lambda: (baselines.mcmc_data(),),
    baseline="sampler (NumPy)",
    same=np.array_equal,
    setup=_seed_numpy,
    engines=(
        Engine("sampler (NumPy)", "numpy",
               lambda d: functools.partial(baselines.sampler, d, **_SAMPLER_ARGS)),
        Engine("sampler (numba.njit; numba's np.random seeded alike)", "numba", _numba_sampler,
               requires="numba", jit=True, setup=_seed_numba),
        Engine("polyfast.notebook.sampler", "polyfast",
               lambda d: functools.partial(notebook.sampler, d, **_SAMPLER_ARGS)),
        Engine("polyfast.sampler(rng=Generator) (other draws: not compared)", "polyfast",
               _generator_sampler, check=False),
    ),
)

#: Every case, in the order they run; ``--case`` picks among them.
CASES: list[Case] = [POLY8, BUMPS, FRACTAL, SAMPLER]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m polyfast",
        description="Time polyfast against the notebook's NumPy, numexpr and numba "
                    "versions of its calculations, and print a table.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="few repeats: a run of a few seconds, for CI")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="threads of polyfast, and of numexpr and numba when they "
                             "are installed (default: each one's own; polyfast's is "
                             f"now {polyfast.get_num_threads()})")
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES],
                        help="run only this case (may be repeated; default: all)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="also draw the median times as a bar chart (needs matplotlib)")
    args = parser.parse_args(argv)
    return args


def format_ratio(ratio: float) -> str:
    """A speed-up with three significant digits, as ``"1.23x"``, ``"123x"``."""
    digits = 2 if ratio < 10 else 1 if ratio < 100 else 0
    return f"{ratio:.{digits}f}x"


def format_table(results: Sequence[Result]) -> str:
    """The results as a Markdown table, skipped engines left out.

    The baseline's speed-up cell reads ``baseline``; times extrapolated from
    a part of the input start with ``~``.

    Parameters
    ----------
    results : sequence of Result

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
            "baseline" if r.baseline else format_ratio(r.speedup),
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
               cases: Sequence[Case]) -> None:
    """Write the run's settings, configuration and results to `path`."""
    document = {
        "format": "polyfast-bench/1",
        "quick": args.quick,
        "timing": TIMING_QUICK if args.quick else TIMING_FULL,
        "machine": platform.machine(),
        "python": platform.python_version(),
        "config": config_dict(),
        "engines": timing.engine_versions(),
        "cases": [{"name": c.name, "title": c.title, "baseline": baseline_of(c, results)}
                  for c in cases],
        "results": [r.as_dict() for r in results],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
        f.write("\n")


FAMILY_COLORS = {"polyfast": "tab:red", "numpy": "tab:blue", "numexpr": "tab:green",
                 "numba": "tab:orange", "python": "tab:brown", "memory": "tab:gray"}


def plot(path: str, results: Sequence[Result], cases: Sequence[Case]) -> None:
    """Draw median times per engine, one panel per case, on a log scale.

    One horizontal bar per engine, coloured by family (polyfast red, NumPy
    blue, numba orange, numexpr green, pure Python brown), labelled with its
    median time and its speed-up over the case's baseline.

    Parameters
    ----------
    path : str
        Image file; its extension picks the format (``.png``).
    results : sequence of Result
    cases : sequence of Case
    """
    import matplotlib

    matplotlib.use("Agg")
    import textwrap

    import matplotlib.pyplot as plt

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
            ratio = "baseline" if r.baseline else format_ratio(r.speedup)
            approx = "~" if r.scale != 1.0 else ""
            ax.annotate(f" {approx}{timing.format_seconds(r.timing.median)}  ({ratio})",
                        (r.timing.median, y), va="center", fontsize=8,
                        fontweight="bold" if r.family == "polyfast" else "normal")
        ax.set_xlim(min(medians) / 2, max(medians) * 15)
        ax.set_title(textwrap.fill(f"{case.name}: {case.title}", 75), fontsize=9, loc="left")
        ax.grid(axis="x", which="major", alpha=0.3)
    axes[-1, 0].set_xlabel("median time per call (s, log scale); in brackets: speed-up over "
                           "the case's baseline; ~ extrapolated")
    fig.suptitle(f"python -m polyfast  (polyfast {polyfast.__version__}, "
                 f"{polyfast.get_num_threads()} threads, SIMD {polyfast.get_simd_level()}; "
                 f"NumPy {np.__version__}, Python {platform.python_version()})",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


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
    notes = []
    if args.threads is not None:
        try:
            notes = set_threads(args.threads)
        except ValueError as exc:
            print(f"error: --threads: {exc}", file=sys.stderr)
            return 2
    cases = [c for c in CASES if args.case is None or c.name in args.case]

    progress = timing.Progress(sum(len(c.engines) for c in cases))
    load = timing.LoadMeter()
    results: list[Result] = []
    try:
        for case in cases:
            results += timing.run_case(case, TIMING_QUICK if args.quick else TIMING_FULL,
                                       progress)
    finally:
        progress.close()

    print(f"# python -m polyfast{' --quick' if args.quick else ''}")
    print()
    for name, line in timing.engine_versions().items():
        print(f"- {name}: {line}")
    print(f"- {load.note()}")
    for case in cases:
        print(f"- case {case.name}: {case.title}; baseline: {baseline_of(case, results)}")
    print()
    print(format_table(results))
    print()
    print("Times per call; ~ marks a time extrapolated from a part of the input; "
          "compile: the first call, with the JIT's compilation.")
    for line in notes + skipped_messages(results):
        print(line)

    if args.json:
        write_json(args.json, args, results, cases)
        print(f"wrote {args.json}", file=sys.stderr)
    if args.plot:
        plot(args.plot, results, cases)
        print(f"wrote {args.plot}", file=sys.stderr)

    wrong = [f"{r.case}: {r.engine}" for r in results if r.same is False]
    if wrong:
        print(f"error: results differ from the baseline: {'; '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
