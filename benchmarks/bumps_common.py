"""Shared by bench_bumps.py and report_bumps.py: the data and the contenders.

The data and the notebook's function come from `polyfast.bench.baselines`.
"""

from __future__ import annotations

import numpy as np

import polyfast
from polyfast.bench import baselines
from polyfast.bench.baselines import BINS, BUMP_PARAMS as PARAMS, EVENTS, bump_data as make_data

__all__ = ["BINS", "EVENTS", "PARAMS", "contenders", "make_data"]


def notebook_numba():
    """The notebook's pv_locations compiled by numba with its float32 signature, or None."""
    try:
        return baselines.pv_locations_numba()
    except ImportError:
        return None


def contenders(data: np.ndarray) -> dict:
    """name -> zero-argument callable over `data`; np.sum first (the read limit)."""
    thr, ithr, width = PARAMS
    cases = {
        "np.sum (memory-read limit)": lambda: np.sum(data),
        "pv_locations_ragged": lambda: polyfast.pv_locations_ragged(data, *PARAMS),
        "pv_locations 2-D (list)": lambda: polyfast.pv_locations(data, *PARAMS),
        "find_bumps gufunc (padded)": lambda: polyfast.find_bumps(data, thr, ithr, width),
        "loop over rows, polyfast 1-D":
            lambda: baselines.pv_locations_rows(polyfast.pv_locations, data),
    }
    nb = notebook_numba()
    if nb is not None:
        nb(data[0], *PARAMS)  # compiled already (signature given); one warm call
        cases["loop over rows, numba (notebook)"] = lambda: baselines.pv_locations_rows(nb, data)
    return cases
