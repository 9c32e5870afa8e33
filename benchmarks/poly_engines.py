"""The engines and inputs compared by bench_poly.py and report_poly.py.

Each engine is a `polyfast.bench.timing.Engine`: ``make(x)`` returns a
function of no argument that computes the notebook's polynomial on ``x`` (an
``out=`` array, when there is one, is allocated by ``make``, outside the
timing).

- polyfast.poly8 on 1 and on 2 threads, each with a preallocated ``out=`` and
  allocating its result;
- the notebook's NumPy versions ``f_numpy``, ``f_nest_numpy``, ``f_mem_numpy``;
- numexpr: the notebook's ``f_numexper``, and the same expression with ``out=``;
- numba: ``f_numba_nest_ufunc`` (``vectorize``, ``target='parallel'``) and the
  same with ``target='cpu'``, ``f_numba_parallel`` (``jit(parallel=True)`` of
  ``f_numpy``, the notebook's fastest) and ``f_numba_nest`` (``jit`` of
  ``f_nest_numpy``); the ufuncs also get a float32 loop so that float32 input
  is computed in float32, like every other engine here;
- ``np.copyto(out, x)`` and ``x.copy()``: one read and one write of the array,
  the memory-traffic bound (with and without allocating the result).

numexpr and numba are optional: their engines are skipped when absent.  See
`polyfast.bench.baselines.numba_notebook_function` for the reconstruction of the
notebook's cut ``numba.vectorize`` lines.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import polyfast
from polyfast.bench import baselines
from polyfast.bench.timing import Engine, calls, calls_numba, calls_with_out


@dataclass(frozen=True)
class Dataset:
    """An input of the comparison: the notebook's normal vector at a size and dtype."""

    label: str
    size: int
    dtype: type

    @property
    def id(self) -> str:
        """The label as a pytest id, e.g. ``1M-f64``."""
        return self.label.replace(" ", "-")

    def array(self) -> np.ndarray:
        """The input vector (seeded, so every run sees the same numbers)."""
        return baselines.notebook_vector(self.size, self.dtype)

    def same(self, result, reference) -> bool:
        """Whether `result` agrees with `reference` within this dtype's precision."""
        if np.asarray(result).dtype == np.float32 or self.dtype == np.float32:
            return np.allclose(result, reference, rtol=1e-5, atol=1e-5)
        return np.allclose(result, reference)


DATASETS = (
    Dataset("1M f64", 1_000_000, np.float64),
    Dataset("10M f64", 10_000_000, np.float64),
    Dataset("1M f32", 1_000_000, np.float32),
)


def _numexpr_out(x):
    import numexpr

    out = np.empty_like(x)
    return functools.partial(numexpr.evaluate, baselines.NUMEXPR_POLY, local_dict={"x": x}, out=out)


def _copyto(x):
    out = np.empty_like(x)
    return functools.partial(np.copyto, out, x)


ENGINES = (
    Engine("poly8 1 thread, out=", "polyfast", calls_with_out(polyfast.poly8), threads=1),
    Engine("poly8 1 thread", "polyfast", calls(polyfast.poly8), threads=1),
    Engine("poly8 2 threads, out=", "polyfast", calls_with_out(polyfast.poly8), threads=2),
    Engine("poly8 2 threads", "polyfast", calls(polyfast.poly8), threads=2),
    Engine("f_numpy", "numpy", calls(baselines.f_numpy)),
    Engine("f_nest_numpy", "numpy", calls(baselines.f_nest_numpy)),
    Engine("f_mem_numpy", "numpy", calls(baselines.f_mem_numpy)),
    Engine("numexpr (f_numexper)", "numexpr", calls(baselines.f_numexper),
           requires="numexpr", jit=True),
    Engine("numexpr, out=", "numexpr", _numexpr_out, requires="numexpr", jit=True),
    Engine("numba vectorize parallel (f_numba_nest_ufunc)", "numba",
           calls_numba("f_numba_nest_ufunc"), requires="numba", jit=True),
    Engine("numba vectorize cpu", "numba", calls_numba("f_numba_nest_ufunc_cpu"),
           requires="numba", jit=True),
    Engine("numba jit parallel (f_numba_parallel)", "numba", calls_numba("f_numba_parallel"),
           requires="numba", jit=True),
    Engine("numba jit nest (f_numba_nest)", "numba", calls_numba("f_numba_nest"),
           requires="numba", jit=True),
    Engine("np.copyto(out, x)", "memory", _copyto, check=False),
    Engine("x.copy()", "memory", lambda x: x.copy, check=False),
)

#: The engine speed-ups are measured against, and results checked against.
BASELINE = "f_numpy"


def engine_id(engine: Engine) -> str:
    """A pytest id for an engine, e.g. ``poly8-1-thread-out=``."""
    short = engine.name.split(" (")[0]
    return re.sub(r"[^\w.=]+", "-", short).strip("-")


def poly8_min_parallel(default: int = 32768) -> int:
    """poly8's serial threshold, read from ``src/poly/spec.py`` when present.

    The installed package does not expose it; from a source checkout the
    spec row is the truth.  Falls back to `default`.
    """
    spec = Path(__file__).resolve().parent.parent / "src" / "poly" / "spec.py"
    try:
        text = spec.read_text()
    except OSError:
        return default
    match = re.search(r'ufunc\(\s*"poly8".*?min_parallel=(\d+)', text, re.S)
    return int(match.group(1)) if match else default
