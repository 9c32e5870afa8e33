"""First call against steady call of every public function, in fresh processes.

    python -P benchmarks/report_first_call.py [--rounds N] [--only NAME ...]

polyfast promises no warm-up: a function's first call in a process should
cost about what its hundredth does.  Each measurement is one fresh
interpreter that imports NumPy (``numpy.random`` included, so that NumPy's
own first-import cost is not counted), polyfast and polyfast.notebook,
builds the inputs, then times the function's first call and, after it, the
best of several steady calls (each call timed alone, as the first one is).
Every round runs one process per function, in a rotated order (interleaved:
load that comes and goes affects every function alike); the table gives the
median over the rounds of the first call, of the steady call, and of their
difference.

The sampler is timed three ways: drawing from NumPy's global state (the
notebook's way; its first call is the process's first, with whatever
polyfast checks once per process), from a RandomState, and from a Generator.

Two rows time NumPy itself (``x * x`` on the same inputs as ``poly8`` and
``norm_pdf``): a call whose output is the process's first allocation of that
size pays the operating system's page faults for it, NumPy's own ufuncs alike
(about 2.5 ms for 8 MB here).  A polyfast row is warm-up only by what it
costs beyond the NumPy row of the same size.
"""

import argparse
import json
import statistics
import subprocess
import sys

# name: (setup, call); the setup runs before anything of polyfast is called.
CALLS = {
    "poly8": ("x = np.random.default_rng(0).normal(size=1_000_000)", "polyfast.poly8(x)"),
    "NumPy x * x, 1M (baseline)": ("x = np.random.default_rng(0).normal(size=1_000_000)",
                                   "np.multiply(x, x)"),
    "NumPy x * x, 100k (baseline)": ("x = np.random.default_rng(0).normal(size=100_000)",
                                     "np.multiply(x, x)"),
    "polyval": ("x = np.random.default_rng(0).normal(size=100_000)",
                "polyfast.polyval(x, [1.0, 2.0, 3.0])"),
    "find_bumps": ("row = np.random.default_rng(0).random(4000).astype(np.float32)",
                   "polyfast.find_bumps(row, 0.5, 0.2, 3)"),
    "pv_locations": ("ev = np.random.default_rng(0).random((100, 4000)).astype(np.float32)",
                     "polyfast.pv_locations(ev, 1e-2, 0.2, 3)"),
    "pv_locations_ragged": (
        "ev = np.random.default_rng(0).random((100, 4000)).astype(np.float32)",
        "polyfast.pv_locations_ragged(ev, 1e-2, 0.2, 3)"),
    "mandelbrot": ("c = np.linspace(-2, 1, 10_000) + 0.5j", "polyfast.mandelbrot(c, 50)"),
    "mandelbrot_grid": ("xs = np.linspace(-2, 1, 300)",
                        "polyfast.mandelbrot_grid(xs, xs[:200], 50)"),
    "norm_pdf": ("x = np.random.default_rng(0).normal(size=100_000)",
                 "polyfast.norm_pdf(0.0, 1.0, x)"),
    "sampler (global state)": ("d = np.random.default_rng(0).normal(size=20); np.random.seed(0)",
                               "polyfast.sampler(d, samples=1500, mu_init=1.)"),
    "sampler (RandomState)": ("d = np.random.default_rng(0).normal(size=20); "
                              "rs = np.random.RandomState(0)",
                              "polyfast.sampler(d, samples=1500, mu_init=1., rng=rs)"),
    "sampler (Generator)": ("d = np.random.default_rng(0).normal(size=20); "
                            "g = np.random.default_rng(0)",
                            "polyfast.sampler(d, samples=1500, mu_init=1., rng=g)"),
    "set_num_threads": ("n = polyfast.get_num_threads()", "polyfast.set_num_threads(n)"),
    "get_num_threads": ("", "polyfast.get_num_threads()"),
    "get_simd_level": ("", "polyfast.get_simd_level()"),
    "get_cpu_simd_level": ("", "polyfast.get_cpu_simd_level()"),
    "show_config": ("import contextlib, io; quiet = contextlib.redirect_stdout(io.StringIO())",
                    "with quiet: polyfast.show_config()"),
    "notebook.make_fractal": ("", "pn.make_fractal((500, 500), 50)"),
    "notebook.f_numpy": ("x = np.random.default_rng(0).normal(size=1_000_000)", "pn.f_numpy(x)"),
    "notebook.pv_locations": ("ev = np.random.default_rng(0).random((100, 4000)).astype(np.float32)",
                              "pn.pv_locations(ev, 1e-2, 0.2, 3)"),
    "notebook.sampler": ("d = np.random.default_rng(0).normal(size=20); np.random.seed(0)",
                         "pn.sampler(d, samples=1500, mu_init=1.)"),
}

CHILD = """
import json, time
import numpy as np, numpy.random
import polyfast, polyfast.notebook as pn
{setup}
t0 = time.perf_counter()
{call}
first = time.perf_counter() - t0
steady = []
for _ in range({steady}):
    t0 = time.perf_counter()
    {call}
    steady.append(time.perf_counter() - t0)
print(json.dumps([first, min(steady)]))
"""


def measure(name: str, steady: int) -> tuple[float, float]:
    setup, call = CALLS[name]
    code = CHILD.format(setup=setup, call=call, steady=steady)
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True,
                         check=True).stdout
    first, best = json.loads(out)
    return first, best


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f} ms"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="processes per function")
    parser.add_argument("--steady", type=int, default=30, help="steady calls per process")
    parser.add_argument("--only", nargs="*", choices=sorted(CALLS), help="these functions")
    opts = parser.parse_args(argv)
    names = opts.only or list(CALLS)
    firsts: dict[str, list[float]] = {n: [] for n in names}
    steadies: dict[str, list[float]] = {n: [] for n in names}
    for r in range(opts.rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            first, best = measure(name, opts.steady)
            firsts[name].append(first)
            steadies[name].append(best)
    print(f"{opts.rounds} rounds of fresh processes (medians; steady: best of "
          f"{opts.steady} calls after the first)")
    print(f"{'function':<30}{'first call':>13}{'steady':>13}{'first - steady':>17}")
    for name in names:
        first = statistics.median(firsts[name])
        best = statistics.median(steadies[name])
        extra = statistics.median(f - s for f, s in zip(firsts[name], steadies[name]))
        print(f"{name:<30}{fmt(first):>13}{fmt(best):>13}{fmt(extra):>17}")


if __name__ == "__main__":
    main()
