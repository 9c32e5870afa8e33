"""Where does a second thread start to pay off for poly8?  (float64, out= preallocated)

A plain script::

    python benchmarks/bench_threshold.py           # 51 repeats per size
    python benchmarks/bench_threshold.py --quick   # 11 repeats per size

polyfast runs a call on one thread when it has fewer than ``min_parallel``
items (poly8's is in ``src/poly/spec.py``), so below that the "2 threads"
column is the serial path too: equal times there only show that the
threshold is applied.  From ``min_parallel`` up to 1M items the script times
the same call with ``set_num_threads(1)`` and ``set_num_threads(2)``,
alternating the two repeat by repeat so that a disturbance from another
process hits both alike, and prints min and median per call and the speed-up.

Two numbers come out of it:

- the measured crossover: the smallest size, at or above ``min_parallel``,
  from which 2 threads are faster at every larger size measured;
- an estimate of the break-even size below ``min_parallel``, which cannot be
  measured directly: a parallel call costs about ``t1/2 + c``, ``c`` the
  fixed cost of waking the worker and joining it, measured as the median of
  ``t2 - t1/2`` at the smallest parallel sizes; two threads break even where
  ``t1(n) = 2c``, interpolated on the 1-thread times of every size.

Last, the per-call overhead at 1, 100 and 1000 items, next to
``np.add(x, 1.0, out=out)`` and ``np.negative(x, out=out)`` (a one-operand
ufunc like poly8): the fixed cost of a ufunc call, which no thread count
changes.
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import sys
import timeit

import numpy as np
from poly_engines import poly8_min_parallel

import polyfast
from polyfast.bench import baselines, timing

SIZES = [1024 << k for k in range(11)]  # 1K ... 1M (1024**2)
SMALL_SIZES = [1, 100, 1000]


def size_label(n: int) -> str:
    """``1024`` → ``"1K"``, ``1048576`` → ``"1M"``, else the number."""
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)


def time_threads(n: int, repeat: int, repeat_time: float) -> tuple[timing.Timing, timing.Timing]:
    """poly8 on `n` float64 items with out=: (1-thread, 2-thread) timings."""
    x = baselines.notebook_vector(n)
    out = np.empty_like(x)
    timer = timeit.Timer(functools.partial(polyfast.poly8, x, out=out))
    with timing.polyfast_threads(1):
        timer.timeit(10)  # warm caches
        per_call = min(timer.timeit(1) for _ in range(5))
    number = max(1, math.ceil(repeat_time / max(per_call, 1e-9)))
    samples = {1: [], 2: []}
    for _ in range(repeat):
        for threads in (1, 2):
            with timing.polyfast_threads(threads):
                samples[threads].append(timer.timeit(number) / number)
    return timing.Timing(tuple(samples[1]), number), timing.Timing(tuple(samples[2]), number)


def crossover(rows, min_parallel: int) -> int | None:
    """Smallest parallel size from which 2 threads are faster at every larger size."""
    found = None
    for n, t1, t2 in reversed(rows):
        if n < min_parallel or t2.min >= t1.min:
            break
        found = n
    return found


def estimated_break_even(rows, min_parallel: int) -> tuple[float, float | None]:
    """Fixed 2-thread cost ``c`` (s) and the size where ``t1(n) = 2c``.

    The size is interpolated on a log-log scale between measured sizes; it is
    0 below the smallest size measured and ``inf`` above the largest.
    """
    parallel = [(n, t1, t2) for n, t1, t2 in rows if n >= min_parallel][:3]
    cost = statistics.median(t2.min - t1.min / 2 for _, t1, t2 in parallel)
    target = 2 * cost
    points = [(n, t1.min) for n, t1, _ in rows]
    for (n0, y0), (n1, y1) in zip(points, points[1:]):
        if y0 <= target <= y1:
            f = (math.log(target) - math.log(y0)) / (math.log(y1) - math.log(y0))
            return cost, math.exp(math.log(n0) + f * (math.log(n1) - math.log(n0)))
    return cost, (0.0 if target < points[0][1] else math.inf)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeat = 11 if args.quick else 51
    min_parallel = poly8_min_parallel()
    load = timing.LoadMeter()

    progress = timing.Progress(len(SIZES) + len(SMALL_SIZES))
    rows = []
    for n in SIZES:
        progress.step(f"poly8 at {size_label(n)} items, 1 and 2 threads")
        rows.append((n, *time_threads(n, repeat, 1e-3)))
    small = []
    for n in SMALL_SIZES:
        progress.step(f"call overhead at {n} items")
        x = baselines.notebook_vector(n)
        out = np.empty_like(x)
        settings = {"min_repeat": repeat, "max_repeat": 4 * repeat, "budget": 0.5,
                    "repeat_time": 1e-3}
        with timing.polyfast_threads(2):
            t_poly = timing.time_call(functools.partial(polyfast.poly8, x, out=out), **settings)
        t_add = timing.time_call(functools.partial(np.add, x, 1.0, out=out), **settings)
        t_neg = timing.time_call(functools.partial(np.negative, x, out=out), **settings)
        small.append((n, t_poly, t_add, t_neg))
    progress.close()
    load = load.note()

    print(f"# poly8 float64, out= preallocated: 1 vs 2 threads ({repeat} alternating repeats)")
    print()
    for name, line in timing.engine_versions().items():
        if name in ("polyfast", "numpy"):
            print(f"- {name}: {line}")
    print(f"- poly8 min_parallel (src/poly/spec.py): {min_parallel} items")
    print(f"- {load}")
    print()
    table = []
    for n, t1, t2 in rows:
        parallel = "yes" if n >= min_parallel else "no: serial below min_parallel"
        table.append([size_label(n), f"{16 * n / 1024:.0f} KiB",
                      timing.format_seconds(t1.min), timing.format_seconds(t2.min),
                      f"{t1.min / t2.min:.2f}", f"{t1.median / t2.median:.2f}", parallel])
    print(timing.markdown_table(
        ["items", "in+out", "1 thread (min)", "2 threads (min)", "speed-up (min)",
         "speed-up (median)", "2 threads used"], table, align="rrrrrrl"))
    print()

    measured = crossover(rows, min_parallel)
    cost, estimate = estimated_break_even(rows, min_parallel)
    if measured is None:
        print("measured crossover: none; 2 threads are not faster at the largest size")
    elif measured == min_parallel:
        print(f"measured crossover: 2 threads are faster from min_parallel = {min_parallel} "
              "items on (the smallest size measurable in parallel)")
    else:
        print(f"measured crossover: 2 threads are faster from {measured} items on "
              f"(min_parallel is {min_parallel})")
    print(f"fixed cost of a 2-thread call (median of t2 - t1/2 at the 3 smallest parallel "
          f"sizes): {timing.format_seconds(cost)}")
    if estimate == 0:
        print(f"estimated break-even t1(n) = 2c: below {size_label(SIZES[0])} items")
    elif estimate == math.inf:
        print(f"estimated break-even t1(n) = 2c: above {size_label(SIZES[-1])} items")
    else:
        print(f"estimated break-even t1(n) = 2c: about {estimate:.0f} items "
              f"(min_parallel is {min_parallel})")
    print()
    print("## Per-call overhead (min per call)")
    print()
    print(timing.markdown_table(
        ["items", "poly8(x, out=)", "np.add(x, 1.0, out=)", "poly8 - np.add",
         "np.negative(x, out=)"],
        [[n, timing.format_seconds(tp.min), timing.format_seconds(ta.min),
          f"{(tp.min - ta.min) * 1e9:+.0f} ns", timing.format_seconds(tn.min)]
         for n, tp, ta, tn in small],
        align="rrrrr"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
