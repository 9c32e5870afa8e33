/* The bump finder's gufunc: find_bumps. */
#include "ufunc/ufunc_spec.h"

#include "kernels/bumps.h"

#define PF_LEVELS(base) {base##_scalar, base##_avx2, base##_avx512}

/* core_dim_sizes = {n, m}.  m is -1 unless the caller passed out=; then it
 * must have room for the most bumps a row can hold. */
static int find_bumps_core_dims(PyUFuncObject *ufunc, npy_intp *core_dim_sizes)
{
    (void)ufunc;
    const npy_intp n = core_dim_sizes[0];
    const npy_intp needed = pf_bumps_max_count(n);
    if (core_dim_sizes[1] == -1) {
        core_dim_sizes[1] = needed;
        return 0;
    }
    if (core_dim_sizes[1] < needed) {
        PyErr_Format(PyExc_ValueError,
                     "find_bumps: the locations output has core dimension m=%zd, but a row "
                     "of n=%zd items can hold (n + 1) // 2 = %zd bumps",
                     (Py_ssize_t)core_dim_sizes[1], (Py_ssize_t)n, (Py_ssize_t)needed);
        return -1;
    }
    return 0;
}

static const pf_loop_spec find_bumps_loops[] = {
    {{NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_INT64, NPY_FLOAT, NPY_INT64},
     PF_LEVELS(pf_find_bumps_f32)},
    {{NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT64, NPY_DOUBLE, NPY_INT64},
     PF_LEVELS(pf_find_bumps_f64)},
};

/* An outer item is a whole row: the pool's blocks (at least 64 rows) already
 * carry plenty of work, so any call with two blocks or more goes parallel. */
const pf_ufunc_spec pf_spec_find_bumps = {
    .name = "find_bumps",
    .signature = "(n),(),(),()->(m),()",
    .nin = 4,
    .nout = 2,
    .min_parallel = 128,
    .grain = 1,
    .process_core_dims = find_bumps_core_dims,
    .nloops = sizeof find_bumps_loops / sizeof find_bumps_loops[0],
    .loops = find_bumps_loops,
    .doc =
        "Find the bumps of each row: the notebook's ``pv_locations`` scan as a gufunc.\n"
        "\n"
        "Signature ``(n),(),(),()->(m),()`` with ``m = (n + 1) // 2``, the most bumps\n"
        "a row of ``n`` items can hold (NumPy sizes the output; no allocation by\n"
        "hand). A bump is a maximal run of ``targets[i] >= threshold``; a NaN neither\n"
        "extends nor ends a run, and a run reaching the last item is closed there.\n"
        "A bump is kept when its length is ``>= min_width`` and its sum is\n"
        "``>= integral_threshold``; its location is ``sum(i * targets[i]) /\n"
        "sum(targets[i])`` over the run, ``i`` counted from the start of the row.\n"
        "Sums are accumulated in float64. The float32 loop compares in float32:\n"
        "the thresholds are cast to the dtype of the loop, and the float64 integral\n"
        "is compared with the cast ``integral_threshold``. Most callers want\n"
        "`pv_locations` or `pv_locations_ragged`, which return unpadded results.\n"
        "\n"
        "Parameters\n"
        "----------\n"
        "targets : array_like\n"
        "    Rows to scan along the last axis (``axes=`` picks another); float32 and\n"
        "    float64 have loops, other numeric types are cast to float64.\n"
        "threshold, integral_threshold : array_like\n"
        "    Per-row thresholds, broadcast against the leading dimensions of\n"
        "    ``targets``.\n"
        "min_width : array_like of int\n"
        "    Per-row minimum run length, int64.\n"
        "out : tuple of ndarray, optional\n"
        "    ``(locations, count)``; ``locations`` must have a last axis of at least\n"
        "    ``(n + 1) // 2`` (longer is allowed and padded).\n"
        "**kwargs\n"
        "    Other keyword arguments of generalized ufuncs (``dtype``, ``casting``,\n"
        "    ``axes``).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "locations : ndarray\n"
        "    Shape ``(..., m)``: the locations of each row's bumps in order, then NaN\n"
        "    padding. float32 for the float32 loop, else float64.\n"
        "count : ndarray of int64\n"
        "    Shape ``(...)``: how many bumps each row has; ``locations[..., :count]``\n"
        "    are the valid ones.\n"
        "\n"
        "See Also\n"
        "--------\n"
        "pv_locations : The notebook's function: unpadded locations, a list for 2-D.\n"
        "pv_locations_ragged : All rows' locations in one array, with offsets.\n"
        "\n"
        "Examples\n"
        "--------\n"
        ">>> import numpy as np\n"
        ">>> import polyfast\n"
        ">>> t = np.array([0, 1, 1, 0, 0, 2, 0, 0, 3, 3], dtype=np.float32)\n"
        ">>> polyfast.find_bumps(t, 0.5, 0.0, 1)\n"
        "(array([1.5, 5. , 8.5, nan, nan], dtype=float32), np.int64(3))\n"
        ">>> loc, count = polyfast.find_bumps([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], 0.5, 0.0, 1)\n"
        ">>> loc\n"
        "array([[ 1., nan],\n"
        "       [ 0.,  2.]])\n"
        ">>> count\n"
        "array([1, 2])\n",
};
