"""Reporting of polyfast's build and run-time configuration."""

from __future__ import annotations

import platform
import sys

import numpy as np

from polyfast import _core


def config_dict() -> dict[str, str | int]:
    """Return the configuration that `show_config` prints, as a dictionary.

    Returns
    -------
    dict
        Keys ``polyfast``, ``numpy``, ``python``, ``machine``, ``simd_level``,
        ``cpu_simd_level`` and ``num_threads``.

    Examples
    --------
    >>> import polyfast
    >>> sorted(polyfast._config.config_dict())[:3]
    ['cpu_simd_level', 'machine', 'num_threads']
    """
    import polyfast

    return {
        "polyfast": polyfast.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "simd_level": _core.get_simd_level(),
        "cpu_simd_level": _core.get_cpu_simd_level(),
        "num_threads": _core.get_num_threads(),
    }


def show_config() -> None:
    """Print polyfast's version, NumPy's version, the SIMD level and threads.

    The SIMD level is the one the loops use: the best the CPU supports unless
    the environment variable ``POLYFAST_SIMD`` lowered it.  The thread count
    is ``polyfast.get_num_threads()`` (``POLYFAST_NUM_THREADS`` at import,
    then `set_num_threads`).

    Examples
    --------
    >>> import polyfast
    >>> polyfast.show_config()  # doctest: +ELLIPSIS
    polyfast ...
    """
    info = config_dict()
    print(f"polyfast {info['polyfast']}")
    print(f"  numpy          {info['numpy']}")
    print(f"  python         {info['python']} ({info['machine']})")
    print(f"  SIMD level     {info['simd_level']} (CPU supports {info['cpu_simd_level']})")
    print(f"  threads        {info['num_threads']}")
