"""What ``import polyfast`` costs over ``import numpy``: fresh processes, interleaved.

Each round starts one interpreter that imports NumPy and one that imports
polyfast (which imports NumPy), in alternating order, and reads the import
time each reports from inside (``time.perf_counter`` around the import, so
interpreter start-up is left out).  Prints the medians and their difference.

    python -P benchmarks/report_import.py [ROUNDS]
"""

import statistics
import subprocess
import sys

CODE = ("import time; t = time.perf_counter(); import {module}; "
        "print(time.perf_counter() - t)")


def import_time(module: str) -> float:
    out = subprocess.run([sys.executable, "-P", "-c", CODE.format(module=module)],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 31
    numpy_times, polyfast_times = [], []
    for i in range(rounds):
        order = ("numpy", "polyfast") if i % 2 == 0 else ("polyfast", "numpy")
        for module in order:
            (numpy_times if module == "numpy" else polyfast_times).append(import_time(module))
    numpy_median = statistics.median(numpy_times)
    polyfast_median = statistics.median(polyfast_times)
    print(f"{rounds} rounds of fresh processes, medians:")
    print(f"  import numpy      {numpy_median * 1e3:7.2f} ms")
    print(f"  import polyfast   {polyfast_median * 1e3:7.2f} ms")
    print(f"  polyfast's own    {(polyfast_median - numpy_median) * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
