"""Time poly8 against NumPy, numexpr, numba and a copy, and report against the targets.

A plain script (no pytest)::

    python benchmarks/report_poly.py            # TIMING: 30 to 200 repeats
    python benchmarks/report_poly.py --quick    # TIMING_QUICK: rough numbers

Every engine of ``poly_engines.ENGINES`` is timed in this one process on each
input of ``poly_engines.DATASETS`` by `polyfast.bench.timing.time_call`: 30 to
200 repeats of enough calls for microsecond resolution (a slow engine, the
notebook's ``f_numpy``, stops after 10 s and at least 3 repeats), min and
median per call.  It prints one Markdown table per input, then the ratios
against the project's performance targets, each marked PASS or MISS (nothing
is asserted) on the ratio of minima, the least disturbed runs (other
processes on a small machine disturb medians, shown beside it), then the
cost of ``import polyfast``: the median wall time of fresh ``python -c
"import numpy"`` and ``python -c "import numpy, polyfast"`` processes, run
alternately, and the median of ``-X importtime``'s own figure for polyfast.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

from poly_engines import BASELINE, DATASETS, ENGINES

from polyfast.bench import timing
from polyfast.bench.timing import Case

#: `time_call` settings of a full run and of ``--quick`` (max_time stops f_numpy early).
TIMING = {"min_repeat": 30, "max_repeat": 200, "budget": 1.0, "repeat_time": 2e-3,
          "max_time": 10.0}
TIMING_QUICK = {"min_repeat": 5, "max_repeat": 50, "budget": 0.2, "repeat_time": 2e-3,
                "max_time": 2.0}
COPY = "np.copyto(out, x)"
P1_OUT = "poly8 1 thread, out="
P2 = "poly8 2 threads"
NUMBA_PAR = "numba jit parallel (f_numba_parallel)"


def run_all(settings: dict) -> dict[str, dict[str, timing.Result]]:
    """Time every engine on every dataset: ``{dataset label: {engine: Result}}``."""
    progress = timing.Progress(len(DATASETS) * len(ENGINES))
    out = {}
    try:
        for dataset in DATASETS:
            case = Case(name=dataset.label, title=dataset.label,
                        inputs=lambda d=dataset: (d.array(),),
                        engines=ENGINES, baseline=BASELINE, same=dataset.same)
            results = timing.run_case(case, settings, progress)
            out[dataset.label] = {r.engine: r for r in results}
    finally:
        progress.close()
    return out


def dataset_table(results: dict[str, timing.Result]) -> str:
    """One input's engines: times, ratio to the copy, speed-up over f_numpy."""
    copy = results[COPY].timing
    rows = []
    for r in results.values():
        if r.timing is None:
            rows.append([r.engine, "-", "-", "-", "-", "-", "-", f"skipped: {r.skipped}"])
            continue
        t = r.timing
        same = "n/a" if r.same is None else "yes" if r.same else "NO"
        rows.append([
            r.engine,
            timing.format_seconds(t.min),
            timing.format_seconds(t.median),
            f"{t.repeat}x{t.number}",
            f"{t.median / copy.median:.2f}",
            f"{r.speedup:.1f}",
            timing.format_seconds(r.compile),
            same,
        ])
    return timing.markdown_table(
        ["engine", "min", "median", "repeats", "median / copyto", "speed-up vs f_numpy",
         "first call", "same result"],
        rows, align="lrrrrrrl")


def ratio(a: timing.Result | None, b: timing.Result | None) -> tuple[float, float] | None:
    """``(median_a / median_b, min_a / min_b)``, or None if either was skipped."""
    if a is None or b is None or a.timing is None or b.timing is None:
        return None
    return a.timing.median / b.timing.median, a.timing.min / b.timing.min


