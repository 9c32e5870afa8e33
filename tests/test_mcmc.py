"""polyfast.sampler against the notebook's MCMC code (norm_pdf: test_norm_pdf.py)."""

import math
import sys
import threading
import types

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import polyfast
import polyfast._mcmc
import reference_mcmc as ref

# ----------------------------------------------------------------- sampler

def _legacy_states_equal(a, b):
    assert a[0] == b[0]
    assert_array_equal(a[1], b[1])
    assert a[2:] == b[2:], (a[2:], b[2:])  # pos, has_gauss, cached gaussian


def _run_both_legacy(seed, data, prime=False, **kw):
    np.random.seed(seed)
    if prime:
        np.random.standard_normal()  # leaves a cached Gaussian
    start = np.random.get_state()
    expected = ref.sampler(data, **kw)
    state_expected = np.random.get_state()
    np.random.set_state(start)
    got = polyfast.sampler(data, **kw)
    state_got = np.random.get_state()
    return expected, got, state_expected, state_got


@pytest.mark.parametrize("seed", [0, 1, 7, 123])
@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("kw", [
    dict(samples=301, mu_init=1.),
    dict(samples=300, mu_init=-0.5, proposal_width=0.1),
    dict(samples=200, proposal_width=2.0, mu_prior_mu=1.5, mu_prior_sd=0.3),
    dict(samples=150, mu_init=3., proposal_width=0.7, mu_prior_mu=-2, mu_prior_sd=5.),
])
def test_sampler_equals_the_notebook_global_state(seed, size, kw):
    data = np.random.default_rng(seed + 1000).normal(0.4, 1.0, size)
    for prime in (False, True):
        expected, got, state_expected, state_got = _run_both_legacy(seed, data, prime, **kw)
        assert got.dtype == np.float64 and got.shape == (kw["samples"] + 1,)
        assert_array_equal(got, expected)
        _legacy_states_equal(state_got, state_expected)
        assert len(np.unique(got)) > 1  # the chain moved


@pytest.mark.parametrize("shape, order", [((4, 5), "C"), ((4, 5), "F"), ((2, 5, 2), "C"), ((), "C")])
def test_sampler_data_of_any_shape_is_the_notebooks(shape, order):
    # The notebook's np.prod(norm_pdf(mu, 1, data)) runs over every element,
    # whatever the shape: so does the chain (contract: "data may have any shape").
    data = np.asarray(np.random.default_rng(9).normal(0.4, 1.0, shape), order=order)
    expected, got, state_expected, state_got = _run_both_legacy(4, data, False, samples=300,
                                                                mu_init=1.)
    assert_array_equal(got, expected)
    _legacy_states_equal(state_got, state_expected)
    np.random.seed(4)
    flat = polyfast.sampler(data.ravel(), samples=300, mu_init=1.)
    assert_array_equal(got, flat)


def test_sampler_notebook_defaults():
    data = np.random.default_rng(3).normal(size=20)
    expected, got, s1, s2 = _run_both_legacy(5, data)  # samples=4, mu_init=.5, ...
    assert_array_equal(got, expected)
    _legacy_states_equal(s2, s1)


@pytest.mark.parametrize("seed", [0, 11])
def test_sampler_1000_points(seed):
    """The notebook's product of 1000 densities underflows to 0, its ratio is
    0/0 = nan and its chain never moves; polyfast's follows the log-space
    (exact-arithmetic) decision, and consumes the same random numbers."""
    data = np.random.default_rng(seed).normal(0.2, 1.0, 1000)
    kw = dict(samples=300, mu_init=0.5, proposal_width=0.05)
    with np.errstate(all="ignore"):
        expected_nb, got, state_nb, state_got = _run_both_legacy(seed, data, **kw)
    assert (expected_nb == 0.5).all()  # the notebook is stuck
    _legacy_states_equal(state_got, state_nb)
    np.random.seed(seed)
    expected = ref.sampler_logspace(data, **kw)
    assert_array_equal(got, expected)
    assert len(np.unique(got)) > 10


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox])
@pytest.mark.parametrize("size", [0, 1, 20])
@pytest.mark.parametrize("seed", [0, 42])
def test_sampler_generator(bit_generator, size, seed):
    data = np.random.default_rng(seed + 1).normal(-0.3, 1.0, size)
    kw = dict(samples=400, mu_init=0.8, proposal_width=0.6, mu_prior_mu=0.1, mu_prior_sd=1.3)
    rng_a = np.random.Generator(bit_generator(seed))
    rng_b = np.random.Generator(bit_generator(seed))
    legacy_before = np.random.get_state()
    expected = ref.sampler_rng(rng_a, data, **kw)
    got = polyfast.sampler(data, rng=rng_b, **kw)
    assert_array_equal(got, expected)
    assert_array_equal(rng_a.random(3), rng_b.random(3))  # the generators end in step
    _legacy_states_equal(np.random.get_state(), legacy_before)  # the global state untouched
    state_a, state_b = rng_a.bit_generator.state, rng_b.bit_generator.state
    assert repr(state_a) == repr(state_b)


