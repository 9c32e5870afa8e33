"""When the bump finder goes parallel: find_bumps and pv_locations_ragged on a few shapes.

Both split their rows over the pool by the same rule (rows x length against
find_bumps's min_parallel in src/bumps/spec.py).  Prints the fastest of many
calls per shape; run it once per build to compare two builds in one session:

    python -P benchmarks/report_bump_split.py
"""

import time

import numpy as np

import polyfast

SHAPES = [(2, 2_000_000), (16, 4000), (64, 1000), (128, 200), (10_000, 4000)]


def fastest(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rng = np.random.default_rng(0)
    print(f"polyfast {polyfast.__version__}, {polyfast.get_num_threads()} threads")
    for shape in SHAPES:
        x = np.where(rng.random(shape) < 0.05, rng.random(shape).astype(np.float32) * 3,
                     np.float32(0))
        repeats = 10 if x.size > 10_000_000 else 30
        ragged = fastest(lambda: polyfast.pv_locations_ragged(x, 0.5, 0.2, 3), repeats)
        gufunc = fastest(lambda: polyfast.find_bumps(x, 0.5, 0.2, 3), repeats)
        print(f"{str(shape):16s} pv_locations_ragged {ragged * 1e6:9.1f} us"
              f"   find_bumps {gufunc * 1e6:9.1f} us")


if __name__ == "__main__":
    main()
