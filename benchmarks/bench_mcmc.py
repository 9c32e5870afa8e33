"""pytest-benchmark: polyfast.sampler against the notebook's NumPy and numba samplers.

    PYTHONPATH=<install> pytest benchmarks/bench_mcmc.py --benchmark-only
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from _mcmc_engines import CASES, case_data, engines  # noqa: E402

pytest.importorskip("pytest_benchmark")

ENGINES = engines()


@pytest.mark.parametrize("case", CASES, ids=[c[0].replace(" ", "") for c in CASES])
@pytest.mark.parametrize("engine", ["polyfast", "polyfast (Generator)", "numba", "numpy"])
def test_sampler(benchmark, engine, case):
    if engine not in ENGINES:
        pytest.skip(f"{engine} is not installed")
    label, n, samples = case
    data = case_data(n)
    fn = ENGINES[engine]
    benchmark.group = f"sampler {label}"
    if engine == "numpy" and n > 1000:
        benchmark.pedantic(fn, args=(data, samples), rounds=3, iterations=1)
    else:
        benchmark(fn, data, samples)
