"""Type stubs for polyfast._core, the C extension module."""

from collections.abc import Callable
from typing import Final, Literal, overload

import numpy as np
import numpy.typing as npt

MAX_THREADS: Final[int]

poly8: np.ufunc
polyval: np.ufunc
find_bumps: np.ufunc
mandelbrot: np.ufunc
norm_pdf: np.ufunc

def set_num_threads(n: int, /) -> None: ...
def get_num_threads() -> int: ...
def get_simd_level() -> str: ...
def get_cpu_simd_level() -> str: ...

# Private: the C scan behind polyfast.pv_locations / pv_locations_ragged.
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
def _sampler(
    data: npt.NDArray[np.float64],
    samples: int,
    mu_init: float,
    proposal_width: float,
    mu_prior_mu: float,
    mu_prior_sd: float,
    rng: np.random.Generator | np.random.RandomState,
    legacy: bool,
    proxy: object | None,
    tie: Callable[[float, float, float], bool | None] | None,
    tie_margin: float,
    /,
) -> npt.NDArray[np.float64]: ...
