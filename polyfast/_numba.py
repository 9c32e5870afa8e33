"""polyfast inside numba-compiled code: numba's ``numba_extensions`` hook.

numba runs `init` (pyproject.toml's ``[project.entry-points.numba_extensions]``)
before its first compile; ``import polyfast`` never imports this module.  It
registers a `numba.extending.overload` on every polyfast ufunc object, built
from the ufunc itself (its loops, ``nin``, ``nout``, core signature), so a
ufunc added to a spec.py is callable from numba with no line here:

- all-scalar arguments of an elementwise ufunc call its scalar-level kernel
  (every level gives the same bits) on one item, on the calling thread,
  without the pool or Python: safe in ``prange`` and ``@vectorize``;
- array arguments give a new array, filled through the ufunc's own inner loop
  (src/module/parallel_loop.c: same kernel, same thread pool, Ctrl-C
  honoured), one call for C-contiguous operands, one per innermost row
  otherwise;
- a gufunc with one output (``polyval``, ``mandelbrot_grid``) takes its core
  operands as arrays of exactly their core dimensions and any shape for its
  elementwise operands.

The C side is one entry point for arrays, the address of each loop's data
and of its scalar-level kernel
(src/module/numba_glue.c), fetched with
`numba.extending.get_cython_function_address` and bound to symbol names with
`llvmlite.binding.add_symbol`: compiled code names them, so numba's on-disk
cache (``cache=True``) loads in another process.  numba turns an exception
in an extension hook into a warning that only names the exception; `init`
raises one that says which step failed.
"""

from __future__ import annotations

import ctypes
import re

import numpy as np

from polyfast import _core

# The C signatures src/module/numba_glue.c names its capsules with.
LOOP_SIGNATURE = "void (const pf_loop_data *, char **, const npy_intp *, const npy_intp *)"
KERNEL_SIGNATURE = "void (char *const *, intptr_t, const intptr_t *, const intptr_t *, unsigned)"
DATA_NAME = "const pf_loop_data"
# A scalar entry's C types (src/module/numba_points.h): a complex operand is
# passed as two values.
SCALAR_C_TYPES = {"float32": ["float"], "float64": ["double"], "complex64": ["float", "float"],
                  "complex128": ["double", "double"], "int64": ["int64_t"]}
CAPI_MODULE = "polyfast._numba_capi"
LOOP_SYMBOL = "polyfast_numba_loop"

# What stays Python-level, with the reason the typing error gives.
PYTHON_LEVEL = {
    "find_bumps": "a gufunc with two outputs (locations and count)",
    "pv_locations": "it returns a list of arrays of different lengths",
    "pv_locations_ragged": "it returns a tuple of arrays sized by the data",
    "sampler": "it draws from a NumPy random generator's state",
}

_KINDS = "biufc"  # bool < int < float < complex, as NumPy's legacy rule ranks them

_initialized = False
# The loops with a scalar entry ("mandelbrot.1.scalar"), bound by init.
scalar_entries: set[str] = set()


class NumbaHookError(RuntimeError):
    """What failed while polyfast registered itself with numba."""


def init() -> None:
    """Register polyfast with numba (its ``numba_extensions`` entry point).

    Idempotent and cheap: a capsule table, a few symbols and lazy overloads.

    Raises
    ------
    NumbaHookError
        Saying which step failed; numba shows it in its warning.
    """
    global _initialized
    if _initialized:
        return
    step = "importing numba and llvmlite"
    try:
        import llvmlite.binding as llvm
        from numba.core.extending import get_cython_function_address

        step = f"reading the capsule table of {CAPI_MODULE}"
        import importlib

        capsules = importlib.import_module(CAPI_MODULE).__pyx_capi__
        step = "checking the C signatures of the capsules"
        check_signatures(capsules)
        step = "binding the C entry points with llvmlite.binding.add_symbol"
        llvm.add_symbol(LOOP_SYMBOL, get_cython_function_address(CAPI_MODULE, "loop"))
        for key in capsules:
            if key != "loop":
                llvm.add_symbol(data_symbol(key), get_cython_function_address(CAPI_MODULE, key))
        scalar_entries.update(key for key in capsules if key.endswith(".scalar"))
        step = "registering the overloads"
        from polyfast import _numba_overloads

        _numba_overloads.register()
    except Exception as exc:
        raise NumbaHookError(f"polyfast's numba hook failed while {step}: "
                             f"{type(exc).__name__}: {exc}") from exc
    _initialized = True


def data_symbol(key: str) -> str:
    """The symbol bound to capsule ``key``: ``"ufunc.i"`` (loop i's data) or
    ``"ufunc.i.point"`` (its scalar-level kernel) or ``"ufunc.i.scalar"`` (its
    scalar entry, values in and out, when the spec declares one)."""
    return "polyfast_numba_" + key.replace(".", "_")


def capsule_name(capsule: object) -> str:
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    name = get_name(capsule)
    return name.decode() if name is not None else ""


def check_signatures(capsules: dict) -> None:
    """Every capsule carries the C signature this module calls it with."""
    for key, capsule in capsules.items():
        got = capsule_name(capsule)
        if key != "loop":
            name, _, index = key.removesuffix(".point").removesuffix(".scalar").partition(".")
            # _core's: private ufuncs (_mandelbrot_grid_shifted) export their
            # loops too, though no overload is registered for them.
            ufunc = getattr(_core, name, None)
            if not isinstance(ufunc, np.ufunc) or not index.isdigit() \
                    or int(index) >= ufunc.ntypes:
                raise TypeError(f"capsule {key!r} names no loop of a polyfast ufunc")
        want = (LOOP_SIGNATURE if key == "loop" else
                KERNEL_SIGNATURE if key.endswith(".point") else
                scalar_signature(ufunc, int(index)) if key.endswith(".scalar") else DATA_NAME)
        if got != want:
            raise TypeError(f"capsule {key!r} of {CAPI_MODULE} is {got!r}, expected {want!r}")
    if "loop" not in capsules:
        raise TypeError(f"{CAPI_MODULE} has no capsule 'loop'")


def scalar_signature(ufunc: np.ufunc, index: int) -> str:
    """The C signature of loop ``index``'s scalar entry, from the loop's
    types: ``"int64_t (double, double, int64_t)"`` for mandelbrot's
    complex128 loop."""
    ins, out = ufunc.types[index].split("->")
    try:
        params = [c for t in ins for c in SCALAR_C_TYPES[np.dtype(t).name]]
        result = SCALAR_C_TYPES[np.dtype(out).name]
    except KeyError as exc:
        raise TypeError(f"{ufunc.__name__} loop {ufunc.types[index]}: no scalar entry "
                        f"type for {exc}") from None
    return f"{result[0]} ({', '.join(params)})"


def parse_core_signature(signature: str) -> list[list[tuple[str, ...]]]:
    """``"(n),(m),()->(m,n)"`` -> ([("n",), ("m",), ()], [("m", "n")])."""
    sides = signature.replace(" ", "").split("->")
    return [[tuple(d for d in group.split(",") if d)
             for group in re.findall(r"\(([^)]*)\)", side)] for side in sides]