def targets_table(all_results: dict, import_ms: float) -> str:
    """The project's targets, the measured ratios and PASS/MISS."""
    f64, f64_10m, f32 = (all_results[d.label] for d in DATASETS)
    rows = []

    def add(name, goal, measured, passes):
        if measured is None:
            rows.append([name, goal, "-", "-", "SKIPPED"])
            return
        med, mn = measured
        rows.append([name, goal, f"{mn:.2f}", f"{med:.2f}", "PASS" if passes(mn) else "MISS"])

    add("poly8 (1 thread, out=) / np.copyto, 1M f64", "<= 1.10",
        ratio(f64[P1_OUT], f64[COPY]), lambda r: r <= 1.10)
    numba_vs_poly8 = ratio(f64.get(NUMBA_PAR), f64[P2])
    add("numba jit(parallel=True) / poly8 (2 threads), 1M f64", ">= 1.05",
        numba_vs_poly8, lambda r: r >= 1.05)
    add("poly8 (1 thread, out=) / np.copyto, 10M f64", "<= 0.80",
        ratio(f64_10m[P1_OUT], f64_10m[COPY]), lambda r: r <= 0.80)
    add("poly8 f32 / poly8 f64 (1 thread, out=), 1M", "<= 0.55",
        ratio(f32[P1_OUT], f64[P1_OUT]), lambda r: r <= 0.55)
    rows.append(["import polyfast after numpy (ms)", "< 50", f"{import_ms:.1f}", "",
                 "PASS" if import_ms < 50 else "MISS"])
    return timing.markdown_table(["target", "goal", "measured (minima)", "(medians)", ""],
                                 rows, align="lrrrl")


def import_overhead(runs: int) -> dict[str, float]:
    """Median cost of importing polyfast after numpy, in fresh processes.

    Runs ``python -c "import numpy"`` and ``python -c "import numpy,
    polyfast"`` alternately `runs` times each (after one unmeasured run of
    each), in a neutral directory so that a source checkout cannot shadow the
    installed package; then ``python -X importtime -c "import numpy,
    polyfast"`` `runs` times to read polyfast's cumulative import time as
    Python measures it (kept apart: ``-X importtime`` slows every import).

    Returns
    -------
    dict
        ``numpy_ms``, ``numpy_polyfast_ms`` (median wall times), ``wall_diff_ms``
        (their difference) and ``importtime_ms`` (median of ``-X importtime``'s
        cumulative figure for the top-level ``polyfast``).
    """
    commands = {
        "numpy": [sys.executable, "-c", "import numpy"],
        "polyfast": [sys.executable, "-c", "import numpy, polyfast"],
    }
    times = {"numpy": [], "polyfast": []}
    importtime = []
    with tempfile.TemporaryDirectory() as cwd:
        for i in range(runs + 1):
            for name, cmd in commands.items():
                start = time.perf_counter()
                subprocess.run(cmd, cwd=cwd, check=True)
                if i > 0:  # the first round only warms the file cache
                    times[name].append(time.perf_counter() - start)
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                                   "import numpy, polyfast"],
                                  cwd=cwd, capture_output=True, text=True, check=True)
            match = re.search(r"\|\s*(\d+)\s*\|\s*polyfast\s*$", done.stderr, re.M)
            importtime.append(int(match.group(1)) / 1000)
    numpy_ms = statistics.median(times["numpy"]) * 1e3
    both_ms = statistics.median(times["polyfast"]) * 1e3
    return {"numpy_ms": numpy_ms, "numpy_polyfast_ms": both_ms,
            "wall_diff_ms": both_ms - numpy_ms, "importtime_ms": statistics.median(importtime)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (rough numbers)")
    parser.add_argument("--import-runs", type=int, default=15, metavar="N",
                        help="fresh interpreters per import measurement (default 15)")
    args = parser.parse_args(argv)

    started = datetime.datetime.now().isoformat(timespec="seconds")
    load = timing.LoadMeter()
    all_results = run_all(TIMING_QUICK if args.quick else TIMING)
    load = load.note()
    imports = import_overhead(args.import_runs)

    print(f"# poly8 benchmark report ({started}{', quick' if args.quick else ''})")
    print()
    print(f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"- {load}")
    for name, line in timing.engine_versions().items():
        print(f"- {name}: {line}")
    print("- times per call; \"repeats\" is repeats x calls per repeat; numexpr and numba "
          "run on their default thread counts (above)")
    for dataset in DATASETS:
        print()
        print(f"## {dataset.label}")
        print()
        print(dataset_table(all_results[dataset.label]))
    print()
    print("## Targets (the ratio of minima judges PASS/MISS; nothing is asserted)")
    print()
    print(targets_table(all_results, imports["wall_diff_ms"]))
    print()
    print(f"import cost, median of {args.import_runs} fresh processes each: "
          f"`import numpy` {imports['numpy_ms']:.1f} ms, `import numpy, polyfast` "
          f"{imports['numpy_polyfast_ms']:.1f} ms, difference {imports['wall_diff_ms']:.1f} ms; "
          f"-X importtime's cumulative time for polyfast {imports['importtime_ms']:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
