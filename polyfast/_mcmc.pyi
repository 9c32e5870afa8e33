from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["sampler"]

def sampler(
    data: npt.ArrayLike,
    samples: int = 4,
    mu_init: float = 0.5,
    proposal_width: float = 0.5,
    plot: Literal[False] = False,
    mu_prior_mu: float = 0,
    mu_prior_sd: float = 1.0,
    *,
    rng: np.random.Generator | np.random.RandomState | None = None,
) -> npt.NDArray[np.float64]: ...
