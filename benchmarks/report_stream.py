"""poly8 on 10M float64, one thread: ``out=`` and allocating, against np.copyto.

A contiguous elementwise ufunc is bound by memory traffic at this size; the
non-temporal-store policy (src/module/parallel_loop.c) decides whether the
output is written past the cache.  Prints the fastest of interleaved repeats
and the ratios to ``np.copyto(y, x)`` (the same traffic as ``poly8(x, out=y)``
without the arithmetic) measured in the same run:

    python -P benchmarks/report_stream.py [N]
"""

import sys
import time

import numpy as np

import polyfast


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    x = np.random.default_rng(0).normal(size=n)
    y = np.empty_like(x)
    calls = {
        "np.copyto(y, x)": lambda: np.copyto(y, x),
        "polyfast.poly8(x, out=y)": lambda: polyfast.poly8(x, out=y),
        "polyfast.poly8(x)": lambda: polyfast.poly8(x),
        "np.copy(x)": lambda: np.copy(x),
    }
    before = polyfast.get_num_threads()
    polyfast.set_num_threads(1)
    best = dict.fromkeys(calls, float("inf"))
    try:
        for _ in range(30):
            for name, call in calls.items():
                start = time.perf_counter()
                call()
                best[name] = min(best[name], time.perf_counter() - start)
    finally:
        polyfast.set_num_threads(before)
    print(f"n = {n:,} float64, 1 thread, fastest of 30 interleaved repeats")
    for name, seconds in best.items():
        print(f"  {name:26s} {seconds * 1e3:8.2f} ms   {seconds / best['np.copyto(y, x)']:5.2f}x copyto"
              f"   {seconds / best['np.copy(x)']:5.2f}x np.copy")


if __name__ == "__main__":
    main()