def test_sampler_generator_1000_points():
    data = np.random.default_rng(9).normal(0.2, 1.0, 1000)
    kw = dict(samples=300, mu_init=0.5, proposal_width=0.05)
    got = polyfast.sampler(data, rng=np.random.default_rng(3), **kw)
    assert_array_equal(got, ref.sampler_logspace(data, rng=np.random.default_rng(3), **kw))


@pytest.mark.parametrize("samples", [0, 1, 2, 101])
def test_sampler_random_state_instance(samples):
    data = np.random.default_rng(4).normal(size=20)
    rs_a, rs_b = np.random.RandomState(8), np.random.RandomState(8)
    rs_a.standard_normal(), rs_b.standard_normal()
    expected = ref.sampler_rng(rs_a, data, samples=samples)
    got = polyfast.sampler(data, samples=samples, rng=rs_b)
    assert_array_equal(got, expected)
    _legacy_states_equal(rs_b.get_state(), rs_a.get_state())


@pytest.mark.parametrize("prime", [False, True])
def test_sampler_shared_random_state_across_threads_is_serialized(prime):
    """Four threads sharing one legacy RandomState (its cached Gaussian
    included, carried in and out under the generator's lock): the chains are
    the four a single thread gets, in some order, and the state ends where
    four calls in a row leave it.  On free-threaded CPython this runs
    truly in parallel."""
    data = np.random.default_rng(1).normal(size=20)

    def fresh():
        rs = np.random.RandomState(4321)
        if prime:
            rs.standard_normal()  # leaves a cached Gaussian
        return rs

    rs = fresh()
    out = []
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        out.append(polyfast.sampler(data, samples=3001, rng=rs))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = fresh()
    serial = [polyfast.sampler(data, samples=3001, rng=check) for _ in range(4)]
    assert len(out) == 4
    for chain in out:
        assert sum(np.array_equal(chain, c) for c in serial) == 1
    assert sorted(c.tobytes() for c in out) == sorted(c.tobytes() for c in serial)
    _legacy_states_equal(rs.get_state(), check.get_state())


def test_fast_and_plain_legacy_state_paths_agree(monkeypatch):
    # The fast path is in use on this NumPy, unless the GIL is off: the swap
    # of RandomState._bit_generator would be visible to other threads then.
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    assert polyfast._mcmc._check_fast_legacy_state() is gil
    data = np.random.default_rng(6).normal(size=20)
    results = []
    for fast in (True, False):
        monkeypatch.setattr(polyfast._mcmc, "_fast_legacy_state", fast)
        np.random.seed(77)
        np.random.standard_normal()
        chain = polyfast.sampler(data, samples=51)
        results.append((chain, np.random.get_state()))
    assert_array_equal(results[0][0], results[1][0])
    _legacy_states_equal(results[0][1], results[1][1])


def _direct(data, samples, rng, tie, margin, legacy=False, mu_init=0.5, width=0.5,
            prior_mu=0.0, prior_sd=1.0):
    return polyfast._core._sampler(np.asarray(data, dtype=float), samples, mu_init, width,
                                   prior_mu, prior_sd, rng, legacy, None, tie, margin)


@pytest.mark.parametrize("size", [1, 20])
def test_tie_breaker_path_gives_the_notebook_chain(size):
    """With an enormous tie margin every step goes through the notebook's own
    products (the fallback path, with the GIL re-acquired): same chain."""
    data = np.random.default_rng(size).normal(size=size)
    decide = polyfast._mcmc._notebook_decision(data, 0.0, 1.0)
    calls = []

    def tie(mu_current, mu_proposal, u):
        calls.append(u)
        return decide(mu_current, mu_proposal, u)

    np.random.seed(3)
    expected = ref.sampler(data, samples=200)
    np.random.seed(3)
    got = _direct(data, 200, np.random.mtrand._rand, tie, 1e300, legacy=True)
    assert len(calls) == 200
    assert_array_equal(got, expected)


def test_tie_breaker_undecided_and_not_asked_when_the_notebook_underflows():
    data = np.random.default_rng(1).normal(size=1000)
    calls = []

    def tie(mu_current, mu_proposal, u):
        calls.append(u)
        return None

    got = _direct(data, 100, np.random.default_rng(5), tie, 1e300, width=0.05)
    assert calls == []  # the notebook's product is 0 here: nothing to ask
    assert_array_equal(got, _direct(data, 100, np.random.default_rng(5), None, 0.0, width=0.05))
    # undecided: the log-space decision stands
    small = data[:20]
    got = _direct(small, 100, np.random.default_rng(5), tie, 1e300)
    assert len(calls) == 100
    assert_array_equal(got, _direct(small, 100, np.random.default_rng(5), None, 0.0))


def test_tie_breaker_error_propagates_and_releases_the_lock():
    def tie(mu_current, mu_proposal, u):
        raise KeyError("boom")

    rng = np.random.default_rng(1)
    with pytest.raises(KeyError, match="boom"):
        _direct([0.1, 0.2], 10, rng, tie, 1e300)
    assert rng.bit_generator.lock.acquire(blocking=False)
    rng.bit_generator.lock.release()
    np.random.seed(0)
    with pytest.raises(KeyError):
        _direct([0.1, 0.2], 10, np.random.mtrand._rand, tie, 1e300, legacy=True)
    lock = np.random.mtrand._rand._bit_generator.lock
    assert lock.acquire(blocking=False)
    lock.release()
    np.random.rand()  # the global state still works


