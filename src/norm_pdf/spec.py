"""The normal density of the notebook's MCMC part (kernels: norm_pdf.h, norm_pdf_scalar.c)."""

ufunc(
    "norm_pdf",
    loops={
        # One libm exp per item dominates the cost: no vector level.
        "f32,f32,f32->f32": "scalar",
        "f64,f64,f64->f64": "scalar",
    },
    # One exp an item: a second thread pays from a few thousand items.
    min_parallel=8192,
    grain=2048,
    doc="""
    Normal probability density, ``norm_pdf(loc, scale, x)``.

    The lecture notebook's ``norm_pdf`` (the argument order is the
    notebook's: mean, standard deviation, then the points):
    ``exp(-((x - loc)/scale)**2/2) / sqrt(2*pi) / scale``, evaluated in that
    order, one rounding per operation, so it agrees with
    ``scipy.stats.norm(loc, scale).pdf(x)`` to a few ulps, including far
    tails where the density is subnormal or 0.

    Parameters
    ----------
    loc : array_like
        Mean of the distribution.
    scale : array_like
        Standard deviation; ``scale <= 0`` gives nan.
    x : array_like
        Points at which to evaluate the density. The three inputs broadcast.
    out : ndarray, None, or tuple of ndarray and None, optional
        Where to put the result; see `ufuncs`.
    {where and kwargs}

    Returns
    -------
    pdf : ndarray or scalar
        The density, float32 when all inputs are float32 (computed in float64
        and rounded once), float64 otherwise.

    See Also
    --------
    sampler : The notebook's Metropolis sampler, which uses this density.

    Examples
    --------
    >>> import numpy as np
    >>> import polyfast
    >>> polyfast.norm_pdf(0.0, 1.0, np.array([0.0, 1.0, 40.0]))
    array([0.39894228, 0.24197072, 0.        ])
    >>> float(polyfast.norm_pdf(0.4, 0.7, 0.2))  # the notebook's check
    0.5471239427...
    >>> polyfast.norm_pdf(0.0, [1.0, 0.0, -1.0], 0.5)  # scale <= 0 gives nan
    array([0.35206533,        nan,        nan])
    """,
)
