"""A slow, literal pure-Python transcription of the notebook's ``pv_locations``.

The notebook's function (numba, signature ``float32[:](float32[:], float32,
float32, int32)`` with float32 locals ``integral`` and ``sum_weights_locs``)::

    for i in range(len(targets)):
        if targets[i] >= threshold:
            state += 1
            integral += targets[i]
            sum_weights_locs += i * targets[i]
        if (targets[i] < threshold or i == len(targets)-1) and state > 0:
            if state >= min_width and integral >= integral_threshold:
                items[nitems] = sum_weights_locs / integral
                nitems += 1
            state = 0
            integral = 0.0
            sum_weights_locs = 0.0

``accumulate="float32"`` reproduces numba's float32 arithmetic: every value is
a float32, ``integral + targets[i]`` is a float32 sum, ``i * targets[i]`` is
int64 * float32 = float64 (NumPy's promotion, which numba follows) and is added
to the float32 local in float64 then rounded back, and the division is float32.
(Each float32 operation is computed exactly as a float64 operation followed by
one rounding to float32: float64 has more than twice float32's precision, so
the double rounding is harmless.)  ``accumulate="float64"`` keeps the sums in
float64, in the same order as polyfast's C scan, which it must then match to
the last bit before the final rounding.  No cap of 150 items.
"""

from __future__ import annotations

import math
import struct

import numpy as np

_F32 = struct.Struct("f")


def _f32(value: float) -> float:
    """Round a Python float to the nearest float32 (overflow gives inf)."""
    try:
        return _F32.unpack(_F32.pack(value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _same(value: float) -> float:
    return value


def _ieee_div(a: float, b: float) -> float:
    """a / b as IEEE 754 does it (Python raises ZeroDivisionError for b == 0)."""
    if b != 0.0 or math.isnan(b):
        return a / b
    if a == 0.0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def pv_locations_reference(targets, threshold, integral_threshold, min_width, *,
                           dtype=np.float32, accumulate="float32"):
    """The notebook's loop over one row, in `dtype` with sums in `accumulate`."""
    dtype = np.dtype(dtype)
    if accumulate not in ("float32", "float64"):
        raise ValueError(accumulate)
    round_dtype = _f32 if dtype == np.float32 else _same
    round_acc = _f32 if accumulate == "float32" else _same
    values = np.asarray(targets, dtype=dtype).tolist()  # exact Python floats
    with np.errstate(over="ignore"):
        thr = float(dtype.type(threshold))
        ithr = float(dtype.type(integral_threshold))
    n = len(values)
    state = 0
    integral = 0.0
    sum_weights_locs = 0.0
    items = []
    for i in range(n):
        x = values[i]
        if x >= thr:
            state += 1
            integral = round_acc(integral + x)
            sum_weights_locs = round_acc(sum_weights_locs + i * x)
        if (x < thr or i == n - 1) and state > 0:
            if state >= min_width and integral >= ithr:
                items.append(round_dtype(_ieee_div(sum_weights_locs, integral)))
            state = 0
            integral = 0.0
            sum_weights_locs = 0.0
    return np.array(items, dtype=dtype)


def realistic_events(rows: int, bins: int = 4000, *, seed: int = 0, dtype=np.float32):
    """Rows of mostly zeros with 1-20 Gaussian bumps each.

    Each bump has a height in [0.05, 1] and a sigma in [0.75, 3.75] bins (a
    full width at 2 sigma of 3 to 15 bins), drawn over +-6 sigma; bumps may
    overlap. With threshold 1e-2, integral_threshold 0.2 and min_width 3, a
    good share of them are kept and a good share rejected.
    """
    rng = np.random.default_rng(seed)
    nbumps = rng.integers(1, 21, size=rows)
    total = int(nbumps.sum())
    row_of = np.repeat(np.arange(rows), nbumps)
    centers = rng.uniform(0, bins, size=total)
    sigmas = rng.uniform(0.75, 3.75, size=total)
    heights = rng.uniform(0.05, 1.0, size=total)
    offsets = np.arange(-23, 24)
    cols = np.floor(centers)[:, None].astype(np.int64) + offsets[None, :]
    vals = heights[:, None] * np.exp(-0.5 * ((cols - centers[:, None]) / sigmas[:, None]) ** 2)
    inside = (cols >= 0) & (cols < bins)
    out = np.zeros((rows, bins), dtype=np.float64)
    np.add.at(out, (np.broadcast_to(row_of[:, None], cols.shape)[inside], cols[inside]), vals[inside])
    return out.astype(dtype)


# Parameters of the notebook's use.
THRESHOLD = 1e-2
INTEGRAL_THRESHOLD = 0.2
MIN_WIDTH = 3
