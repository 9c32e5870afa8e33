"""Our transcription of the lecture notebook's MCMC code (the final NumPy version).

`norm_pdf` and `sampler` are the notebook's, line for line (the notebook's
`np.prod(norm_pdf(mu_current, 1, data))` lines included); `sampler_rng` is
the same code with the two draws taken from a given Generator/RandomState
(`rng.normal(...)`, `rng.random()`), and `sampler_logspace` the same chain with
the likelihood as a sum of log-densities: what the notebook computes in exact
arithmetic, for data whose product of densities underflows.
"""

import numpy as np


def norm_pdf(loc, scale, x):
    y = (x - loc) / scale
    return np.exp(-y**2/2)/np.sqrt(2*np.pi) / scale


def sampler(data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0, mu_prior_sd=1.):
    mu_current = mu_init
    posterior = np.empty(samples+1)
    posterior[0] = mu_current
    for i in range(samples):
        # suggest new position
        mu_proposal = np.random.normal(mu_current, proposal_width)

        # Compute likelihood by multiplying probabilities of each data point
        likelihood_current = np.prod(norm_pdf(mu_current, 1, data))
        likelihood_proposal = np.prod(norm_pdf(mu_proposal, 1, data))
        # Compute prior probability of current and proposed mu
        prior_current = norm_pdf(mu_prior_mu, mu_prior_sd, mu_current)
        prior_proposal = norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal)
        p_current = likelihood_current * prior_current
        p_proposal = likelihood_proposal * prior_proposal
        # Accept proposal?
        p_accept = p_proposal / p_current
        # Usually would include prior probability, which we neglect here for simplicity
        accept = np.random.rand() < p_accept
        if accept:
            # Update position
            mu_current = mu_proposal
        posterior[i+1] = mu_current
    return posterior


def sampler_rng(rng, data, samples=4, mu_init=.5, proposal_width=.5, plot=False, mu_prior_mu=0,
                mu_prior_sd=1.):
    """The notebook's sampler with rng.normal(...) and rng.random() (rand() for a RandomState)."""
    rand = rng.random if isinstance(rng, np.random.Generator) else rng.rand
    mu_current = mu_init
    posterior = np.empty(samples+1)
    posterior[0] = mu_current
    for i in range(samples):
        mu_proposal = rng.normal(mu_current, proposal_width)
        likelihood_current = np.prod(norm_pdf(mu_current, 1, data))
        likelihood_proposal = np.prod(norm_pdf(mu_proposal, 1, data))
        prior_current = norm_pdf(mu_prior_mu, mu_prior_sd, mu_current)
        prior_proposal = norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal)
        p_current = likelihood_current * prior_current
        p_proposal = likelihood_proposal * prior_proposal
        p_accept = p_proposal / p_current
        accept = rand() < p_accept
        if accept:
            mu_current = mu_proposal
        posterior[i+1] = mu_current
    return posterior


def log_norm_pdf(loc, scale, x):
    y = (x - loc) / scale
    return -y**2/2 - np.log(np.sqrt(2*np.pi) * scale)


def sampler_logspace(data, samples=4, mu_init=.5, proposal_width=.5, mu_prior_mu=0, mu_prior_sd=1.,
                     rng=None):
    """The notebook's chain with `rand() < p_proposal/p_current` taken as
    `log(rand()) < log p_proposal - log p_current`, the logs summed."""
    normal = np.random.normal if rng is None else rng.normal
    rand = np.random.rand if rng is None else rng.random
    mu_current = mu_init
    posterior = np.empty(samples+1)
    posterior[0] = mu_current
    for i in range(samples):
        mu_proposal = normal(mu_current, proposal_width)
        log_current = (np.sum(log_norm_pdf(mu_current, 1, data))
                       + log_norm_pdf(mu_prior_mu, mu_prior_sd, mu_current))
        log_proposal = (np.sum(log_norm_pdf(mu_proposal, 1, data))
                        + log_norm_pdf(mu_prior_mu, mu_prior_sd, mu_proposal))
        with np.errstate(divide="ignore"):
            accept = np.log(rand()) < log_proposal - log_current
        if accept:
            mu_current = mu_proposal
        posterior[i+1] = mu_current
    return posterior
