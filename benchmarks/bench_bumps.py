"""pytest-benchmark: the bump finder on 10,000 events x 4000 bins float32.

    PYTHONPATH=<site> pytest benchmarks/bench_bumps.py --benchmark-only

Compare the rows of one run: np.sum is the memory-read limit, the numba row
loop the notebook's own speed (skipped when numba is absent).
"""

import pytest

from bumps_common import contenders, make_data


@pytest.fixture(scope="module")
def cases():
    return contenders(make_data())


NAMES = [
    "np.sum (memory-read limit)",
    "pv_locations_ragged",
    "pv_locations 2-D (list)",
    "find_bumps gufunc (padded)",
    "loop over rows, polyfast 1-D",
    "loop over rows, numba (notebook)",
]


@pytest.mark.parametrize("name", NAMES)
def test_bumps(benchmark, cases, name):
    if name not in cases:
        pytest.skip("numba is not installed")
    benchmark.group = "pv_locations 10000x4000 float32"
    benchmark(cases[name])
