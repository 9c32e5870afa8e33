"""The bump finder's Python layer: argument checks around polyfast._core.

The scans run in C (`polyfast.find_bumps`, and ``_core._find_bumps_ragged``
for the unpadded results); this module only checks and converts arguments.
"""

from __future__ import annotations

import operator
import struct
from typing import Any, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from polyfast import _core

__all__ = ["pv_locations", "pv_locations_ragged"]

#: A real scalar: Python or NumPy int/float, or a 0-d real array.
RealScalar = Union[int, float, np.integer[Any], np.floating[Any], NDArray[Any]]
#: An integer: Python int or NumPy integer (not bool, not float).
Integer = Union[int, np.integer[Any]]
Locations = NDArray[np.floating[Any]]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_F32 = struct.Struct("f")
_FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # native byte order


def _targets(func: str, name: str, targets: object, ndims: tuple[int, ...]) -> NDArray[Any]:
    """`targets` as an ndarray of float32 (kept) or float64 (anything else)."""
    if type(targets) is np.ndarray and targets.dtype in _FAST_DTYPES and targets.ndim in ndims:
        return targets  # the common case, without the checks' overhead
    if isinstance(targets, (str, bytes)):
        raise TypeError(
            f"{func}() argument '{name}' must be a numeric array, not {type(targets).__name__}"
        )
    try:
        arr = np.asarray(targets)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(f"{func}() argument '{name}' is not a rectangular array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{func}() argument '{name}' must be a real numeric array, got dtype {arr.dtype}"
        )
    if arr.ndim not in ndims:
        wanted = " or ".join(f"{n}-D" for n in ndims)
        raise ValueError(f"{func}() argument '{name}' must be {wanted}, got {arr.ndim}-D")
    dtype = np.float32 if arr.dtype.type is np.float32 else np.float64  # also '>f4'
    # Keeps any strides or order (the scan handles them); converts dtype,
    # byte order and alignment only when needed.
    return np.asarray(arr, dtype=dtype)


def _threshold(func: str, name: str, value: object, dtype: np.dtype[Any]) -> float:
    """A real scalar, rounded to the targets' dtype (as the notebook's float32 signature does)."""
    if type(value) is float or type(value) is int:  # the common case, quickly
        try:
            value = float(value)
            return value if dtype == np.float64 else _F32.unpack(_F32.pack(value))[0]
        except OverflowError:  # beyond float32 (inf below) or a huge int
            pass
    what = f"{func}() argument '{name}' must be a real scalar"
    if not isinstance(value, (int, float, np.generic, np.ndarray)):
        raise TypeError(f"{what}, not {type(value).__name__}")
    arr = np.asarray(value)
    if arr.ndim != 0:
        raise TypeError(f"{what}, got an array of shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}, got dtype {arr.dtype}")
    with np.errstate(over="ignore"):  # 1e300 -> inf in float32, like the notebook's cast
        return float(arr.astype(dtype))


def _min_width(func: str, value: object) -> int:
    """An integer (not bool, not a float even if integral), clipped to int64."""
    if type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
        return value
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "b"
    ):
        raise TypeError(f"{func}() argument 'min_width' must be an integer, not bool")
    if isinstance(value, np.ndarray) and value.ndim != 0:
        raise TypeError(
            f"{func}() argument 'min_width' must be an integer, got an array of shape {value.shape}"
        )
    try:
        width = operator.index(value)  # type: ignore[call-overload,arg-type,unused-ignore]
    except TypeError:
        raise TypeError(
            f"{func}() argument 'min_width' must be an integer, not {type(value).__name__}"
        ) from None
    # A run is never longer than 2**63 - 1 items, so clipping changes nothing.
    return min(max(width, _INT64_MIN), _INT64_MAX)


def _arguments(
    func: str, name: str, targets: object, threshold: object, integral_threshold: object,
    min_width: object, ndims: tuple[int, ...],
) -> tuple[NDArray[Any], float, float, int]:
    arr = _targets(func, name, targets, ndims)
    return (
        arr,
        _threshold(func, "threshold", threshold, arr.dtype),
        _threshold(func, "integral_threshold", integral_threshold, arr.dtype),
        _min_width(func, min_width),
    )


