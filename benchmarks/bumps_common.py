"""Shared by bench_bumps.py and report_bumps.py: the data and the contenders."""

from __future__ import annotations

import os
import sys

import numpy as np

import polyfast

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from reference_bumps import (  # noqa: E402
    INTEGRAL_THRESHOLD,
    MIN_WIDTH,
    THRESHOLD,
    realistic_events,
)

EVENTS, BINS = 10_000, 4000
PARAMS = (THRESHOLD, INTEGRAL_THRESHOLD, MIN_WIDTH)


def make_data(events: int = EVENTS, bins: int = BINS) -> np.ndarray:
    """events x bins float32 of the notebook's kind (see tests/reference_bumps.py)."""
    return realistic_events(events, bins, seed=2024, dtype=np.float32)


def notebook_numba():
    """The notebook's pv_locations compiled by numba with its float32 signature, or None."""
    try:
        import numba
    except ImportError:
        return None

    @numba.jit(numba.float32[:](numba.float32[:], numba.float32, numba.float32, numba.int32),
               locals={"integral": numba.float32, "sum_weights_locs": numba.float32},
               nopython=True)
    def pv_locations(targets, threshold, integral_threshold, min_width):
        state = 0
        integral = 0.0
        sum_weights_locs = 0.0
        items = np.empty(150, np.float32)
        nitems = 0
        for i in range(len(targets)):
            if targets[i] >= threshold:
                state += 1
                integral += targets[i]
                sum_weights_locs += i * targets[i]
            if (targets[i] < threshold or i == len(targets) - 1) and state > 0:
                if state >= min_width and integral >= integral_threshold:
                    items[nitems] = sum_weights_locs / integral
                    nitems += 1
                state = 0
                integral = 0.0
                sum_weights_locs = 0.0
        return items[:nitems]

    return pv_locations


def contenders(data: np.ndarray) -> dict:
    """name -> zero-argument callable over `data`; np.sum first (the read limit)."""
    thr, ithr, width = PARAMS
    cases = {
        "np.sum (memory-read limit)": lambda: np.sum(data),
        "pv_locations_ragged": lambda: polyfast.pv_locations_ragged(data, *PARAMS),
        "pv_locations 2-D (list)": lambda: polyfast.pv_locations(data, *PARAMS),
        "find_bumps gufunc (padded)": lambda: polyfast.find_bumps(data, thr, ithr, width),
        "loop over rows, polyfast 1-D": lambda: [polyfast.pv_locations(row, *PARAMS) for row in data],
    }
    nb = notebook_numba()
    if nb is not None:
        nb(data[0], *PARAMS)  # compiled already (signature given); one warm call
        cases["loop over rows, numba (notebook)"] = lambda: [nb(row, *PARAMS) for row in data]
    return cases
