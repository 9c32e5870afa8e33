"""polyfast: the hot functions of a Python-performance lecture as NumPy ufuncs in C.

Every function is a real `numpy.ufunc` (or gufunc) with loops written in C,
vectorized for AVX2/AVX-512 when the CPU has them (chosen at import) and split
over a thread pool for large inputs.  ``polyfast.notebook`` holds drop-in twins
of the notebook's functions under their original names.
"""

try:
    # Every ufunc and the runtime's functions: _core.__all__, generated from
    # the spec.py files under src/ (see _core.pyi).
    from polyfast._core import *  # noqa: F403
    from polyfast import _core
except ImportError as exc:  # pragma: no cover - only in a source checkout
    if "polyfast._core" not in str(exc):
        raise
    raise ImportError(
        f"polyfast's C extension is not built next to {__file__}: this is the "
        "source tree. Install with `python -m pip install .` and run from "
        "another directory, or with `python -P` so the current directory is "
        "not searched first."
    ) from exc
from polyfast._bumps import pv_locations, pv_locations_ragged
from polyfast._config import show_config
from polyfast._mcmc import sampler
from polyfast import _threadpoolctl

from polyfast._version import __version__ as __version__

_threadpoolctl._install()  # threadpoolctl sees the pool; imports nothing now

__all__ = ["pv_locations", "pv_locations_ragged", "sampler", "show_config"]
__all__ += _core.__all__  # every ufunc and the runtime's functions