def pv_locations(
    targets: ArrayLike,
    threshold: RealScalar,
    integral_threshold: RealScalar,
    min_width: Integer,
) -> Locations | list[Locations]:
    """Locations of the bumps in `targets`: the lecture notebook's bump finder.

    A bump is a maximal run of ``targets[i] >= threshold``. It is kept when its
    length is ``>= min_width`` and its sum is ``>= integral_threshold``; its
    location is ``sum(i * targets[i]) / sum(targets[i])`` over the run. As in the
    notebook, a run that reaches the last element is closed there, and a NaN
    neither extends nor ends a run (it is left out of the sums). Unlike the
    notebook there is no cap of 150 bumps.

    Both thresholds are first rounded to the dtype of `targets` (float32 or
    float64), as the notebook's float32 signature does; comparisons of the
    items are made in that dtype and the float64 sum is compared with the
    rounded `integral_threshold`. Sums are accumulated in float64, so the
    bumps found are the notebook's and the locations are at least as accurate.

    Parameters
    ----------
    targets : array_like, 1-D or 2-D
        Real numbers. float32 stays float32; every other numeric dtype is
        converted to float64. A 2-D array is a batch of rows (events x bins),
        scanned in one call into C, rows spread over the thread pool; any
        strides or memory order.
    threshold : real scalar
        The level a bin must reach to belong to a bump. A NaN threshold finds
        nothing.
    integral_threshold : real scalar
        The least sum of a kept bump.
    min_width : int
        The least number of bins of a kept bump (an integer, not a float or a
        bool; 0 or negative keeps every run).

    Returns
    -------
    locations : ndarray or list of ndarray
        For 1-D `targets`, the locations in order, float32 for float32 input
        and float64 otherwise. For 2-D `targets`, a list with one such array
        per row (views into one shared buffer).

    Raises
    ------
    TypeError
        If `targets` is not real numeric, a threshold is not a real scalar, or
        `min_width` is not an integer.
    ValueError
        If `targets` is 0-D or has more than two dimensions.

    See Also
    --------
    pv_locations_ragged : All rows' locations in one array, with offsets.
    find_bumps : The scan as a gufunc with padded output.

    Notes
    -----
    A kept bump whose sum is 0 (possible only with ``threshold <= 0``) has
    location ``0/0 = nan``, and one containing ``inf`` has ``inf/inf = nan``,
    where the notebook's numba function would raise ZeroDivisionError for the
    former.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> t = np.zeros(20, dtype=np.float32)
    >>> t[3:6] = [0.5, 1.0, 0.5]
    >>> t[10] = 2.0          # too narrow for min_width=2
    >>> t[17:] = 1.0         # reaches the last bin: closed there
    >>> polyfast.pv_locations(t, 0.1, 0.5, 2)
    array([ 4., 18.], dtype=float32)
    >>> polyfast.pv_locations([[0, 1, 1, 0], [1, 0, 0, 3]], 0.5, 0.0, 1)
    [array([1.5]), array([0., 3.])]
    """
    arr, thr, ithr, width = _arguments(
        "pv_locations", "targets", targets, threshold, integral_threshold, min_width, (1, 2)
    )
    if arr.ndim == 1:
        values, _ = _core._find_bumps_ragged(arr[np.newaxis], thr, ithr, width, False)
        return values
    return _core._find_bumps_ragged(arr, thr, ithr, width, True)


def pv_locations_ragged(
    targets2d: ArrayLike,
    threshold: RealScalar,
    integral_threshold: RealScalar,
    min_width: Integer,
) -> tuple[Locations, NDArray[np.int64]]:
    """Bump locations of every row of `targets2d`, as one array and offsets.

    The scan of `pv_locations` (same definition, thresholds rounded to the
    dtype of the targets, float64 sums), over the rows of a 2-D array in one
    call into C with the rows spread over the thread pool. The input is read
    once (only rows whose locations overflow the scan's buffer, which holds
    up to a quarter of the input's items, are read twice); the result is
    allocated at its exact size (no padded ``rows x (n + 1) // 2``
    intermediate).

    Parameters
    ----------
    targets2d : array_like, 2-D
        Rows (events x bins) of real numbers; float32 stays float32, other
        numeric dtypes become float64. Any strides or memory order.
    threshold : real scalar
        The level a bin must reach to belong to a bump.
    integral_threshold : real scalar
        The least sum of a kept bump.
    min_width : int
        The least number of bins of a kept bump.

    Returns
    -------
    values : ndarray
        All locations, row after row, float32 for float32 input, else float64.
    offsets : ndarray of int64
        Length ``rows + 1``; row ``r``'s locations are
        ``values[offsets[r]:offsets[r + 1]]``.

    Raises
    ------
    TypeError
        If `targets2d` is not real numeric, a threshold is not a real scalar,
        or `min_width` is not an integer.
    ValueError
        If `targets2d` is not 2-D.

    See Also
    --------
    pv_locations : A list with one array per row.
    find_bumps : The scan as a gufunc with padded output.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> t = np.array([[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0, 3]], dtype=np.float32)
    >>> values, offsets = polyfast.pv_locations_ragged(t, 0.5, 0.0, 1)
    >>> values
    array([1.5, 0. , 3. ], dtype=float32)
    >>> offsets
    array([0, 1, 1, 3])
    >>> values[offsets[2]:offsets[3]]
    array([0., 3.], dtype=float32)
    """
    arr, thr, ithr, width = _arguments(
        "pv_locations_ragged", "targets2d", targets2d, threshold, integral_threshold, min_width, (2,)
    )
    return _core._find_bumps_ragged(arr, thr, ithr, width, False)
