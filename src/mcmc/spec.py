"""The notebook's Metropolis sampler: no ufunc, private entry points behind
polyfast.sampler (chain: metropolis.h, metropolis.c; draws read directly:
mt19937_stream.h, pcg64_stream.h; Python glue: sampler_glue.h lists its files,
legacy_gauss_glue.c)."""

function(
    "_sampler",
    args=("(data, samples, mu_init, proposal_width, mu_prior_mu, mu_prior_sd,\n"
          " rng, legacy, proxy, tie, tie_margin, direct_mt=0, gauss_field=False, /)"),
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
            direct_mt: int = 0,
            gauss_field: bool = False,
            /,
        ) -> npt.NDArray[np.float64]: ...
    """,
    doc="""
        The chain of polyfast.sampler, arguments already checked (use that).

        data: 1-D float64 ndarray; rng: a RandomState (legacy=True) or a Generator;
        proxy: None, or an object with a writable `state` attribute to read and
        write RandomState's cached Gaussian without copying the MT19937 key;
        tie(mu_current, mu_proposal, u) -> True/False/None decides near-ties;
        direct_mt: read the bit generator's state directly (a RandomState's
        MT19937, a Generator's PCG64): 0 never, 1 always, 2 once this process
        has checked it on real draws (checking it until then), 3 and 4 (tests)
        as 2 with a deliberately broken stream;
        gauss_field: the cached Gaussian in the RandomState's own field (only
        once polyfast._mcmc has checked _legacy_gauss_field).
    """,
)

function(
    "_legacy_gauss_field",
    args="(rs, bit_generator, has_gauss=None, gauss=None, /)",
    stub="""
        @overload
        def _legacy_gauss_field(rs: object, bit_generator: object, /) -> tuple[int, float] | None: ...
        @overload
        def _legacy_gauss_field(rs: object, bit_generator: object, has_gauss: bool,
                                gauss: float, /) -> None: ...
    """,
    doc="""
        A RandomState's cached Gaussian in its private field (what polyfast._mcmc checks).

        Returns (has_gauss, gauss) read from `rs`, whose bit generator is
        `bit_generator`, or writes them when given; None if the field is not found.
    """,
)

function(
    "_sampler_checks",
    args="()",
    flags="METH_NOARGS",
    stub="def _sampler_checks() -> dict[str, str | int]: ...",
    doc="""
        This process's check of the direct MT19937 stream (polyfast._mcmc, tests).

        {'direct_mt': 'checking' | 'trusted' | 'failed', 'twists_checked': n}.
    """,
)

function(
    "_generator_checks",
    args="()",
    flags="METH_NOARGS",
    stub="def _generator_checks() -> dict[str, str | int | bool]: ...",
    doc="""
        This process's check of the direct PCG64 stream of the Generator path.

        {'direct_pcg64': 'checking' | 'trusted' | 'failed' | 'unavailable',
        'steps_checked': n, 'tables': whether the ziggurat's tables are probed}.
    """,
)
