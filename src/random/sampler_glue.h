/* polyfast._core._sampler: the Python-facing glue of the Metropolis sampler
 * (the chain itself is src/kernels/metropolis.c). */
#ifndef POLYFAST_SAMPLER_GLUE_H
#define POLYFAST_SAMPLER_GLUE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

PyObject *pf_sampler_run(PyObject *self, PyObject *args);

#define PF_SAMPLER_DOC                                                              \
    "_sampler(data, samples, mu_init, proposal_width, mu_prior_mu, mu_prior_sd,\n"  \
    "         rng, legacy, proxy, tie, tie_margin, /)\n--\n\n"                      \
    "The chain of polyfast.sampler, arguments already checked (use that).\n"        \
    "data: 1-D float64 ndarray; rng: a RandomState (legacy=True) or a Generator;\n" \
    "proxy: None, or an object with a writable `state` attribute to read and\n"     \
    "write RandomState's cached Gaussian without copying the MT19937 key;\n"        \
    "tie(mu_current, mu_proposal, u) -> True/False/None decides near-ties."

#endif
