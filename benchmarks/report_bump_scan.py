"""The bump scan against np.sum over the same array: how close to memory speed.

pv_locations_ragged reads every item once, as np.sum does; on the notebook's
10,000 x 4000 float32 events (realistic bumps, benchmarks/bumps_common.py) it
is bound by memory traffic.  Prints the fastest of interleaved repeats on 1
and on 2 threads, and the ratio to np.sum measured in the same run:

    python -P benchmarks/report_bump_scan.py
"""

import time

import numpy as np

import polyfast
from polyfast.bench import baselines


def fastest(call, repeats=15):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    data = baselines.bump_data()
    params = baselines.BUMP_PARAMS
    before = polyfast.get_num_threads()
    print(f"{data.shape[0]:,} x {data.shape[1]} {data.dtype}, {data.nbytes >> 20} MiB")
    try:
        for threads in (1, 2):
            polyfast.set_num_threads(threads)
            scan = fastest(lambda: polyfast.pv_locations_ragged(data, *params))
            total = fastest(lambda: np.sum(data))
            print(f"  {threads} thread(s): pv_locations_ragged {scan * 1e3:7.2f} ms, "
                  f"np.sum {total * 1e3:7.2f} ms (one thread), ratio {scan / total:.2f}")
    finally:
        polyfast.set_num_threads(before)


if __name__ == "__main__":
    main()
