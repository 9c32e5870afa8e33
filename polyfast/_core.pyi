"""Type stubs for polyfast._core, the C extension module."""

from typing import Final

import numpy as np

MAX_THREADS: Final[int]

poly8: np.ufunc
polyval: np.ufunc
mandelbrot: np.ufunc

def set_num_threads(n: int, /) -> None: ...
def get_num_threads() -> int: ...
def get_simd_level() -> str: ...
def get_cpu_simd_level() -> str: ...
