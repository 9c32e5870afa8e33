"""A typed user of polyfast's public API, checked by ``mypy --strict`` in CI.

.ci/typecheck.sh runs mypy on this file against the installed package (its
stubs polyfast/_core.pyi and the annotations of the Python modules, shipped
with py.typed); the file also runs as a plain script
(tests/test_docs.py::test_typed_usage_runs).  The calls below are typed
examples per name; .ci/typecheck.sh also generates a file naming every entry
of ``polyfast.__all__`` (ufuncs typed as ``np.ufunc``), so a stub that is
missing fails CI without an edit here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

import polyfast
from polyfast import notebook
from polyfast.notebook import make_fractal, make_fractal_nb


def main() -> None:
    x: NDArray[np.float64] = np.linspace(-1.0, 1.0, 11)
    # every ufunc of the module, enumerated (typed per name by .ci/typecheck.sh)
    ufuncs: list[np.ufunc] = [u for u in (getattr(polyfast, n) for n in polyfast.__all__)
                              if isinstance(u, np.ufunc)]
    assert polyfast.poly8 in ufuncs and all(u.__name__ and u.types for u in ufuncs)
    y = np.asarray(polyfast.poly8(x), dtype=np.float64)
    p = np.asarray(polyfast.polyval(x, [1.0, 2.0, 3.0]))
    counts = np.asarray(polyfast.mandelbrot(x + 0.5j, 50))
    locations, count = polyfast.find_bumps(np.abs(x), 0.5, 0.0, 1)
    pdf = np.asarray(polyfast.norm_pdf(0.0, 1.0, x), dtype=np.float64)

    chain: NDArray[np.float64] = polyfast.sampler(x, samples=10, rng=np.random.default_rng(0))
    chain_rs = polyfast.sampler(x.tolist(), 5, 0.0, 0.5, False, 0.0, 1.0,
                                rng=np.random.RandomState(0))
    chain_global = polyfast.sampler(x)

    single = polyfast.pv_locations(np.abs(x), 0.5, 0.0, 1)
    assert not isinstance(single, list)
    rows = polyfast.pv_locations(np.abs(x).reshape(1, -1), 0.5, 0.0, 1)
    assert isinstance(rows, list)
    values, offsets = polyfast.pv_locations_ragged(np.abs(x).reshape(1, -1), 0.5, 0.0, 1)
    last: int = int(offsets[-1])

    before: int = polyfast.get_num_threads()
    polyfast.set_num_threads(1)
    polyfast.set_num_threads(before)
    level: str = polyfast.get_simd_level()
    cpu: str = polyfast.get_cpu_simd_level()
    polyfast.show_config()

    picture: NDArray[np.int64] = make_fractal((8, 8), 20)
    picture_nb: NDArray[np.int64] = make_fractal_nb((8, 8), 20)
    twins = [notebook.f_simple, notebook.f_numpy, notebook.f_nest_numpy, notebook.f_mem_numpy,
             notebook.f_numba_simple, notebook.f_numba_nest, notebook.f_numba_parallel]
    twin_values = [np.asarray(f(x)) for f in twins]
    ne: NDArray[np.inexact[Any]] = notebook.f_numexper(x.tolist())
    cy: NDArray[np.float64] = notebook.f_cython(x)
    out: NDArray[np.float64] = np.empty_like(x)
    uf = notebook.f_numba_simple_ufunc(x.astype(np.float32))
    notebook.f_numba_nest_ufunc(x, out=out)
    bumps = notebook.pv_locations(np.abs(x), 0.5, 0.0, 1)
    assert not isinstance(bumps, list) and bumps.dtype == np.float32
    nb_pdf = np.asarray(notebook.norm_pdf(0.0, 1.0, x))
    nb_chain: NDArray[np.float64] = notebook.sampler(x, 10, rng=np.random.default_rng(0))
    assert all(v.shape == x.shape for v in twin_values) and ne.shape == cy.shape == uf.shape
    assert nb_pdf.shape == x.shape and nb_chain.shape == (11,)

    assert y.shape == p.shape == counts.shape == pdf.shape
    assert picture.shape == picture_nb.shape
    assert chain.shape == (11,) and chain_rs.shape == (6,) and chain_global.shape == (5,)
    assert values.size == last and level in ("scalar", "avx2", "avx512", "neon") and cpu
    assert np.asarray(count) >= 0 and np.asarray(locations).ndim == 1
    print("typed usage ok")


if __name__ == "__main__":
    main()
