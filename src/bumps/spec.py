"""The bump finder: the gufunc find_bumps and the ragged entry point behind
pv_locations / pv_locations_ragged (kernels: bumps.h, bumps_scan_body.h,
bumps_simd_skip_body.h, bumps_scalar.c, bumps_simd.c; Python glue:
bumps_glue.c)."""

ufunc(
    "find_bumps",
    signature="(n),(),(),()->(m),()",
    loops={
        "f32,f32,f32,i64->f32,i64": "simd",
        "f64,f64,f64,i64->f64,i64": "simd",
    },
    # m >= (n + 1) // 2, checked or set by pf_find_bumps_process_core_dims.
    process_core_dims=True,
    out_dims={"m": "(n + 1) / 2"},
    # Items in all (rows times their length), as for the elementwise ufuncs:
    # below, waking a worker costs more than it saves.  A block is at least
    # one whole row.  The ragged entry point splits its rows by the same numbers.
    min_parallel=16384,
    grain=1,
    doc="""
    Find the bumps of each row: the notebook's ``pv_locations`` scan as a gufunc.

    Signature ``(n),(),(),()->(m),()`` with ``m = (n + 1) // 2``, the most bumps
    a row of ``n`` items can hold (NumPy sizes the output; no allocation by
    hand). A bump is a maximal run of ``targets[i] >= threshold``; a NaN neither
    extends nor ends a run, and a run reaching the last item is closed there.
    A bump is kept when its length is ``>= min_width`` and its sum is
    ``>= integral_threshold``; its location is ``sum(i * targets[i]) /
    sum(targets[i])`` over the run, ``i`` counted from the start of the row.
    Sums are accumulated in float64. The float32 loop compares in float32:
    the thresholds are cast to the dtype of the loop, and the float64 integral
    is compared with the cast ``integral_threshold``. Most callers want
    `pv_locations` or `pv_locations_ragged`, which return unpadded results.

    Parameters
    ----------
    targets : array_like
        Rows to scan along the last axis (``axes=`` picks another); float32 and
        float64 have loops, other numeric types are cast to float64.
    threshold, integral_threshold : array_like
        Per-row thresholds, broadcast against the leading dimensions of
        ``targets``.
    min_width : array_like of int
        Per-row minimum run length, int64.
    out : tuple of ndarray, optional
        ``(locations, count)``; ``locations`` must have a last axis of at least
        ``(n + 1) // 2`` (longer is allowed and padded).
    **kwargs
        Other keyword arguments of generalized ufuncs (``dtype``, ``casting``,
        ``axes``).

    Returns
    -------
    locations : ndarray
        Shape ``(..., m)``: the locations of each row's bumps in order, then NaN
        padding. float32 for the float32 loop, else float64.
    count : ndarray of int64
        Shape ``(...)``: how many bumps each row has; ``locations[..., :count]``
        are the valid ones.

    See Also
    --------
    pv_locations : The notebook's function: unpadded locations, a list for 2-D.
    pv_locations_ragged : All rows' locations in one array, with offsets.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> t = np.array([0, 1, 1, 0, 0, 2, 0, 0, 3, 3], dtype=np.float32)
    >>> polyfast.find_bumps(t, 0.5, 0.0, 1)
    (array([1.5, 5. , 8.5, nan, nan], dtype=float32), np.int64(3))
    >>> loc, count = polyfast.find_bumps([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], 0.5, 0.0, 1)
    >>> loc
    array([[ 1., nan],
           [ 0.,  2.]])
    >>> count
    array([1, 2])
    """,
)

function(
    "_find_bumps_ragged",
    args="(targets, threshold, integral_threshold, min_width, as_list, /)",
    stub="""
        @overload
        def _find_bumps_ragged(
            targets: np.ndarray, threshold: float, integral_threshold: float, min_width: int,
            as_list: Literal[False], /,
        ) -> tuple[np.ndarray, np.ndarray]: ...
        @overload
        def _find_bumps_ragged(
            targets: np.ndarray, threshold: float, integral_threshold: float, min_width: int,
            as_list: Literal[True], /,
        ) -> list[np.ndarray]: ...
    """,
    doc="""
        Private: the scan of polyfast.pv_locations_ragged over a 2-D float32 or
        float64 array (any strides), rows spread over the thread pool. Use the
        public wrappers, which check the arguments.

        Returns ``(values, offsets)``, or a list of per-row views of ``values``
        when ``as_list``.
    """,
)
