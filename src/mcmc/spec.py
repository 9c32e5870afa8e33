"""The notebook's Metropolis sampler: no ufunc, one private entry point behind
polyfast.sampler (chain: metropolis.h, metropolis.c; Python glue: sampler_glue.c)."""

function(
    "_sampler",
    args=("(data, samples, mu_init, proposal_width, mu_prior_mu, mu_prior_sd,\n"
          " rng, legacy, proxy, tie, tie_margin, direct_mt=False, /)"),
    stub="""
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
            direct_mt: bool = False,
            /,
        ) -> npt.NDArray[np.float64]: ...
    """,
    doc="""
        The chain of polyfast.sampler, arguments already checked (use that).

        data: 1-D float64 ndarray; rng: a RandomState (legacy=True) or a Generator;
        proxy: None, or an object with a writable `state` attribute to read and
        write RandomState's cached Gaussian without copying the MT19937 key;
        tie(mu_current, mu_proposal, u) -> True/False/None decides near-ties;
        direct_mt: read an MT19937 bit generator's state directly (only once
        polyfast._mcmc._check_direct_mt() has passed).
    """,
)
