"""polyfast inside numba-compiled code (issue 21): what a call costs there.

    python benchmarks/report_numba.py [--quick]

In one run, interleaved, best of several rounds:

- ``polyfast.poly8(a)`` on 1M float64 inside ``numba.njit`` against the same
  ufunc called from Python (the same C loop, SIMD level and threads);
- a plain numba loop over the notebook's 500 x 500 grid calling
  ``polyfast.mandelbrot(c, maxiter)`` on each point against the same loop
  iterating ``z*z + c`` itself (same counts, checked), at maxiter 50 and
  1000, and a deep zoom (centre -0.7436439+0.1318259j, width 1e-5; 300 x
  300 points, maxiter 5000, to keep numba's own loop short);
- a scalar ``polyfast.poly8(x[i])`` per element of 1M float64 inside njit
  (compiled inline from the kernel's operations, polyfast/_numba_overloads.py)
  against numba's own inlined ``x + x**2 + ... + x**8`` (same bits not
  expected: polyfast's factored form differs from the sum of powers).

Ratios measured in one run are what to compare; absolute times depend on
the machine and its load.  ``python -m polyfast`` shows the same rows but the
deep zoom (polyfast/bench/numba_side.py, whose njit functions these are).
"""

import argparse
import os

import numba
import numpy as np

import polyfast
from polyfast.bench import numba_side


# The njit functions python -m polyfast compares (polyfast/bench/numba_side.py).
_F = numba_side.compiled()
poly8_array, counts_polyfast, counts_numba, poly8_points, poly8_inline = (
    _F[name] for name in ("poly8_array", "counts_polyfast", "counts_numba", "poly8_points",
                          "poly8_inline"))
best_times = numba_side.best_times


def grid(centre, width, n):
    x = np.linspace(centre.real - width / 2, centre.real + width / 2, n)
    y = np.linspace(centre.imag - width / 2, centre.imag + width / 2, n)
    return (x[None, :] + 1j * y[:, None]).ravel()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    options = parser.parse_args()
    rounds = 3 if options.quick else 9
    print(f"polyfast {polyfast.__version__}, SIMD {polyfast.get_simd_level()}, "
          f"{polyfast.get_num_threads()} threads, numpy {np.__version__}, numba "
          f"{numba.__version__}, load average %.2f %.2f %.2f" % os.getloadavg())

    a = np.random.default_rng(0).normal(size=1_000_000)
    assert np.array_equal(poly8_array(a), polyfast.poly8(a))
    t_jit, t_py = best_times([lambda: poly8_array(a), lambda: polyfast.poly8(a)], rounds * 3)
    print(f"poly8(1M float64): inside njit {t_jit * 1e3:.3f} ms, from Python "
          f"{t_py * 1e3:.3f} ms: njit/Python {t_jit / t_py:.2f}x (target <= 1.10x)")

    # The notebook's make_fractal grid: x and y in [-2, 2], 500 points each.
    notebook = numba_side.notebook_grid()
    zoom = grid(-0.7436439 + 0.1318259j, 1e-5, 300)
    for label, c, maxiter, case_rounds in (("notebook grid 500x500, maxiter 50", notebook, 50,
                                            rounds * 3),
                                           ("notebook grid 500x500, maxiter 1000", notebook, 1000, rounds),
                                           ("deep zoom 300x300, maxiter 5000", zoom, 5000, 2)):
        ours = np.empty(c.size, np.int64)
        theirs = np.empty(c.size, np.int64)
        counts_polyfast(c, maxiter, ours)
        counts_numba(c, maxiter, theirs)
        same = np.array_equal(ours, theirs) and np.array_equal(ours, polyfast.mandelbrot(c, maxiter))
        t_ours, t_theirs = best_times([lambda: counts_polyfast(c, maxiter, ours),
                                       lambda: counts_numba(c, maxiter, theirs)], case_rounds)
        print(f"{label}: numba loop calling polyfast.mandelbrot {t_ours * 1e3:.1f} ms, "
              f"numba's own z*z + c {t_theirs * 1e3:.1f} ms: {t_theirs / t_ours:.2f}x faster "
              f"(same counts: {'yes' if same else 'NO'})")

    out = np.empty_like(a)
    poly8_points(a, out)
    poly8_inline(a, out)
    t_call, t_inline = best_times([lambda: poly8_points(a, out), lambda: poly8_inline(a, out)],
                                  rounds * 3)
    print(f"scalar poly8 per element in njit: polyfast call {t_call / a.size * 1e9:.2f} ns, "
          f"numba's inlined sum of powers {t_inline / a.size * 1e9:.2f} ns: "
          f"{t_call / t_inline:.2f}x")


if __name__ == "__main__":
    main()
