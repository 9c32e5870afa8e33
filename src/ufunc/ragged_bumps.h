/* The ragged entry point of the bump finder, a function of polyfast._core. */
#ifndef POLYFAST_RAGGED_BUMPS_H
#define POLYFAST_RAGGED_BUMPS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* _find_bumps_ragged(targets, threshold, integral_threshold, min_width, as_list)
 * -> (values, offsets), or a list of per-row views of values when as_list. */
PyObject *pf_find_bumps_ragged(PyObject *self, PyObject *args);

#define PF_FIND_BUMPS_RAGGED_DOC                                             \
    "_find_bumps_ragged(targets, threshold, integral_threshold, min_width, as_list, /)\n" \
    "--\n\n"                                                                 \
    "Private: the scan of polyfast.pv_locations_ragged over a 2-D float32 or\n" \
    "float64 array (any strides), rows spread over the thread pool. Use the\n" \
    "public wrappers, which check the arguments."

#endif
