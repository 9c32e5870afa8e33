"""pytest-benchmark: make_fractal, polyfast against the notebook's NumPy
version and its numba loop version, at the notebook's 500x500x50 and at
2000x2000x200.  Run with ``pytest benchmarks/bench_mandelbrot.py
--benchmark-only --benchmark-group-by=param:case``; the numba rows are
skipped when numba is absent.  benchmarks/report_mandelbrot.py prints the
same comparison as a table of ratios."""

import numpy as np
import pytest

import polyfast
from polyfast.bench import baselines
from polyfast.notebook import make_fractal

CASES = {"500x500x50": ((500, 500), 50), "2000x2000x200": ((2000, 2000), 200)}


@pytest.fixture(scope="module")
def numba_loop():
    pytest.importorskip("numba")
    return baselines.make_fractal_nb_numba()


@pytest.mark.parametrize("case", CASES)
def test_polyfast(benchmark, case):
    size, iterations = CASES[case]
    benchmark.extra_info["threads"] = polyfast.get_num_threads()
    benchmark.extra_info["simd"] = polyfast.get_simd_level()
    result = benchmark(make_fractal, size, iterations)
    assert result.shape == (size[1], size[0])


@pytest.mark.parametrize("case", CASES)
def test_polyfast_one_thread(benchmark, case):
    size, iterations = CASES[case]
    before = polyfast.get_num_threads()
    polyfast.set_num_threads(1)
    try:
        benchmark(make_fractal, size, iterations)
    finally:
        polyfast.set_num_threads(before)


@pytest.mark.parametrize("case", CASES)
def test_notebook_numpy(benchmark, case):
    size, iterations = CASES[case]
    with np.errstate(all="ignore"):
        result = benchmark.pedantic(
            baselines.make_fractal, (size, iterations), rounds=3, warmup_rounds=0
        )
    np.testing.assert_array_equal(make_fractal(size, iterations), result)


@pytest.mark.parametrize("case", CASES)
def test_notebook_numba_loop(benchmark, case, numba_loop):
    size, iterations = CASES[case]
    benchmark.pedantic(numba_loop, (size, iterations), rounds=5, warmup_rounds=1)
