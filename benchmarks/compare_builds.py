"""Two or more builds of polyfast on the same cases, interleaved, in one run.

    python -I benchmarks/compare_builds.py OLD_DIR NEW_DIR [--case NAME]... [--rounds N]
        [--threads N]

Each DIR holds an installed ``polyfast`` package (say, the site-packages
``polyfast/`` folder of the commit before a change, copied aside with
``cp -r``; the current venv's installed one for the new build).  One worker
process per build imports its polyfast (nothing else differs: same Python,
NumPy, machine) and times the cases it is asked for; the driver asks the
builds in turn, round after round (A, B, A, B, ...), so a change of load
hits them alike, and keeps each build's fastest round.  Every case's result
is hashed in each worker: the builds must agree bit for bit, or the script
stops.  Printed per case: each build's time and the first build's time over
each other's (> 1: the later build is faster).

Cases (the issue 22 set; ``--case`` picks some): ``make_fractal_500``
(500x500x50), ``make_fractal_2000`` (2000x2000x200), ``deep_zoom`` (the
``mandelbrot_grid`` of the deep zoom, 1000x1000, maxiter 5000),
``deep_zoom_ufunc`` (the ``mandelbrot`` ufunc on that grid materialised),
``poly8_1M`` (``poly8`` on 1M normal float64), ``bump_scan`` (the ragged
bump scan ``pv_locations_ragged`` on the notebook's 10,000 x 4000 events).
A case uses only the public API, so any two builds that have it compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

# The cases, as source run in a worker: SETUP once (may define inputs), then
# CALL timed; REPS calls per round, the fastest kept.
CASES: dict[str, tuple[str, str, int]] = {
    "make_fractal_500": ("from polyfast.notebook import make_fractal",
                         "make_fractal((500, 500), 50)", 20),
    "make_fractal_2000": ("from polyfast.notebook import make_fractal",
                          "make_fractal((2000, 2000), 200)", 3),
    "deep_zoom": ("w = 1e-5; cx, cy = -0.7436439, 0.1318259\n"
                  "x = np.linspace(cx - w/2, cx + w/2, 1000)\n"
                  "y = np.linspace(cy - w/2, cy + w/2, 1000)",
                  "polyfast.mandelbrot_grid(x, y, 5000)", 3),
    "deep_zoom_ufunc": ("w = 1e-5; cx, cy = -0.7436439, 0.1318259\n"
                        "x = np.linspace(cx - w/2, cx + w/2, 1000)\n"
                        "y = np.linspace(cy - w/2, cy + w/2, 1000)\n"
                        "c = x[None, :] + 1j * y[:, None]",
                        "polyfast.mandelbrot(c, 5000)", 3),
    "poly8_1M": ("x = np.random.default_rng(0).normal(size=1_000_000)",
                 "polyfast.poly8(x)", 50),
    "bump_scan": ("from polyfast.bench import baselines\n"
                  "data = baselines.bump_data(); params = baselines.BUMP_PARAMS",
                  "polyfast.pv_locations_ragged(data, *params)", 10),
}

WORKER = r"""
import hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
import polyfast
assert polyfast.__file__.startswith(sys.argv[1]), polyfast.__file__
polyfast.set_num_threads(int(sys.argv[2]))
print(json.dumps({"simd": polyfast.get_simd_level()}), flush=True)
namespaces = {}
for line in sys.stdin:
    name, setup, call, reps = json.loads(line)
    if name not in namespaces:
        namespaces[name] = {"np": np, "polyfast": polyfast}
        exec(setup, namespaces[name])
    ns = namespaces[name]
    code = compile(call, name, "eval")
    result = eval(code, ns)  # warm-up, and the result to compare
    digest = hashlib.sha1(np.ascontiguousarray(result).tobytes()).hexdigest() \
        if isinstance(result, np.ndarray) else hashlib.sha1(repr(result).encode()).hexdigest()
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        eval(code, ns)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"best": best, "digest": digest}), flush=True)
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builds", nargs="+", help="directories holding an installed polyfast/")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if len(args.builds) < 2:
        parser.error("give at least two builds")
    cases = args.case or list(CASES)
    workers = []
    for build in args.builds:
        path = os.path.abspath(build)
        if not os.path.isdir(os.path.join(path, "polyfast")):
            parser.error(f"{build}: no polyfast/ folder")
        proc = subprocess.Popen([sys.executable, "-I", "-c", WORKER, path, str(args.threads)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        workers.append(proc)
    levels = [json.loads(w.stdout.readline())["simd"] for w in workers]
    print(f"{len(workers)} builds, SIMD {', '.join(levels)}, {args.threads} threads, "
          f"{args.rounds} rounds; load before %.2f %.2f %.2f" % os.getloadavg())
    try:
        for name in cases:
            setup, call, reps = CASES[name]
            best = [float("inf")] * len(workers)
            digests = set()
            for _ in range(args.rounds):
                for i, w in enumerate(workers):
                    w.stdin.write(json.dumps([name, setup, call, reps]) + "\n")
                    w.stdin.flush()
                    answer = json.loads(w.stdout.readline())
                    best[i] = min(best[i], answer["best"])
                    digests.add(answer["digest"])
            if len(digests) != 1:
                print(f"{name}: the builds' results differ", file=sys.stderr)
                return 1
            times = ", ".join(f"{b} {t * 1e3:.2f} ms" for b, t in zip(args.builds, best))
            ratios = ", ".join(f"{best[0] / t:.3f}" for t in best[1:])
            print(f"{name:18s} {times} | first/other {ratios}", flush=True)
    finally:
        for w in workers:
            w.stdin.close()
            w.wait()
    print("load after %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
