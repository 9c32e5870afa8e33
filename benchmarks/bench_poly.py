"""poly8 against NumPy, numexpr, numba and a plain copy, in one pytest-benchmark run.

Run from the repository root::

    pytest benchmarks/bench_poly.py --benchmark-only
    pytest benchmarks/bench_poly.py --benchmark-only --benchmark-columns=min,median,rounds

Every engine of ``poly_engines.ENGINES`` runs on each input of
``poly_engines.DATASETS`` (the notebook's seeded normal vector at 1M and 10M
float64 and 1M float32).  Each input is a benchmark group, so the table of a
group lists the engines with their ratio to the fastest in parentheses;
``np.copyto(out, x)`` is the memory-traffic bound.  Engines whose module
(numexpr, numba) is not installed are skipped.  Before timing, each engine is
called once (numba compiles then; the time goes to ``extra_info``) and its
result is checked against the notebook's ``f_nest_numpy`` in float64.
Calls slower than 0.1 s (the notebook's ``f_numpy``) are timed over 3 rounds
only.

``benchmarks/report_poly.py`` times the same engines without pytest and prints
the ratios against the project's targets.
"""

from __future__ import annotations

import time

import pytest

pytest.importorskip("pytest_benchmark")

from poly_engines import DATASETS, ENGINES, engine_id  # noqa: E402

from polyfast.bench import timing  # noqa: E402


@pytest.mark.parametrize("engine", ENGINES, ids=engine_id)
@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.id)
def test_poly8(benchmark, dataset_arrays, dataset, engine):
    if engine.requires:
        pytest.importorskip(engine.requires)
    x, reference = dataset_arrays(dataset)
    benchmark.group = f"poly8 {dataset.label}"
    benchmark.extra_info.update(engine=engine.name, family=engine.family,
                                polyfast_threads=engine.threads)
    with timing.polyfast_threads(engine.threads):
        start = time.perf_counter()
        fn = engine.make(x)
        result = fn()  # warm-up; numba and numexpr compile here
        benchmark.extra_info["first_call_s"] = time.perf_counter() - start
        if engine.check:
            assert result.dtype == x.dtype
            assert dataset.same(result, reference), engine.name
        del result
        start = time.perf_counter()
        fn()
        slow = time.perf_counter() - start > 0.1
        time.sleep(0.05)  # let OpenMP's spinning workers (numba) go idle
        if slow:
            benchmark.pedantic(fn, rounds=3, iterations=1)
        else:
            benchmark(fn)
