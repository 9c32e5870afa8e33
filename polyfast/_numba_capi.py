"""The C entry points numba binds, as the capsule table numba looks up.

`numba.extending.get_cython_function_address` reads a module's
``__pyx_capi__``; this module is that module for polyfast (the capsules come
from polyfast/_core, src/module/numba_glue.c).  Imported only by
polyfast/_numba.py, numba's hook.
"""

from polyfast._core import _numba_capsules

__pyx_capi__ = _numba_capsules()
