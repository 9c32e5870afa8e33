/*
 * Python and NumPy's C API for the glue files (the registration code, the
 * bump finder's and the sampler's entry points).  NumPy's API tables are
 * imported once, by module.c, which defines PF_IMPORT_NUMPY_API first; every
 * other file shares them through the unique symbols.
 */
#ifndef POLYFAST_NUMPY_API_H
#define POLYFAST_NUMPY_API_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef PF_IMPORT_NUMPY_API
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#endif
#define PY_ARRAY_UNIQUE_SYMBOL polyfast_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL polyfast_UFUNC_API
#include <numpy/ndarrayobject.h>
#include <numpy/ufuncobject.h>

#endif
