"""polyfast inside numba-compiled code: the figures ``python -m polyfast`` shows.

With numba installed, `measure` times, in one run, interleaved, best of a
few rounds (issue 21's speed targets):

- ``polyfast.poly8(a)`` on 1M float64 inside ``numba.njit`` against the same
  ufunc called from Python (the same C loop, SIMD level and threads);
- a plain njit loop over the notebook's 500 x 500 make_fractal grid calling
  ``polyfast.mandelbrot(c[i], maxiter)`` per point against the same loop
  iterating ``z*z + c`` itself, at the notebook's maxiter 50 and at 1000
  (the counts are compared);
- a scalar ``polyfast.poly8(x[i])`` per element of 1M float64 inside njit
  against numba's own inlined ``x + x**2 + ... + x**8``.

Every figure is a ratio of two times taken in the same run: absolute times
depend on the machine and its load.  benchmarks/report_numba.py prints the
same rows and a deep zoom.  Importing this module imports no numba.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import polyfast
from polyfast.bench import timing

#: The line ``python -m polyfast`` prints instead of the rows without numba.
ABSENT = ("note: numba is {why}: skipped the numba-side figures (polyfast called "
          "inside @numba.njit; pip install numba to compare)")


@dataclass(frozen=True)
class Row:
    """One comparison: polyfast's time and the other engine's, same run."""

    what: str
    ours: float         # seconds per call, best of the rounds
    other: str          # what polyfast is compared with
    theirs: float
    same: bool | None   # same result (None: not expected to be the same bits)

    @property
    def speedup(self) -> float:
        """The other time over polyfast's (above 1: polyfast is faster)."""
        return self.theirs / self.ours


def available() -> str | None:
    """None when numba can be imported, else why not ("not installed", ...)."""
    module = timing.optional_module("numba")
    return module if isinstance(module, str) else None


def best_times(functions: Sequence[Callable[[], Any]], rounds: int) -> list[float]:
    """Each function's best time, the functions called in turn every round."""
    best = [float("inf")] * len(functions)
    for _ in range(rounds):
        for i, fn in enumerate(functions):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def compiled() -> dict[str, Callable[..., Any]]:
    """The njit functions compared (numba imported and compiled here)."""
    import numba

    @numba.njit
    def poly8_array(a):
        return polyfast.poly8(a)

    @numba.njit
    def counts_polyfast(c, maxiter, out):
        for i in range(c.size):
            out[i] = polyfast.mandelbrot(c[i], maxiter)

    @numba.njit
    def counts_numba(c, maxiter, out):
        # The ufunc's definition: the first k in 1 ... maxiter-1 with
        # |z_k| >= 2, else maxiter; the same operations, each rounded alone.
        for i in range(c.size):
            cr, ci = c[i].real, c[i].imag
            re, im = 0.0, 0.0
            count = maxiter if maxiter > 0 else 0
            for k in range(1, maxiter):
                re, im = re * re - im * im + cr, re * im + re * im + ci
                if re * re + im * im >= 4.0:
                    count = k
                    break
            out[i] = count

    @numba.njit
    def poly8_points(x, out):
        for i in range(x.size):
            out[i] = polyfast.poly8(x[i])

    @numba.njit
    def poly8_inline(x, out):
        for i in range(x.size):
            v = x[i]
            out[i] = v + v**2 + v**3 + v**4 + v**5 + v**6 + v**7 + v**8

    return {"poly8_array": poly8_array, "counts_polyfast": counts_polyfast,
            "counts_numba": counts_numba, "poly8_points": poly8_points,
            "poly8_inline": poly8_inline}


def notebook_grid() -> np.ndarray:
    """The notebook's make_fractal points: x and y in [-2, 2], 500 each, raveled."""
    x = np.linspace(-2, 2, 500)
    return (x[None, :] + 1j * x[:, None]).ravel()


def mandelbrot_row(f: dict, what: str, c: np.ndarray, maxiter: int, rounds: int) -> Row:
    """The njit loop calling polyfast.mandelbrot against numba's own loop on `c`."""
    ours = np.empty(c.size, np.int64)
    theirs = np.empty(c.size, np.int64)
    f["counts_polyfast"](c, maxiter, ours)
    f["counts_numba"](c, maxiter, theirs)
    same = bool(np.array_equal(ours, theirs)
                and np.array_equal(ours, polyfast.mandelbrot(c, maxiter)))
    t_ours, t_theirs = best_times([lambda: f["counts_polyfast"](c, maxiter, ours),
                                   lambda: f["counts_numba"](c, maxiter, theirs)], rounds)
    return Row(what, t_ours, "numba's own z*z + c loop", t_theirs, same)


def measure(quick: bool = False) -> list[Row]:
    """The rows, measured now (numba must be importable: see `available`)."""
    rounds = 3 if quick else 9
    f = compiled()
    a = np.random.default_rng(0).normal(size=1_000_000)
    same = bool(np.array_equal(f["poly8_array"](a), polyfast.poly8(a)))
    t_jit, t_py = best_times([lambda: f["poly8_array"](a), lambda: polyfast.poly8(a)],
                             rounds * 3)
    rows = [Row("poly8(a), 1M float64, called inside njit", t_jit,
                "the same ufunc called from Python", t_py, same)]
    c = notebook_grid()
    for maxiter, case_rounds in ((50, rounds * 3), (1000, rounds)):  # 50: a few ms a call
        rows.append(mandelbrot_row(f, f"njit loop calling mandelbrot(c[i], {maxiter}), "
                                   "notebook grid 500x500", c, maxiter, case_rounds))
    out = np.empty_like(a)
    f["poly8_points"](a, out)
    f["poly8_inline"](a, out)
    t_call, t_inline = best_times([lambda: f["poly8_points"](a, out),
                                   lambda: f["poly8_inline"](a, out)], rounds * 3)
    rows.append(Row("scalar poly8(x[i]) per element (1M), per call", t_call / a.size,
                    "numba's inlined x + x**2 + ... + x**8", t_inline / a.size, None))
    return rows


def format_rows(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table (speed-up: the other time over polyfast's)."""
    table = [[r.what, timing.format_seconds(r.ours), r.other, timing.format_seconds(r.theirs),
              f"{r.speedup:.2f}x", "n/a" if r.same is None else "yes" if r.same else "NO"]
             for r in rows]
    headers = ["inside @numba.njit", "polyfast", "compared with", "its time", "speed-up",
               "same result"]
    return timing.markdown_table(headers, table, align="lrlrrl")