def test_sampler_posterior_matches_the_conjugate_closed_form():
    rng = np.random.default_rng(2024)
    data = rng.normal(1.2, 1.0, 50)
    mu0, s0 = -0.5, 0.8
    precision = len(data) + 1 / s0**2
    post_mean = (data.sum() + mu0 / s0**2) / precision
    post_sd = precision ** -0.5
    chain = polyfast.sampler(data, samples=400_000, mu_init=0.0, proposal_width=0.3,
                             mu_prior_mu=mu0, mu_prior_sd=s0, rng=rng)[1000:]
    # batch means for the Monte Carlo error of the mean
    batches = chain[: len(chain) // 100 * 100].reshape(100, -1).mean(axis=1)
    mc_error = batches.std(ddof=1) / 10
    assert abs(chain.mean() - post_mean) < 5 * mc_error + 1e-4
    assert abs(chain.std() / post_sd - 1) < 0.03


def test_sampler_million_points_gives_a_moving_chain():
    rng = np.random.default_rng(7)
    data = rng.normal(0.3, 1.0, 1_000_000)
    with np.errstate(under="ignore"):
        assert np.prod(ref.norm_pdf(0.3, 1, data)) == 0  # the notebook's likelihood
    np.random.seed(1)
    chain = polyfast.sampler(data, samples=3000, mu_init=0.5, proposal_width=0.002)
    assert np.isfinite(chain).all()
    assert len(np.unique(chain)) > 100
    assert abs(chain[1000:].mean() - data.mean()) < 0.005


def test_sampler_special_inputs():
    # empty data: the notebook's product of nothing is 1, the chain samples the prior
    expected, got, s1, s2 = _run_both_legacy(4, np.array([]), samples=100)
    assert_array_equal(got, expected)
    _legacy_states_equal(s2, s1)
    # samples=0: just mu_init, no draws
    before = np.random.get_state()
    assert_array_equal(polyfast.sampler([1.0, 2.0], samples=0, mu_init=0.25), [0.25])
    _legacy_states_equal(np.random.get_state(), before)
    # lists, integers, float32 and strided data are taken as float64
    data = np.arange(10, dtype=np.int32)
    for variant in (data.tolist(), data, data.astype(np.float32), np.repeat(data, 2)[::2]):
        np.random.seed(2)
        a = polyfast.sampler(variant, samples=30, mu_init=4)
        np.random.seed(2)
        b = ref.sampler(data.astype(float), samples=30, mu_init=4.0)
        assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(samples=-1), ValueError, "samples"),
    (dict(samples=2.0), TypeError, "samples"),
    (dict(samples=True), TypeError, "samples"),
    (dict(samples="3"), TypeError, "samples"),
    (dict(proposal_width=0), ValueError, "proposal_width"),
    (dict(proposal_width=-1.0), ValueError, "proposal_width"),
    (dict(proposal_width=np.nan), ValueError, "proposal_width"),
    (dict(proposal_width=np.inf), ValueError, "proposal_width"),
    (dict(proposal_width="a"), TypeError, "proposal_width"),
    (dict(mu_prior_sd=0.0), ValueError, "mu_prior_sd"),
    (dict(mu_prior_sd=-2), ValueError, "mu_prior_sd"),
    (dict(mu_init=np.nan), ValueError, "mu_init"),
    (dict(mu_init=None), TypeError, "mu_init"),
    (dict(mu_init=1j), TypeError, "mu_init"),
    (dict(mu_prior_mu=np.inf), ValueError, "mu_prior_mu"),
    (dict(mu_prior_mu=[0.0]), TypeError, "mu_prior_mu"),
    (dict(data=["a", "b"]), TypeError, "data"),
    (dict(data=np.array([1j, 2])), TypeError, "data"),
    (dict(data=np.array([True, False])), TypeError, "data"),
    (dict(data=[1.0, np.nan]), ValueError, "data"),
    (dict(data=[np.inf, 1.0]), ValueError, "data"),
    (dict(data=[[1.0], [1.0, 2.0]]), TypeError, "data"),
    (dict(rng="seed"), TypeError, "rng"),
    (dict(rng=np.random.PCG64(1)), TypeError, "rng"),
    (dict(plot=True), NotImplementedError, "plot"),
])
def test_sampler_bad_arguments(kwargs, exc, words):
    args = dict(data=[0.1, 0.5, -0.2], samples=5)
    args.update(kwargs)
    data = args.pop("data")
    before = np.random.get_state()
    with pytest.raises(exc, match=words):
        polyfast.sampler(data, **args)
    _legacy_states_equal(np.random.get_state(), before)  # nothing drawn


def test_sampler_concurrent_threads_on_own_generators():
    data = np.random.default_rng(0).normal(size=20)
    expected = [polyfast.sampler(data, samples=20000, rng=np.random.default_rng(s)) for s in range(4)]
    results = [None] * 4

    def work(s):
        results[s] = polyfast.sampler(data, samples=20000, rng=np.random.default_rng(s))

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(expected, results):
        assert_array_equal(a, b)


