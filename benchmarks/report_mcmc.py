"""Print a table: polyfast.sampler against the notebook's NumPy and numba samplers.

    PYTHONPATH=<install> python benchmarks/report_mcmc.py [--quick]

Every engine is timed in the same run, interleaved (each round times every
engine in turn), best of several rounds; the speed-ups are ratios of those
times (the absolute numbers depend on the machine and its load, the ratios
much less).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _mcmc_engines import CASES, case_data, engines  # noqa: E402


def calls_per_round(fn, args, min_total):
    fn(*args)  # warm up
    t0 = time.perf_counter()
    fn(*args)
    one = time.perf_counter() - t0
    return max(1, int(min_total / max(one, 1e-9)))


def best_times(fns, args, min_total, rounds):
    """Best time per call of each of fns, the rounds interleaved: load that
    comes and goes affects every engine alike."""
    numbers = {name: calls_per_round(fn, args, min_total) for name, fn in fns.items()}
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(numbers[name]):
                fn(*args)
            best[name] = min(best[name], (time.perf_counter() - t0) / numbers[name])
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    opts = parser.parse_args(argv)
    repeats = 3 if opts.quick else 7
    eng = engines()
    order = [name for name in ("numpy", "numba", "polyfast", "polyfast (Generator)") if name in eng]
    print(f"{'case':<14}" + "".join(f"{name:>22}" for name in order)
          + f"{'polyfast vs numpy':>19}{'vs numba':>10}{'Gen vs numba':>14}")
    for label, n, samples in CASES:
        data = case_data(n)
        slow = n > 1000  # the notebook's NumPy sampler takes seconds there
        times = best_times({"numpy": eng["numpy"]}, (data, samples), 0.0, 2 if slow else repeats)
        fast = {name: eng[name] for name in order if name != "numpy"}
        # (numba is as slow as NumPy at 10^5 points: fewer rounds there)
        times.update(best_times(fast, (data, samples), 0.3 / repeats,
                                2 if slow else 3 * repeats))
        row = f"{label:<14}" + "".join(f"{times[name] * 1e3:>19.3f} ms" for name in order)
        row += f"{times['numpy'] / times['polyfast']:>18.0f}x"
        if "numba" in times:
            row += f"{times['numba'] / times['polyfast']:>9.1f}x"
            row += f"{times['numba'] / times['polyfast (Generator)']:>13.1f}x"
        print(row)
    if "numba" not in eng:
        print("(numba is not installed: no numba column)")


if __name__ == "__main__":
    main()
