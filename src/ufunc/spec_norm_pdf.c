/* The normal density ufunc of the MCMC part of the notebook: norm_pdf. */
#include "ufunc/ufunc_spec.h"

#include "kernels/norm_pdf.h"

static const pf_loop_spec norm_pdf_loops[] = {
    {{NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_FLOAT}, {pf_norm_pdf_f32_scalar}},
    {{NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE}, {pf_norm_pdf_f64_scalar}},
};

/* About 8 ns an item (one exp): a second thread pays from a few thousand. */
const pf_ufunc_spec pf_spec_norm_pdf = {
    .name = "norm_pdf",
    .nin = 3,
    .nout = 1,
    .min_parallel = 8192,
    .grain = 2048,
    .nloops = sizeof norm_pdf_loops / sizeof norm_pdf_loops[0],
    .loops = norm_pdf_loops,
    .doc =
        "Normal probability density, ``norm_pdf(loc, scale, x)``.\n"
        "\n"
        "The lecture notebook's ``norm_pdf`` (the argument order is the\n"
        "notebook's: mean, standard deviation, then the points):\n"
        "``exp(-((x - loc)/scale)**2/2) / sqrt(2*pi) / scale``, evaluated in that\n"
        "order, one rounding per operation, so it agrees with\n"
        "``scipy.stats.norm(loc, scale).pdf(x)`` to a few ulps, including far\n"
        "tails where the density is subnormal or 0.\n"
        "\n"
        "Parameters\n"
        "----------\n"
        "loc : array_like\n"
        "    Mean of the distribution.\n"
        "scale : array_like\n"
        "    Standard deviation; ``scale <= 0`` gives nan.\n"
        "x : array_like\n"
        "    Points at which to evaluate the density. The three inputs broadcast.\n"
        "out : ndarray, None, or tuple of ndarray and None, optional\n"
        "    Where to put the result; see `ufuncs`.\n"
        "where : array_like, optional\n"
        "    Compute only where True; see `ufuncs`.\n"
        "**kwargs\n"
        "    Other keyword arguments of `ufuncs` (``dtype``, ``casting``, ``order``).\n"
        "\n"
        "Returns\n"
        "-------\n"
        "pdf : ndarray or scalar\n"
        "    The density, float32 when all inputs are float32 (computed in float64\n"
        "    and rounded once), float64 otherwise.\n"
        "\n"
        "See Also\n"
        "--------\n"
        "sampler : The notebook's Metropolis sampler, which uses this density.\n"
        "\n"
        "Examples\n"
        "--------\n"
        ">>> import numpy as np\n"
        ">>> import polyfast\n"
        ">>> polyfast.norm_pdf(0.0, 1.0, np.array([0.0, 1.0, 40.0]))\n"
        "array([0.39894228, 0.24197072, 0.        ])\n"
        ">>> float(polyfast.norm_pdf(0.4, 0.7, 0.2))  # the notebook's check\n"
        "0.5471239427...\n"
        ">>> polyfast.norm_pdf(0.0, [1.0, 0.0, -1.0], 0.5)  # scale <= 0 gives nan\n"
        "array([0.35206533,        nan,        nan])\n",
};
