"""pytest configuration for the benchmarks (pytest-benchmark).

Run from the repository root, e.g.::

    pytest benchmarks --benchmark-only               # every bench_*.py
    pytest benchmarks/bench_poly.py --benchmark-only

This folder is put on ``sys.path`` by pytest, so the benchmark files import
the shared engine list from ``poly_engines``.
"""

from __future__ import annotations

import pytest

from polyfast.bench import baselines, timing
from polyfast._config import config_dict


def pytest_collect_file(file_path, parent):
    """Collect ``bench_*.py`` files, so that ``pytest benchmarks`` finds them.

    pytest's own pattern is ``test_*.py``; a file named on the command line is
    collected by pytest itself whatever its name.
    """
    if (file_path.suffix == ".py" and file_path.name.startswith("bench_")
            and not parent.session.isinitpath(file_path)):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def pytest_report_header(config):
    """Say which engines, versions and thread counts are compared."""
    return [f"{name}: {line}" for name, line in timing.engine_versions().items()]


def pytest_benchmark_update_machine_info(config, machine_info):
    """Record polyfast's configuration with saved benchmark results."""
    machine_info["polyfast"] = config_dict()


@pytest.fixture(scope="session")
def dataset_arrays():
    """``get(dataset)`` → ``(x, reference)``, built once per dataset.

    ``reference`` is the notebook's ``f_nest_numpy`` evaluated in float64.
    Only the most recent dataset is kept, so that the 10M arrays do not stay
    in memory for the rest of the session.
    """
    cache = {}

    def get(dataset):
        if dataset not in cache:
            cache.clear()
            x = dataset.array()
            cache[dataset] = (x, baselines.f_nest_numpy(x.astype("float64")))
        return cache[dataset]

    return get
