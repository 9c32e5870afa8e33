"""Print the bump finder's timing table: 10,000 events x 4000 bins float32.

    PYTHONPATH=<site> python benchmarks/report_bumps.py [--threads N] [--repeat R]

Every row is timed in the same run (best of R), as a ratio to np.sum of the
same array (the memory-read limit) and as a speed-up over the notebook's
function compiled by numba and called in a Python loop over rows.
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np

import polyfast
from bumps_common import BINS, EVENTS, PARAMS, contenders, make_data


def best_seconds(fn, repeat: int) -> float:
    fn()  # warm: first-touch of pages, thread-pool start
    number = 1
    while timeit.timeit(fn, number=number) < 0.05 and number < 64:
        number *= 2
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--bins", type=int, default=BINS)
    args = parser.parse_args()
    if args.threads:
        polyfast.set_num_threads(args.threads)

    data = make_data(args.events, args.bins)
    values, offsets = polyfast.pv_locations_ragged(data, *PARAMS)
    cases = contenders(data)
    times = {name: best_seconds(fn, args.repeat) for name, fn in cases.items()}

    base = times["np.sum (memory-read limit)"]
    numba_name = "loop over rows, numba (notebook)"
    numba_time = times.get(numba_name)
    print(f"pv_locations on {args.events} x {args.bins} float32 ({data.nbytes / 1e6:.0f} MB), "
          f"threshold={PARAMS[0]}, integral_threshold={PARAMS[1]}, min_width={PARAMS[2]}")
    print(f"{values.size} bumps ({values.size / max(args.events, 1):.1f} per event); "
          f"polyfast {polyfast.__version__}, numpy {np.__version__}, "
          f"SIMD {polyfast.get_simd_level()}, {polyfast.get_num_threads()} threads")
    print()
    print(f"| {'contender':<34} | {'ms':>8} | {'/ np.sum':>8} | {'vs numba loop':>13} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 15}|")
    for name, t in times.items():
        speedup = f"{numba_time / t:.1f}x" if numba_time else "n/a"
        print(f"| {name:<34} | {t * 1e3:8.2f} | {t / base:8.2f} | {speedup:>13} |")
    if numba_time is None:
        print("\n(numba is not installed: no numba row)")


if __name__ == "__main__":
    main()
