"""Where make_fractal's time goes: the notebook's grids split by kind of point.

    python -P benchmarks/report_mandelbrot_classes.py [--size N --maxiter M]

The points of the notebook's grid (x, y in linspace(-2, 2, N)) are sorted
into classes by their escape count at maxiter M + 1 (what make_fractal(N, M)
computes): escaping at the first test, within 8 steps, later, and never
escaping, those the classic tests place in the main cardioid or the period-2
bulb (where the trap of src/mandelbrot/mandelbrot.h catches most) and the
others (smaller components, iterated to maxiter).  Each class is then timed
alone with the mandelbrot ufunc on one thread (CPU time of the calling thread,
best of several runs, the classes interleaved), next to the notebook's NumPy
make_fractal and polyfast's on both threads.  The per-class costs show what
an exact method could still take: a class's time cannot drop below the steps
its points must be iterated to their exact counts.
"""

import argparse
import os
import time

import numpy as np

import polyfast
from polyfast.bench import baselines
from polyfast.notebook import make_fractal


def best(fn, reps, clock=time.thread_time):
    fn()
    times = []
    for _ in range(reps):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--maxiter", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    n, it = options.size, options.maxiter + 1
    x = np.linspace(-2, 2, n)
    c = x[None, :] + 1j * x[:, None]
    counts = polyfast.mandelbrot(c, it)
    shifted = c.real - 0.25
    y2 = c.imag ** 2
    q = shifted * shifted + y2
    classic = (q * (q + shifted) < y2 * 0.25) | ((c.real + 1) ** 2 + y2 < 0.0625)
    never = counts == it
    classes = {
        "escape at the first test": counts == 1,
        "escape within 8 steps": (counts > 1) & (counts <= 8),
        "escape after 8 steps": (counts > 8) & (counts < it),
        "never: cardioid or bulb": never & classic,
        "never: elsewhere": never & ~classic,
    }
    points = {name: np.ascontiguousarray(c[mask]) for name, mask in classes.items()}
    outs = {name: np.empty(p.shape, np.int64) for name, p in points.items()}
    threads = polyfast.get_num_threads()
    times = {}
    for _ in range(options.rounds):
        polyfast.set_num_threads(1)
        for name, p in points.items():
            t = best(lambda: polyfast.mandelbrot(p, it, out=outs[name]), 5)
            times[name] = min(times.get(name, 1e9), t)
        t = best(lambda: make_fractal((n, n), options.maxiter), 3)
        times["make_fractal, 1 thread"] = min(times.get("make_fractal, 1 thread", 1e9), t)
        polyfast.set_num_threads(threads)
        t = best(lambda: make_fractal((n, n), options.maxiter), 3, time.perf_counter)
        times["make_fractal, all threads (wall)"] = min(
            times.get("make_fractal, all threads (wall)", 1e9), t)
        with np.errstate(all="ignore"):
            t = best(lambda: baselines.make_fractal((n, n), options.maxiter), 1, time.perf_counter)
        times["NumPy make_fractal (wall)"] = min(times.get("NumPy make_fractal (wall)", 1e9), t)
    numpy_time = times["NumPy make_fractal (wall)"]
    print(f"make_fractal(({n}, {n}), {options.maxiter}); polyfast {polyfast.__version__}, "
          f"SIMD {polyfast.get_simd_level()}, {threads} threads; load %.2f %.2f %.2f"
          % os.getloadavg())
    print("| class | points | mean count | ms (1 thread) | ns a point | NumPy / (this alone) |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, mask in classes.items():
        k = int(mask.sum())
        t = times[name]
        per = t / k * 1e9 if k else float("nan")
        mean = counts[mask].mean() if k else float("nan")
        print(f"| {name} | {k} | {mean:.1f} | {t * 1e3:.2f} | {per:.2f} | {numpy_time / t:.0f}x |")
    for name in ("make_fractal, 1 thread", "make_fractal, all threads (wall)",
                 "NumPy make_fractal (wall)"):
        t = times[name]
        print(f"| {name} | {n * n} | | {t * 1e3:.2f} | {t / (n * n) * 1e9:.2f} "
              f"| {numpy_time / t:.0f}x |")


if __name__ == "__main__":
    main()