def test_sampler_shared_generator_across_threads_is_serialized():
    """Two threads sharing one Generator: each chain runs under the generator's
    lock, so together they consume exactly two chains' worth of draws."""
    data = np.random.default_rng(0).normal(size=20)
    rng = np.random.default_rng(99)
    out = []
    threads = [threading.Thread(target=lambda: out.append(polyfast.sampler(data, samples=5000, rng=rng)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = np.random.default_rng(99)
    first = polyfast.sampler(data, samples=5000, rng=check)
    second = polyfast.sampler(data, samples=5000, rng=check)
    assert any(np.array_equal(out[0], c) for c in (first, second))
    assert any(np.array_equal(out[1], c) for c in (first, second))
    assert repr(rng.bit_generator.state) == repr(check.bit_generator.state)


@pytest.mark.parametrize("data", [[1.5e308, 1e308, -1e308], [1e306] * 1000,
                                  [1.7e308, -1.7e308, -1.7e308], [-8e307] * 7 + [1e300]])
def test_sampler_data_whose_sum_overflows_gives_a_moving_chain(data):
    # The mean is finite though the running sum is not: the likelihood then
    # pulls every accepted step towards the mean (a ratio of exp(+-huge)),
    # where before the summary overflowed and the chain froze.
    data = np.array(data)
    mean = float(np.sum(data / len(data)))
    chain = polyfast.sampler(data, samples=300, rng=np.random.RandomState(3))
    steps = np.diff(chain)
    moved = steps[steps != 0]
    assert np.all(np.isfinite(chain))
    assert len(moved) > 100
    assert np.all(np.sign(moved) == np.sign(mean))


@pytest.mark.parametrize("proxy", [False, True])
def test_python_drawing_mid_chain_never_reuses_a_draw(proxy):
    # A signal handler at a poll, or the tie-breaker, may draw from the very
    # RandomState the chain draws from (the chain lets go of its lock).  Here the
    # tie-breaker is asked at every step and draws a Gaussian each time: none
    # of its draws may be one the chain already used, the cached Gaussian of
    # the primed state in particular.
    import types

    from polyfast import _core

    rs = np.random.RandomState(5)
    rs.standard_normal()  # leaves a cached Gaussian: the chain's first z
    cached = rs.get_state()[4]
    drawn = []

    def tie(mu_current, mu_proposal, u):
        drawn.append(rs.standard_normal())
        return None  # undecided: the chain keeps its own decision

    data = np.random.default_rng(2).normal(size=5)
    chain = _core._sampler(data, 40, 0.5, 0.5, 0.0, 1.0, rs, True,
                           types.SimpleNamespace() if proxy else None, tie, 1e300)
    assert len(drawn) == 40 and len(np.unique(chain)) > 1
    assert cached not in drawn
    assert len(set(drawn)) == len(drawn)
    # The stream afterwards continues past every draw: the chain used 40
    # Gaussians and 40 uniforms, the tie-breaker 40 Gaussians, from the
    # primed state; replayed in the chain's order (its first block of 40
    # steps drawn ahead, then the tie-breaker's 40 draws).
    replay = np.random.RandomState(5)
    replay.standard_normal()
    for _ in range(40):
        replay.standard_normal()
        replay.random_sample()
    expected = [replay.standard_normal() for _ in range(40)]
    np.testing.assert_array_equal(drawn, expected)
    assert replay.get_state()[2:] == rs.get_state()[2:]
    np.testing.assert_array_equal(replay.get_state()[1], rs.get_state()[1])


@pytest.mark.parametrize("proxy", [False, True])
def test_another_thread_draws_while_the_tie_breaker_runs(proxy):
    # The chain lets go of the generator's lock while Python code it calls
    # runs: before NumPy 2.4 that lock is a plain Lock, and a draw under it
    # waited forever; another thread's draw waits forever on every version.
    import types

    from polyfast import _core

    rs = np.random.RandomState(8)
    drawn = []

    def tie(mu_current, mu_proposal, u):
        if not drawn:
            t = threading.Thread(target=lambda: drawn.append(rs.standard_normal()))
            t.start()
            t.join(30)
            assert not t.is_alive(), "the other thread's draw waited for the chain"
        return None

    data = np.random.default_rng(2).normal(size=5)
    chain = _core._sampler(data, 10, 0.5, 0.5, 0.0, 1.0, rs, True,
                           types.SimpleNamespace() if proxy else None, tie, 1e300)
    assert len(drawn) == 1 and np.isfinite(chain).all()
    # the other thread's draw came between the chain's first block (drawn
    # ahead: 10 steps, a Gaussian and a uniform each) and the rest
    replay = np.random.RandomState(8)
    for _ in range(10):
        replay.standard_normal()
        replay.random_sample()
    assert drawn[0] == replay.standard_normal()
    assert replay.get_state()[2:] == rs.get_state()[2:]


# ------------------------------------------- MT19937 read directly (issue 15)
#
# polyfast._mcmc checks once per process that reading MT19937's state
# directly draws what the bitgen_t function pointers draw; the tests below
# compare the two paths (the `direct_mt` argument of _core._sampler) and the
# notebook over what a wrong direct path would get wrong: positions at and
# near the 624-word boundary, many calls in a row, a key set by set_state,
# Python drawing between calls, with and without a cached Gaussian.

def _mt_pair(seed):
    return np.random.RandomState(seed), np.random.RandomState(seed)


def _chain(rs, data, samples, direct, tie=None, margin=0.0, proxy=True, **kw):
    import types
    args = dict(mu_init=0.5, width=0.5, prior_mu=0.0, prior_sd=1.0)
    args.update(kw)
    return polyfast._core._sampler(np.asarray(data, dtype=float), samples, args["mu_init"],
                                   args["width"], args["prior_mu"], args["prior_sd"], rs, True,
                                   types.SimpleNamespace() if proxy else None, tie, margin,
                                   direct)


def _direct_mt_cases():
    # (seed, words drawn or position set, cached Gaussian, samples)
    for pos in (0, 1, 2, 311, 620, 621, 622, 623, 624):
        for prime in (False, True):
            yield 20260 + pos, ("pos", pos), prime, 3 if pos % 2 else 700
    for advance in (0, 1, 3):
        yield 7, ("draws", advance), advance == 1, 1500
    yield 11, ("draws", 0), False, 0


def test_direct_mt_equals_the_function_pointers_in_the_old_eager_check():
    # What polyfast._mcmc once ran at the first call of every process (~10
    # ms): the direct stream (trusted, direct_mt=1) against the function
    # pointers from positions at and near the 624-word boundaries, a state
    # set by set_state, with and without a cached Gaussian, long enough to
    # twist several times: the chains and the whole states afterwards equal.
    data = np.array([0.1, -0.3, 0.7, 0.2])
    for seed, (how, k), prime, samples in _direct_mt_cases():
        results = []
        for direct in (0, 1):
            rs = np.random.RandomState(seed)
            if how == "pos":
                state = list(rs.get_state())
                state[2] = k
                rs.set_state(tuple(state))
            else:
                rs.random_sample(k)
            if prime:
                rs.standard_normal()
            chain = _chain(rs, data, samples, direct)
            results.append((chain, rs.get_state(), rs.random_sample(3)))
        (chain_a, state_a, next_a), (chain_b, state_b, next_b) = results
        assert_array_equal(chain_a, chain_b)
        _legacy_states_equal(state_a, state_b)
        assert_array_equal(next_a, next_b)


CHECK_SCRIPT = """
import numpy as np, polyfast
from polyfast import _core
data = np.random.default_rng(3).normal(0.3, 1.0, 20)
assert _core._sampler_checks() == {{"direct_mt": "checking", "twists_checked": 0}}
np.random.seed(1)
chains = [polyfast.sampler(data, samples=4)]  # draws no twist: still checking
after_short = _core._sampler_checks()
chains.append(polyfast.sampler(data, samples=1500, mu_init=1.))
after_long = _core._sampler_checks()
chains.append(polyfast.sampler(data, samples=1500, mu_init=1.))  # the direct stream
state = np.random.get_state()
np.savez({path!r}, *chains, key=state[1], rest=np.array(state[2:], dtype=float),
         short=after_short["direct_mt"], long=after_long["direct_mt"],
         final=_core._sampler_checks()["direct_mt"], field=polyfast._mcmc._gauss_field)
"""


def test_the_direct_stream_is_checked_on_the_first_real_draws(tmp_path, run_python):
    """The first calls of a process draw through the function pointers and
    check the direct stream beside them; it is trusted once it has been
    right across two twists of the key.  The chains are the notebook's."""
    path = str(tmp_path / "check.npz")
    run_python(CHECK_SCRIPT.format(path=path))
    data = np.random.default_rng(3).normal(0.3, 1.0, 20)
    np.random.seed(1)
    expected = [ref.sampler(data, samples=4), ref.sampler(data, samples=1500, mu_init=1.),
                ref.sampler(data, samples=1500, mu_init=1.)]
    state = np.random.get_state()
    with np.load(path) as f:
        assert (str(f["short"]), str(f["long"]), str(f["final"])) == (
            "checking", "trusted", "trusted")
        assert bool(f["field"])
        for i, e in enumerate(expected):
            assert_array_equal(f[f"arr_{i}"], e)
        assert_array_equal(f["key"], state[1])
        assert tuple(f["rest"]) == tuple(float(v) for v in state[2:])


CHECK_WITH_PYTHON_DRAWS_SCRIPT = """
import numpy as np
from polyfast import _core
data = np.random.default_rng(2).normal(size=5)
results = []
for mode in (2, 0):  # checked on these draws (the first of the process), function pointers
    rs = np.random.RandomState(17)
    drawn = []

    def tie(mu_current, mu_proposal, u, rs=rs, drawn=drawn):
        drawn.append(rs.random_sample(1 + len(drawn) % 3).sum())  # odd and even counts
        return None

    chain = _core._sampler(data, 300, 0.5, 0.5, 0.0, 1.0, rs, True, None, tie, 1e300, mode,
                           True)
    results.append((chain, np.array(drawn), rs.get_state()))
    if mode == 2:
        verdict = _core._sampler_checks()
(a, da, sa), (b, db, sb) = results
assert verdict["direct_mt"] == "trusted" and verdict["twists_checked"] >= 2, verdict
assert len(da) == 300
np.testing.assert_array_equal(a, b)
np.testing.assert_array_equal(da, db)
np.testing.assert_array_equal(sa[1], sb[1])
assert sa[2:] == sb[2:]
"""


def test_the_check_follows_python_drawing_mid_chain(run_python):
    # The check hands the generator over and takes it back around every
    # Python call-out, at odd and even positions, across twists: no false
    # alarm, and the chain is the function pointers'.
    run_python(CHECK_WITH_PYTHON_DRAWS_SCRIPT)


BROKEN_STREAM_SCRIPT = """
import numpy as np, polyfast, types
from polyfast import _core
data = np.random.default_rng(3).normal(0.3, 1.0, 20)
first = {first}
if first:  # the stream trusted already: a broken one is still caught
    np.random.seed(5)
    polyfast.sampler(data, samples=1500)
    assert _core._sampler_checks()["direct_mt"] == "trusted"
rs = np.random.RandomState(12)
rs.standard_normal()
chain = _core._sampler(data, 1500, 1.0, 0.5, 0.0, 1.0, rs, True, types.SimpleNamespace(),
                       None, 0.0, {mode})
verdict = _core._sampler_checks()["direct_mt"]
np.random.seed(6)
later = polyfast.sampler(data, samples=1500)  # the function pointers now
state = rs.get_state()
np.savez({path!r}, chain, later, key=state[1], rest=np.array(state[2:], dtype=float),
         verdict=verdict, final=_core._sampler_checks()["direct_mt"])
"""


@pytest.mark.parametrize("fault", ["wrong double after a twist", "wrong position written back"])
@pytest.mark.parametrize("trusted_before", [False, True])
def test_a_broken_direct_stream_is_caught_before_a_wrong_chain(tmp_path, run_python, fault,
                                                               trusted_before):
    mode = {"wrong double after a twist": 3, "wrong position written back": 4}[fault]
    path = str(tmp_path / "broken.npz")
    run_python(BROKEN_STREAM_SCRIPT.format(path=path, mode=mode, first=trusted_before))
    data = np.random.default_rng(3).normal(0.3, 1.0, 20)
    rs = np.random.RandomState(12)
    rs.standard_normal()
    expected = ref.sampler_rng(rs, data, samples=1500, mu_init=1.0)
    state = rs.get_state()
    np.random.seed(6)
    expected_later = ref.sampler(data, samples=1500)
    with np.load(path) as f:
        assert str(f["verdict"]) == "failed" and str(f["final"]) == "failed"
        assert_array_equal(f["arr_0"], expected)
        assert_array_equal(f["key"], state[1])
        assert tuple(f["rest"]) == tuple(float(v) for v in state[2:])
        assert_array_equal(f["arr_1"], expected_later)


def test_the_gauss_field_is_checked_and_agrees_with_get_state():
    assert polyfast._mcmc._check_gauss_field(np.random.MT19937(1))
    assert polyfast._mcmc._use_gauss_field(np.random.MT19937(1)) is True  # in use here
    rs = np.random.RandomState(4)
    bg = rs._bit_generator
    assert polyfast._core._legacy_gauss_field(rs, bg) == (0, 0.0)
    rs.standard_normal()
    assert polyfast._core._legacy_gauss_field(rs, bg) == (1, rs.get_state()[4])
    polyfast._core._legacy_gauss_field(rs, bg, True, -0.25)
    assert rs.get_state()[3:] == (1, -0.25)
    # not found: another object, or a RandomState whose bit generator was replaced
    assert polyfast._core._legacy_gauss_field(object(), bg) is None
    other = np.random.RandomState(5)
    other._bit_generator = np.random.MT19937(6)
    assert polyfast._core._legacy_gauss_field(other, other._bit_generator) is None


@pytest.mark.parametrize("prime", [False, True])
def test_gauss_field_proxy_and_plain_round_trip_agree(prime):
    data = np.random.default_rng(6).normal(size=20)
    results = []
    for proxy, field in ((None, False), (True, False), (None, True)):
        rs = np.random.RandomState(77)
        if prime:
            rs.standard_normal()
        chains = [polyfast._core._sampler(data, s, 0.5, 0.5, 0.0, 1.0, rs, True,
                                          types.SimpleNamespace() if proxy else None, None,
                                          0.0, 1, field) for s in (51, 0, 1, 2, 700)]
        results.append((chains, rs.get_state()))
    for chains, state in results[1:]:
        for a, b in zip(chains, results[0][0]):
            assert_array_equal(a, b)
        _legacy_states_equal(state, results[0][1])


@pytest.mark.parametrize("pos", [0, 1, 2, 300, 619, 620, 621, 622, 623, 624])
@pytest.mark.parametrize("prime", [False, True])
@pytest.mark.parametrize("samples", [0, 1, 2, 3, 7, 140, 1000])
def test_direct_mt_at_every_boundary_position(pos, prime, samples):
    data = np.random.default_rng(pos).normal(size=7)
    key = np.random.default_rng(samples).integers(0, 2**32, 624, dtype=np.uint32)
    results = []
    for direct in (False, True):
        rs = np.random.RandomState()
        rs.set_state(("MT19937", key, pos))
        if prime:
            rs.standard_normal()
        chain = _chain(rs, data, samples, direct)
        results.append((chain, rs.get_state(), rs.random_sample(5)))
    (a, sa, na), (b, sb, nb) = results
    assert_array_equal(a, b)
    _legacy_states_equal(sa, sb)
    assert_array_equal(na, nb)


def test_direct_mt_many_calls_and_python_draws_between_them():
    rs_a, rs_b = _mt_pair(2026)
    data = np.random.default_rng(0).normal(0.2, 1.0, 20)
    plan = np.random.default_rng(1)
    for call in range(60):
        samples = int(plan.integers(0, 400))
        between = int(plan.integers(0, 5))
        for rs in (rs_a, rs_b):
            # Python draws that move the position by odd and even counts,
            # and leave or take the cached Gaussian
            if between == 1:
                rs.random_sample(int(samples % 7))
            elif between == 2:
                rs.standard_normal()
            elif between == 3:
                rs.randint(0, 10, size=samples % 5)
            elif between == 4:
                rs.normal(size=3)
        a = _chain(rs_a, data, samples, False)
        b = _chain(rs_b, data, samples, True, proxy=call % 2 == 0)
        assert_array_equal(a, b)
        _legacy_states_equal(rs_a.get_state(), rs_b.get_state())


def test_direct_mt_global_state_many_calls_equals_the_notebook():
    data = np.random.default_rng(5).normal(0.4, 1.0, 20)
    np.random.seed(99)
    start = np.random.get_state()
    expected = [ref.sampler(data, samples=s, mu_init=1.) for s in (1, 623, 624, 2, 1500, 0, 311)]
    state_expected = np.random.get_state()
    np.random.set_state(start)
    got = [polyfast.sampler(data, samples=s, mu_init=1.) for s in (1, 623, 624, 2, 1500, 0, 311)]
    for e, g in zip(expected, got):
        assert_array_equal(g, e)
    _legacy_states_equal(np.random.get_state(), state_expected)


@pytest.mark.parametrize("gauss", [None, 0.0, -1.5, 7.25])
def test_direct_mt_state_set_by_set_state_with_a_cached_gaussian(gauss):
    data = np.random.default_rng(8).normal(size=20)
    key = np.random.default_rng(9).integers(0, 2**32, 624, dtype=np.uint32)
    state = ("MT19937", key, 621, 0, 0.0) if gauss is None else ("MT19937", key, 621, 1, gauss)
    rs_a, rs_b = np.random.RandomState(), np.random.RandomState()
    rs_a.set_state(state)
    rs_b.set_state(state)
    with np.errstate(all="ignore"):
        expected = ref.sampler_rng(rs_a, data, samples=200)
    got = polyfast.sampler(data, samples=200, rng=rs_b)
    assert_array_equal(got, expected)
    _legacy_states_equal(rs_b.get_state(), rs_a.get_state())


@pytest.mark.parametrize("make", [
    lambda: np.random.RandomState(np.random.PCG64(3)),  # another bit generator
    lambda: np.random.RandomState(type("MyMT", (np.random.MT19937,), {})(3)),  # a subclass
])
def test_legacy_draws_from_other_bit_generators_take_the_function_pointers(make):
    data = np.random.default_rng(4).normal(size=20)
    rs_a, rs_b = make(), make()
    rs_a.standard_normal(), rs_b.standard_normal()
    expected = ref.sampler_rng(rs_a, data, samples=700)
    got = polyfast.sampler(data, samples=700, rng=rs_b)
    assert_array_equal(got, expected)
    assert repr(rs_a.get_state(legacy=False)) == repr(rs_b.get_state(legacy=False))


def test_direct_mt_python_drawing_mid_chain():
    # A tie-breaker that draws from the chain's own RandomState at every
    # step, by odd counts: the direct path hands its position over before
    # and takes the state back after, as the function pointers do.
    data = np.random.default_rng(2).normal(size=5)
    results = []
    for direct in (False, True):
        rs = np.random.RandomState(17)
        drawn = []

        def tie(mu_current, mu_proposal, u, rs=rs, drawn=drawn):
            drawn.append(rs.random_sample(1 + len(drawn) % 3).sum())
            return None

        chain = _chain(rs, data, 300, direct, tie=tie, margin=1e300)
        results.append((chain, drawn, rs.get_state()))
    (a, da, sa), (b, db, sb) = results
    assert len(da) == 300
    assert_array_equal(a, b)
    assert_array_equal(da, db)
    _legacy_states_equal(sa, sb)


SAMPLER_LEVEL_SCRIPT = """
import numpy as np, polyfast
data = np.random.default_rng(3).normal(0.3, 1.0, 20)
np.random.seed(1)
np.random.standard_normal()
chains = [polyfast.sampler(data, samples=s, mu_init=1.) for s in (1500, 623, 1)]
chains.append(polyfast.sampler(data * 1e3, samples=500, proposal_width=300.))
big = np.random.default_rng(4).normal(0.3, 1.0, 100_000)
chains.append(polyfast.sampler(big, samples=800, proposal_width=0.01))
state = np.random.get_state()
np.savez({path!r}, *chains, key=state[1], rest=np.array(state[2:], dtype=float),
         level=polyfast.get_simd_level())
"""


def test_sampler_every_simd_level_gives_the_same_chains(tmp_path, run_python):
    from simd_levels import SIMD_LEVELS
    levels = list(SIMD_LEVELS)
    available = levels[: levels.index(polyfast.get_cpu_simd_level()) + 1]
    runs = {}
    for level in available:
        path = str(tmp_path / f"{level}.npz")
        run_python(SAMPLER_LEVEL_SCRIPT.format(path=path), env={"POLYFAST_SIMD": level})
        with np.load(path) as f:
            assert str(f["level"]) == level
            runs[level] = {k: f[k] for k in f.files if k != "level"}
    for level in available[1:]:
        for key, value in runs["scalar"].items():
            assert_array_equal(runs[level][key], value, err_msg=f"{level} {key}")


def test_tie_zone_is_asked_for_every_step_inside_it():
    """The chain skips the tie zone's tolerance on steps whose decision is
    clearly away from it (a bound); here a wide margin (3e-3) puts a few
    percent of the steps inside the zone: every step well inside must reach
    the tie-breaker and none well outside, whatever the bound skipped."""
    data = np.random.default_rng(12).normal(0.4, 1.0, 20)
    margin = 3e-3
    asked = []

    def tie(mu_current, mu_proposal, u):
        asked.append(u)
        return None  # undecided: the chain keeps its log-space decision

    np.random.seed(21)
    chain = _chain(np.random.mtrand._rand, data, 3000, True, tie=tie, margin=margin)
    np.random.seed(21)
    draws = [(np.random.normal(0.0, 0.5), np.random.rand()) for _ in range(3000)]
    inside, outside = set(), set()
    for i, (z, u) in enumerate(draws):
        mu, mu_p = chain[i], chain[i] + z
        lc = np.sum(ref.log_norm_pdf(mu, 1, data)) + ref.log_norm_pdf(0.0, 1.0, mu)
        lp = np.sum(ref.log_norm_pdf(mu_p, 1, data)) + ref.log_norm_pdf(0.0, 1.0, mu_p)
        # the size of the log-densities (the chain's `mag`, up to its
        # constant terms): -lc and -lp plus the log ratio's two parts
        ratio = lp - lc
        size = abs(lc) + abs(lp) + 1.0
        distance = abs(math.log(u) - ratio)
        if distance < 0.25 * margin * size:
            inside.add(u)
        elif distance > 8 * margin * size:
            outside.add(u)
    assert len(inside) > 20  # the test has steps inside the zone
    assert inside <= set(asked)
    assert not (outside & set(asked))


# ------------------------- Ctrl-C while another thread holds the generator (issue 25)

SHARED_GENERATOR_SIGINT_SCRIPT = """
import signal, sys, threading
import numpy as np, polyfast
from polyfast import _core

# Ctrl-C raises once per trial: the other thread repeats it until the chain
# has raised, and a repeat landing while the main thread handles the first
# (slow under ASan) must not raise a second time.
fired = []


def on_sigint(signum, frame):
    if not fired:
        fired.append(signum)
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, on_sigint)
data = np.random.default_rng(0).normal(size=20)
np.random.seed(2)
polyfast.sampler(data, samples=1500)  # the direct stream checked: trusted from here on
assert _core._sampler_checks()["direct_mt"] == "trusted"
main = threading.get_ident()
repeats = {{}}
for name in ("RandomState", "global"):
    rs = np.random.RandomState(3) if name == "RandomState" else np.random.mtrand._rand
    bg = rs._bit_generator
    next_double, state = bg.ctypes.next_double, bg.ctypes.state
    running, interrupted = threading.Event(), threading.Event()
    drawn = []

    def other():
        running.wait()
        # taken while the chain has let go of it (at a poll for signals);
        # the chain then waits to take it back
        with bg.lock:
            drawn.extend(next_double(state) for _ in range(700))
            for _ in range(400):  # Ctrl-C until the chain has raised
                signal.pthread_kill(main, signal.SIGINT)
                if interrupted.wait(0.05):
                    break
            drawn.extend(next_double(state) for _ in range(700))

    thread = threading.Thread(target=other)
    fired.clear()
    thread.start()
    try:
        threading.Timer(0.1, running.set).start()
        polyfast.sampler(data, samples=2 * 10**8, rng=rs if name == "RandomState" else None)
    except KeyboardInterrupt:
        interrupted.set()
    thread.join()
    assert interrupted.is_set() and len(drawn) == 1400
    repeats[name] = len(drawn) - len(set(drawn))
    # and the generator goes on from where the other thread left it
    after = rs.random_sample(700)
    repeats[name] += len(set(drawn) & set(after.tolist()))
print(repeats)
assert repeats == {{"RandomState": 0, "global": 0}}, repeats
"""


def test_ctrl_c_never_rewinds_a_generator_another_thread_holds(run_python):
    """Issue 25's reproducer: another thread takes the generator's lock while
    the chain has let go of it, draws, and sends Ctrl-C to the chain's thread,
    which is waiting to take the lock back.  The chain raises
    KeyboardInterrupt without writing its (stale) position back: no draw
    repeats.  A RandomState and the global state, at every SIMD level."""
    from simd_levels import SIMD_LEVELS
    levels = list(SIMD_LEVELS)
    available = levels[: levels.index(polyfast.get_cpu_simd_level()) + 1]
    for level in available:
        run_python(SHARED_GENERATOR_SIGINT_SCRIPT.format(), env={"POLYFAST_SIMD": level})
