"""Print make_fractal timings: polyfast against the notebook's NumPy version
and its numba loop version, measured in the same run, polyfast's balance
over threads (1 thread against all of them), and the deep zoom (centre
-0.7436439+0.1318259j, width 1e-5, 1000 x 1000, maxiter 5000): the
mandelbrot ufunc on the materialised grid against mandelbrot_grid.

    python benchmarks/report_mandelbrot.py [--quick]

Each time is the best of several runs (the NumPy baseline fewer at the large
size); ratios are what to compare, absolute times depend on the machine and
its load.
"""

import argparse
import os
import time

import numpy as np

import polyfast
from polyfast.bench import baselines, cases
from polyfast.notebook import make_fractal


def best_of(fn, args, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the notebook's size")
    options = parser.parse_args()
    cases = [((500, 500), 50, 15, 5)]
    if not options.quick:
        cases.append(((2000, 2000), 200, 7, 2))
    try:
        numba_loop = baselines.make_fractal_nb_numba()
    except ImportError:
        numba_loop = None
    threads = polyfast.get_num_threads()
    print(f"polyfast {polyfast.__version__}, SIMD {polyfast.get_simd_level()}, "
          f"{threads} threads, numpy {np.__version__}"
          + ("" if numba_loop is None else ", numba " + __import__("numba").__version__)
          + ", load average %.2f %.2f %.2f" % os.getloadavg())
    header = (f"{'case':>15} {'numpy ms':>10} {'numba ms':>10} {'polyfast ms':>12} "
              f"{'vs numpy':>9} {'vs numba':>9} {'1 thread ms':>12} {'threads gain':>13}")
    print(header)
    print("-" * len(header))
    for size, iterations, repeat, repeat_numpy in cases:
        args = (size, iterations)
        with np.errstate(all="ignore"):
            t_numpy = best_of(baselines.make_fractal, args, repeat_numpy)
        t_numba = float("nan") if numba_loop is None else best_of(numba_loop, args, repeat)
        make_fractal(*args)
        t_fast = best_of(make_fractal, args, repeat)
        polyfast.set_num_threads(1)
        try:
            t_one = best_of(make_fractal, args, repeat)
        finally:
            polyfast.set_num_threads(threads)
        case = f"{size[0]}x{size[1]}x{iterations}"
        print(f"{case:>15} {t_numpy * 1e3:10.2f} {t_numba * 1e3:10.2f} {t_fast * 1e3:12.3f} "
              f"{t_numpy / t_fast:8.1f}x {t_numba / t_fast:8.1f}x {t_one * 1e3:12.3f} "
              f"{t_one / t_fast:12.2f}x")
    print()
    print("Thread balance of the mandelbrot ufunc alone (grid built beforehand; "
          "make_fractal also builds the grid and shifts the counts, on one thread):")
    header = f"{'case':>15}" + "".join(f"{f'{n} thr ms':>11}" for n in range(1, threads + 1)) + \
        f"{'gain':>8}{'ideal':>7}"
    print(header)
    print("-" * len(header))
    for size, iterations, repeat, _ in cases:
        x = np.linspace(-2, 2, size[0]).reshape(1, -1)
        y = np.linspace(-2, 2, size[1]).reshape(-1, 1)
        c = x + y * 1j
        out = np.empty(c.shape, np.int64)
        times = []
        try:
            for n in range(1, threads + 1):
                polyfast.set_num_threads(n)
                times.append(best_of(lambda: polyfast.mandelbrot(c, iterations + 1, out=out), (), repeat))
        finally:
            polyfast.set_num_threads(threads)
        case = f"{size[0]}x{size[1]}x{iterations}"
        print(f"{case:>15}" + "".join(f"{t * 1e3:11.3f}" for t in times) +
              f"{times[0] / times[-1]:7.2f}x{threads:6d}x")

    print()
    print("Deep zoom: centre -0.7436439+0.1318259j, width 1e-5, 1000x1000, maxiter 5000 "
          "(no point in the cardioid or the bulb):")
    x, y, c = cases._zoom_inputs()
    out = np.empty(c.shape, np.int64)
    repeat = 3 if options.quick else 7
    header = f"{'engine':>40} {'ms':>10} {'vs ufunc':>9} {'1 thread ms':>12} {'threads gain':>13}"
    print(header)
    print("-" * len(header))
    engines = [("mandelbrot(c, 5000, out=out)", lambda: polyfast.mandelbrot(c, 5000, out=out)),
               ("mandelbrot_grid(x, y, 5000, out=out)",
                lambda: polyfast.mandelbrot_grid(x, y, 5000, out=out))]
    first = None
    for name, fn in engines:
        fn()
        t = best_of(fn, (), repeat)
        polyfast.set_num_threads(1)
        try:
            t_one = best_of(fn, (), max(2, repeat // 2))
        finally:
            polyfast.set_num_threads(threads)
        first = t if first is None else first
        print(f"{name:>40} {t * 1e3:10.2f} {first / t:8.2f}x {t_one * 1e3:12.2f} {t_one / t:12.2f}x")
    print("load average after: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
