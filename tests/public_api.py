"""The table of polyfast's public functions that the reliability sweeps iterate.

One `Entry` per public name (``polyfast.__all__`` and ``polyfast.notebook``'s
``__all__``).  Each sweep reads the fields it needs:

* ``good``      valid calls (expressions): leak and refcount checks
                (tests/test_leaks.py), the call counts of the report;
* ``bad``       bad arguments and the exception each must raise
                (tests/test_bad_inputs.py, each function's cases in one
                subprocess);
* ``work``      a call large enough to use the thread pool, deterministic:
                threads, set_num_threads changes, fork and spawn
                (tests/test_concurrency.py);
* ``dask`` / ``xarray``  (expression on dask/xarray objects, NumPy
                expression it must equal) pairs, or none with a reason in
                ``not_applicable`` (tests/test_ecosystem.py).

Every ufunc of the module (a name of ``polyfast.__all__`` whose object is an
``np.ufunc``) gets its entry generated from the ufunc object by
tests/generic_ufuncs.py: good calls for each loop of ``types`` (0-d, strided,
broadcast, ``out=``), bad calls NumPy must refuse, a ``work`` call and, when
the output core dimensions are known from the inputs, dask/xarray
expressions.  The hand-written ufunc rows below (`ENTRIES_HAND` rows named
after a module ufunc) are optional extras merged over that generic entry:
their calls are added to the generic ones.  Rows for every other public
function (pv_locations, sampler, show_config, the ``polyfast.notebook`` twins,
...) are hand-written and required: tests/test_bad_inputs.py fails for a
public name that is neither a module ufunc nor has a row.

Hypothesis properties live in tests/test_properties.py, keyed by the same
names (generic ones for every module ufunc).

Expressions are strings evaluated in `namespace()`, so the same case runs in
this process, in a subprocess or in a spawned worker.  Generic expressions
take their operands from ``UA['<ufunc>|<loop>|<variant>']`` (and ``out=``
arrays from ``UO[...]``), filled on first use.

Huge sizes: an operand or output that cannot be allocated raises NumPy's
MemoryError ("Unable to allocate 728. TiB ..."), which the table accepts
besides ValueError; a size that cannot even be represented raises ValueError.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import generic_ufuncs
from generic_ufuncs import module_ufuncs

TYPE = ("TypeError",)
VALUE = ("ValueError",)
OVERFLOW = ("OverflowError",)
# Out of memory for a representable but absurd size: NumPy's MemoryError has a
# clear message; ValueError ("array is too big") for sizes past intp.
HUGE = ("MemoryError", "ValueError")
# sampler(plot=True): the notebook's per-step plots are documented as not
# implemented; NotImplementedError, with a message saying what to do instead,
# is the documented outcome of that one argument.
NOT_IMPLEMENTED = ("NotImplementedError",)


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str                      # "poly8" or "notebook.make_fractal"
    kind: str                      # "ufunc", "gufunc", "function", "config"
    good: tuple[str, ...] = ()     # valid calls, small (10**5 of them are made)
    bad: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (call, accepted exceptions)
    work: str | None = None        # deterministic call that uses the pool
    # (dask expression, NumPy equivalent) pairs; empty with a reason in not_applicable
    dask: tuple[tuple[str, str], ...] = ()
    xarray: tuple[tuple[str, str], ...] = ()  # (xarray expression, NumPy equivalent) pairs
    not_applicable: dict[str, str] = dataclasses.field(default_factory=dict)


def namespace() -> dict:
    """The names the expressions use; fresh arrays on every call."""
    import polyfast
    import polyfast.notebook as notebook

    rng = np.random.default_rng(2024)
    t2 = np.where(rng.random((16, 200)) < 0.3, rng.random((16, 200)) * 3, 0.0)
    big_t = np.where(rng.random((400, 1000)) < 0.3, rng.random((400, 1000)) * 3, 0.0)
    x = rng.normal(size=1000)
    ns = {
        "np": np,
        "polyfast": polyfast,
        "notebook": notebook,
        "X": x,
        "X32": x.astype(np.float32),
        "XS": x[::-3],
        "OUT": np.empty(334),
        "C": np.array([1.0, -0.5, 0.25, 2.0, -1.0]),
        "Z": (np.linspace(-2, 1, 16)[None, :] + 1j * np.linspace(-1.5, 1.5, 16)[:, None]),
        "T1": t2[0].astype(np.float32),
        "T2": t2,
        "NT": polyfast.get_num_threads(),
        "BIG": rng.normal(size=300_000),
        "BIGZ": (np.linspace(-2, 1, 300)[None, :]
                 + 1j * np.linspace(-1.5, 1.5, 300)[:, None]),
        "BIGT": big_t,
        "OBJ": np.array([1.0, None], dtype=object),
        "D": rng.normal(0.4, 1.0, size=20),           # sampler data
        "GEN": np.random.default_rng(11),
        "RS": np.random.RandomState(11),
        **generic_ufuncs.namespace_extras(),  # UA, UO, REPL, dask_call, xarray_call
    }
    return ns


# Hand-written rows.  Those named after a module ufunc are extras over its
# generic entry (see `ufunc_entry`); the others are the only row of their name.
ENTRIES_HAND: tuple[Entry, ...] = (
    Entry(
        name="poly8",
        kind="ufunc",
        good=("polyfast.poly8(X)", "polyfast.poly8(XS, out=OUT)", "polyfast.poly8(X32[::2])"),
        bad=(
            ("polyfast.poly8(None)", TYPE),
            ("polyfast.poly8('abc')", TYPE),
            ("polyfast.poly8(OBJ)", TYPE),
            ("polyfast.poly8([[1.0, 2.0], [1.0]])", VALUE),
            ("polyfast.poly8()", TYPE),
            ("polyfast.poly8(X, X, X)", TYPE),
            ("polyfast.poly8(np.ones(3), out=np.ones(4))", VALUE),
            ("polyfast.poly8(np.ones(3), out=np.ones(3, dtype=np.int64))", TYPE),
            ("polyfast.poly8(np.ones(3), out=np.ones(3)[::-1])", ()),  # valid: reversed out
            ("polyfast.poly8(np.ones(3), out=np.broadcast_to(np.ones(1), (3,)))", VALUE),
            ("polyfast.poly8(np.ones(3), dtype=np.int64)", TYPE),
            ("polyfast.poly8(np.ones(3), casting='bogus')", VALUE),
            ("polyfast.poly8(np.ones(3), order='Q')", VALUE),
            ("polyfast.poly8(np.ones(3), where=np.ones(4, dtype=bool))", VALUE),
            ("polyfast.poly8(np.ones(3), bogus=1)", TYPE),
            ("polyfast.poly8(np.arange(3))", ()),  # valid: ints cast to float64
            ("polyfast.poly8(np.ones(3, dtype='M8[s]'))", TYPE),
            ("polyfast.poly8(np.broadcast_to(1.0, (10**7, 10**7)))", HUGE),
            ("polyfast.poly8.reduce(np.ones(3))", VALUE),
            ("polyfast.poly8(np.full(3, np.nan))", ()),  # valid: non-finite inputs
        ),
        work="polyfast.poly8(BIG)",
        dask=(("polyfast.poly8(da.from_array(BIG, chunks=70_000))", "polyfast.poly8(BIG)"),),
        xarray=(("polyfast.poly8(DA)", "polyfast.poly8(DA.values)"),),
    ),
    Entry(
        name="polyval",
        kind="gufunc",
        good=("polyfast.polyval(X, C)", "polyfast.polyval(X32, C.astype(np.float32))",
              "polyfast.polyval(XS, C[::-1])"),
        bad=(
            ("polyfast.polyval(None, C)", TYPE),
            ("polyfast.polyval(X, None)", TYPE),
            ("polyfast.polyval(X, OBJ)", TYPE),
            ("polyfast.polyval('a', C)", TYPE),
            ("polyfast.polyval(X)", TYPE),
            ("polyfast.polyval(1.0, 1.0)", VALUE),  # c needs a core dimension
            ("polyfast.polyval(np.ones(3), np.ones((2, 3)))", VALUE),
            ("polyfast.polyval(1.0, [1.0, 2.0], axes=[(), (5,), ()])", VALUE),
            ("polyfast.polyval(1.0, [1.0, 2.0], axes=[(), (-7,), ()])", VALUE),
            ("polyfast.polyval(1.0, [1.0, 2.0], axes=[(0,), (0,), ()])", VALUE),
            ("polyfast.polyval(np.ones(3), C, out=np.ones(2))", VALUE),
            ("polyfast.polyval(np.ones(3), C, out=np.ones(3, dtype=np.int32))", TYPE),
            ("polyfast.polyval(1.0, [[1.0, 2.0], [1.0]])", VALUE),
            ("polyfast.polyval(np.broadcast_to(1.0, (10**7, 10**7)), C)", HUGE),
            ("polyfast.polyval(X, np.empty(0))", ()),  # valid: n == 0 gives 0
            ("polyfast.polyval(np.inf, [np.nan, np.inf])", ()),  # valid: non-finite
        ),
        work="polyfast.polyval(BIG, C)",
        dask=(("polyfast.polyval(da.from_array(BIG, chunks=70_000), C)",
               "polyfast.polyval(BIG, C)"),),
        xarray=(("xr.apply_ufunc(polyfast.polyval, DA, DC, input_core_dims=[[], ['k']], "
                 "dask='parallelized', output_dtypes=[float])",
                 "polyfast.polyval(DA.values, DC.values)"),),
    ),
    Entry(
        name="mandelbrot",
        kind="ufunc",
        good=("polyfast.mandelbrot(Z, 20)", "polyfast.mandelbrot(Z.astype(np.complex64), 20)",
              "polyfast.mandelbrot(Z.T, np.arange(16))"),
        bad=(
            ("polyfast.mandelbrot(None, 10)", TYPE),
            ("polyfast.mandelbrot(Z, None)", TYPE),
            ("polyfast.mandelbrot(Z, 10.5)", TYPE),
            ("polyfast.mandelbrot(Z, np.nan)", TYPE),
            ("polyfast.mandelbrot(Z, np.inf)", TYPE),
            ("polyfast.mandelbrot(Z, 2**70)", OVERFLOW),
            ("polyfast.mandelbrot(Z, 'a')", TYPE),
            ("polyfast.mandelbrot(OBJ, 10)", TYPE),
            ("polyfast.mandelbrot(Z)", TYPE),
            ("polyfast.mandelbrot(Z, np.ones(3, dtype=np.int64))", VALUE),
            ("polyfast.mandelbrot(Z, 10, out=np.ones(Z.shape, dtype=bool))", TYPE),
            ("polyfast.mandelbrot(np.broadcast_to(0j, (10**7, 10**7)), 1)", HUGE),
            ("polyfast.mandelbrot(complex(np.nan, np.inf), 10)", ()),  # valid: non-finite c
            ("polyfast.mandelbrot(Z, -5)", ()),  # valid: maxiter < 1 gives 0
        ),
        work="polyfast.mandelbrot(BIGZ, 60)",
        dask=(("polyfast.mandelbrot(da.from_array(BIGZ, chunks=(100, 150)), 60)",
               "polyfast.mandelbrot(BIGZ, 60)"),),
        xarray=(("polyfast.mandelbrot(DZ, 30)", "polyfast.mandelbrot(DZ.values, 30)"),),
    ),
    Entry(
        name="find_bumps",
        kind="gufunc",
        good=("polyfast.find_bumps(T2, 0.5, 1.0, 2)", "polyfast.find_bumps(T1, 0.5, 1.0, 2)",
              "polyfast.find_bumps(T2.T, 0.5, 1.0, 2, axes=[(0,), (), (), (), (0,), ()])"),
        bad=(
            ("polyfast.find_bumps(None, 0.5, 1.0, 1)", TYPE),
            ("polyfast.find_bumps(T2, None, 1.0, 1)", TYPE),
            ("polyfast.find_bumps(T2, 0.5, 1.0, 1.5)", TYPE),
            ("polyfast.find_bumps(T2, 0.5, 1.0, None)", TYPE),
            ("polyfast.find_bumps(OBJ, 0.5, 1.0, 1)", TYPE),
            ("polyfast.find_bumps(1.0, 0.5, 1.0, 1)", VALUE),
            ("polyfast.find_bumps(T2, 0.5, 1.0)", TYPE),
            ("polyfast.find_bumps(T2, np.ones(3), 1.0, 1)", VALUE),
            ("polyfast.find_bumps(np.ones(5), 0.5, 1.0, 1, "
             "out=(np.empty(2), np.empty((), np.int64)))", VALUE),
            ("polyfast.find_bumps(np.ones(5), 0.5, 1.0, 1, "
             "out=(np.empty(3, dtype=np.int64), np.empty((), np.int64)))", TYPE),
            ("polyfast.find_bumps(np.ones(5), 0.5, 1.0, 1, out=(np.empty(3),))", VALUE),
            ("polyfast.find_bumps(T2, 0.5, 1.0, 1, axes=[(9,), (), (), (), (0,), ()])", VALUE),
            ("polyfast.find_bumps(T2, 0.5, 1.0, 2**70)", OVERFLOW),
            ("polyfast.find_bumps(np.broadcast_to(np.float64(1), (2**40,)), 0.5, 0.0, 1)",
             HUGE),
            ("polyfast.find_bumps(np.empty((3, 0)), 0.5, 1.0, 1)", ()),  # valid: n == 0
            ("polyfast.find_bumps(T2, np.nan, np.inf, -1)", ()),  # valid: non-finite
        ),
        work="polyfast.find_bumps(BIGT, 0.5, 1.0, 2)",
        # dask cannot size the output core dimension m itself: the recipe of docs/ecosystem.md.
        dask=(("find_bumps_dask(da.from_array(BIGT, chunks=(100, 250)), 0.5, 1.0, 2)",
               "polyfast.find_bumps(BIGT, 0.5, 1.0, 2)"),),
        xarray=(("xr.apply_ufunc(polyfast.find_bumps, DT, 0.5, 1.0, 2, "
                 "input_core_dims=[['bin'], [], [], []], output_core_dims=[['bump'], []], "
                 "dask='parallelized', output_dtypes=[float, np.int64], "
                 "dask_gufunc_kwargs={'output_sizes': {'bump': 100}})",
                 "polyfast.find_bumps(DT.values, 0.5, 1.0, 2)"),),
    ),
    Entry(
        name="pv_locations",
        kind="function",
        good=("polyfast.pv_locations(T1, 0.5, 1.0, 2)", "polyfast.pv_locations(T2, 0.5, 1.0, 2)",
              "polyfast.pv_locations(T2[0].tolist(), 0.5, 1.0, 2)"),
        bad=(
            ("polyfast.pv_locations(None, 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations('abc', 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations(b'abc', 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations(OBJ, 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations(np.ones(3, dtype=complex), 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations(np.float32(1), 0.5, 1.0, 2)", VALUE),
            ("polyfast.pv_locations(np.ones((2, 2, 2)), 0.5, 1.0, 2)", VALUE),
            ("polyfast.pv_locations([[1.0, 2.0], [1.0]], 0.5, 1.0, 2)", VALUE),
            ("polyfast.pv_locations(T1, None, 1.0, 2)", TYPE),
            ("polyfast.pv_locations(T1, 'a', 1.0, 2)", TYPE),
            ("polyfast.pv_locations(T1, np.ones(2), 1.0, 2)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1j, 2)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, 2.0)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, True)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, None)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, np.ones(2, dtype=int))", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0)", TYPE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, 2, 3)", TYPE),
            ("polyfast.pv_locations(np.broadcast_to(np.float32(0), (2**50, 1)), 0.5, 0.0, 1)",
             HUGE),
            ("polyfast.pv_locations(T1, 0.5, 1.0, 2**100)", ()),   # valid: clipped
            ("polyfast.pv_locations(T1, 0.5, 1.0, -2**100)", ()),  # valid: clipped
            ("polyfast.pv_locations(T1, np.nan, np.inf, 2)", ()),  # valid: finds nothing
            ("polyfast.pv_locations(T1, 1e300, -1e300, 2)", ()),   # valid: inf in float32
            ("polyfast.pv_locations(np.empty(0), 0.5, 1.0, 2)", ()),
            ("polyfast.pv_locations(np.empty((0, 5)), 0.5, 1.0, 2)", ()),
        ),
        work="polyfast.pv_locations(BIGT, 0.5, 1.0, 2)",
        dask=(("pv_locations_dask(da.from_array(BIGT, chunks=(100, 1000)), 0.5, 1.0, 2)",
               "polyfast.pv_locations(BIGT, 0.5, 1.0, 2)"),),
        not_applicable={"xarray": "returns a list of ragged arrays, no labelled result"},
    ),
    Entry(
        name="pv_locations_ragged",
        kind="function",
        good=("polyfast.pv_locations_ragged(T2, 0.5, 1.0, 2)",
              "polyfast.pv_locations_ragged(T2[::2, ::-1].astype(np.float32), 0.5, 1.0, 2)"),
        bad=(
            ("polyfast.pv_locations_ragged(None, 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations_ragged(OBJ.reshape(1, 2), 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations_ragged(T1, 0.5, 1.0, 2)", VALUE),  # 1-D
            ("polyfast.pv_locations_ragged(np.ones((2, 2, 2)), 0.5, 1.0, 2)", VALUE),
            ("polyfast.pv_locations_ragged(T2, [0.5], 1.0, 2)", TYPE),
            ("polyfast.pv_locations_ragged(T2, 0.5, None, 2)", TYPE),
            ("polyfast.pv_locations_ragged(T2, 0.5, 1.0, 2.5)", TYPE),
            ("polyfast.pv_locations_ragged(T2, 0.5, 1.0, '2')", TYPE),
            ("polyfast.pv_locations_ragged(np.ones((2, 3), dtype='U1'), 0.5, 1.0, 2)", TYPE),
            ("polyfast.pv_locations_ragged(np.broadcast_to(np.float32(0), (2**50, 1)), "
             "0.5, 0.0, 1)", HUGE),
            ("polyfast.pv_locations_ragged(np.empty((0, 0)), 0.5, 1.0, 2)", ()),
        ),
        work="polyfast.pv_locations_ragged(BIGT, 0.5, 1.0, 2)",
        dask=(("pv_locations_ragged_dask(da.from_array(BIGT, chunks=(100, 1000)), "
               "0.5, 1.0, 2)", "polyfast.pv_locations_ragged(BIGT, 0.5, 1.0, 2)"),),
        not_applicable={"xarray": "returns (values, offsets), no labelled result"},
    ),
    Entry(
        name="norm_pdf",
        kind="ufunc",
        good=("polyfast.norm_pdf(0.3, 1.5, X)",
              "polyfast.norm_pdf(X32[:500], np.float32(2), X32[::-2])",
              "polyfast.norm_pdf(XS, X[:334], 0.5, out=OUT)"),  # scale <= 0 items: nan
        bad=(
            ("polyfast.norm_pdf(None, 1.0, X)", TYPE),
            ("polyfast.norm_pdf(0.0, None, X)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, None)", TYPE),
            ("polyfast.norm_pdf(0.0, 'a', X)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, OBJ)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, [[1.0, 2.0], [1.0]])", VALUE),
            ("polyfast.norm_pdf(0.0, 1.0)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, X, X, X)", TYPE),
            ("polyfast.norm_pdf(np.ones(2), 1.0, np.ones(3))", VALUE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), out=np.ones(4))", VALUE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), out=np.ones(3, dtype=np.int64))", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), out=np.ones(3)[::-1])", ()),  # valid
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), dtype=np.int64)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), casting='bogus')", VALUE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), where=np.ones(4, dtype=bool))", VALUE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3), bogus=1)", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3, dtype=complex))", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3, dtype='M8[s]'))", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3, dtype=np.longdouble))", TYPE),
            ("polyfast.norm_pdf(0.0, 1.0, np.broadcast_to(1.0, (10**7, 10**7)))", HUGE),
            ("polyfast.norm_pdf(np.broadcast_to(np.float32(0), (2**40, 2**30)), 1.0, 0.0)",
             HUGE),
            ("polyfast.norm_pdf.reduce(np.ones(3))", VALUE),
            ("polyfast.norm_pdf(0, 1, np.arange(3))", ()),  # valid: ints cast to float64
            ("polyfast.norm_pdf(0.0, 1.0, np.ones(3, dtype=np.float16))", ()),  # float32 loop
            ("polyfast.norm_pdf(0.0, np.array([0.0, -0.0, -1.0, -np.inf, np.nan]), X[:5])",
             ()),  # valid: scale <= 0 gives nan
            ("polyfast.norm_pdf(np.nan, np.inf, np.full(3, np.inf))", ()),  # valid: non-finite
            ("polyfast.norm_pdf(0.0, 1e-320, X)", ()),  # valid: subnormal scale
            ("polyfast.norm_pdf(0.0, 1.0, np.empty(0))", ()),
        ),
        work="polyfast.norm_pdf(0.3, 1.5, BIG)",
        dask=(("polyfast.norm_pdf(0.3, 1.5, da.from_array(BIG, chunks=70_000))",
               "polyfast.norm_pdf(0.3, 1.5, BIG)"),),
        xarray=(("polyfast.norm_pdf(0.3, 1.5, DA)",
                 "polyfast.norm_pdf(0.3, 1.5, DA.values)"),),
    ),
    Entry(
        name="sampler",
        kind="function",
        good=("polyfast.sampler(D)",  # NumPy's global legacy state, as the notebook
              "polyfast.sampler(D, 30, rng=GEN)",
              "polyfast.sampler(XS, 8, 1.0, 0.3, False, 0.5, 2.0, rng=RS)",
              "polyfast.sampler(X32[:50].tolist(), samples=np.int64(5), rng=RS)",
              "polyfast.sampler(np.ones((2, 3)), 5, rng=RS)",  # any shape, as the notebook
              "polyfast.sampler(3.0, 5, rng=RS)"),
        bad=(
            # data
            ("polyfast.sampler(None)", TYPE),
            ("polyfast.sampler('abc')", TYPE),
            ("polyfast.sampler(b'abc')", TYPE),
            ("polyfast.sampler(OBJ)", TYPE),
            ("polyfast.sampler([1.0, 'a'])", TYPE),
            ("polyfast.sampler([[1.0, 2.0], [1.0]])", TYPE + VALUE),
            ("polyfast.sampler(np.ones(3, dtype=complex))", TYPE),
            ("polyfast.sampler(np.ones(3, dtype=bool))", TYPE),
            ("polyfast.sampler(np.ones(3, dtype='M8[s]'))", TYPE),
            ("polyfast.sampler(np.array([1.0, np.nan]))", VALUE),
            ("polyfast.sampler(np.array([1.0, -np.inf]))", VALUE),
            ("polyfast.sampler(np.array([1.0, np.inf], dtype=np.float32))", VALUE),
            # samples
            ("polyfast.sampler(D, samples=-1)", VALUE),
            ("polyfast.sampler(D, samples=-2**70)", VALUE),
            ("polyfast.sampler(D, samples=2.0)", TYPE),
            ("polyfast.sampler(D, samples=2.5)", TYPE),
            ("polyfast.sampler(D, samples=True)", TYPE),
            ("polyfast.sampler(D, samples=None)", TYPE),
            ("polyfast.sampler(D, samples='3')", TYPE),
            ("polyfast.sampler(D, samples=np.array([3]))", TYPE),
            ("polyfast.sampler(D, samples=2**40)", HUGE),   # an 8 TiB chain
            ("polyfast.sampler(D, samples=2**62)", VALUE + OVERFLOW),
            ("polyfast.sampler(D, samples=2**70)", VALUE + OVERFLOW),
            # the other parameters
            ("polyfast.sampler(D, proposal_width=0)", VALUE),
            ("polyfast.sampler(D, proposal_width=-0.5)", VALUE),
            ("polyfast.sampler(D, proposal_width=np.nan)", VALUE),
            ("polyfast.sampler(D, proposal_width=np.inf)", VALUE),
            ("polyfast.sampler(D, proposal_width=None)", TYPE),
            ("polyfast.sampler(D, proposal_width='a')", TYPE),
            ("polyfast.sampler(D, proposal_width=1j)", TYPE),
            ("polyfast.sampler(D, proposal_width=np.array([0.5]))", TYPE),
            ("polyfast.sampler(D, mu_prior_sd=0)", VALUE),
            ("polyfast.sampler(D, mu_prior_sd=-1.0)", VALUE),
            ("polyfast.sampler(D, mu_prior_sd=np.nan)", VALUE),
            ("polyfast.sampler(D, mu_prior_sd=True)", TYPE),
            ("polyfast.sampler(D, mu_init=np.nan)", VALUE),
            ("polyfast.sampler(D, mu_init=-np.inf)", VALUE),
            ("polyfast.sampler(D, mu_init=None)", TYPE),
            ("polyfast.sampler(D, mu_prior_mu=np.inf)", VALUE),
            ("polyfast.sampler(D, mu_prior_mu='0')", TYPE),
            ("polyfast.sampler(D, plot=True)", NOT_IMPLEMENTED),  # documented
            ("polyfast.sampler(D, plot=np.ones(2))", VALUE),  # truth value ambiguous
            ("polyfast.sampler(D, rng=1)", TYPE),
            ("polyfast.sampler(D, rng='seed')", TYPE),
            ("polyfast.sampler(D, rng=np.random.MT19937(0))", TYPE),
            ("polyfast.sampler(D, rng=np.random)", TYPE),
            ("polyfast.sampler()", TYPE),
            ("polyfast.sampler(D, 4, 0.5, 0.5, False, 0, 1.0, None)", TYPE),  # rng keyword-only
            ("polyfast.sampler(D, bogus=1)", TYPE),
            # valid edge cases
            ("polyfast.sampler(D, samples=0)", ()),
            ("polyfast.sampler(np.empty(0), 5, rng=GEN)", ()),
            ("polyfast.sampler(np.arange(5, dtype=np.uint64), 5, rng=GEN)", ()),
            ("polyfast.sampler(np.ones(5, dtype='>f8'), 5, rng=GEN)", ()),
            ("polyfast.sampler(np.array([1e308, -1e308, 1e308]), 5, rng=GEN)", ()),
            ("polyfast.sampler(D, 5, proposal_width=1e-320, mu_prior_sd=1e300, rng=GEN)", ()),
            ("polyfast.sampler(D, 5, mu_init=1e308, proposal_width=1e308, rng=RS)", ()),
            ("polyfast.sampler(D, 20, mu_prior_mu=-1e200, rng=GEN)", ()),  # regression
            ("polyfast.sampler(D, 20, mu_prior_sd=1e-160, rng=RS)", ()),    # regression
            ("polyfast.sampler(D, rng=np.random.Generator(np.random.Philox(1)))", ()),
            ("polyfast.sampler(D, rng=np.random.RandomState(np.random.PCG64(1)))", ()),
        ),
        # fresh generators: deterministic whatever the threads do
        work=("(polyfast.sampler(D, 20_000, rng=np.random.default_rng(7)), "
              "polyfast.sampler(BIG, 2_000, proposal_width=0.01, rng=np.random.RandomState(7)))"),
        not_applicable={"dask": "a sequential Markov chain over the whole data set: no "
                                "blockwise structure for dask to map",
                        "xarray": "returns an unlabelled chain of samples + 1 draws; the "
                                  "data's coordinates do not carry over"},
    ),
    Entry(
        name="set_num_threads",
        kind="config",
        good=("polyfast.set_num_threads(NT)", "polyfast.set_num_threads(np.int64(NT))"),
        bad=(
            ("polyfast.set_num_threads(None)", TYPE),
            ("polyfast.set_num_threads(0)", VALUE),
            ("polyfast.set_num_threads(-1)", VALUE),
            ("polyfast.set_num_threads(257)", VALUE),
            ("polyfast.set_num_threads(2**70)", VALUE + OVERFLOW),
            ("polyfast.set_num_threads(-2**70)", VALUE + OVERFLOW),
            ("polyfast.set_num_threads(2.0)", TYPE),
            ("polyfast.set_num_threads(float('nan'))", TYPE),
            ("polyfast.set_num_threads(True)", TYPE),
            ("polyfast.set_num_threads('2')", TYPE),
            ("polyfast.set_num_threads(np.ones(2, dtype=int))", TYPE),
            ("polyfast.set_num_threads()", TYPE),
            ("polyfast.set_num_threads(1, 2)", TYPE),
        ),
        work="polyfast.set_num_threads(polyfast.get_num_threads())",
        not_applicable={"dask": "configuration, no array argument",
                        "xarray": "configuration, no array argument"},
    ),
    *(
        Entry(
            name=name,
            kind="config",
            good=(f"polyfast.{name}()",),
            bad=((f"polyfast.{name}(1)", TYPE), (f"polyfast.{name}(None)", TYPE),
                 (f"polyfast.{name}(x=1)", TYPE)),
            work=f"polyfast.{name}() and None",  # the value itself may change
            not_applicable={"dask": "configuration, no array argument",
                            "xarray": "configuration, no array argument"},
        )
        for name in ("get_num_threads", "get_simd_level", "get_cpu_simd_level", "show_config")
    ),
    *(
        Entry(
            name=f"notebook.{name}",
            kind="function",
            good=(f"notebook.{name}((16, 16), 20)", f"notebook.{name}((7, 3), 5)",
                  f"notebook.{name}((4, 4), 0)"),
            bad=(
                (f"notebook.{name}(None, 10)", TYPE),
                (f"notebook.{name}(5, 10)", TYPE),
                (f"notebook.{name}((5,), 10)", TYPE + VALUE),
                (f"notebook.{name}((5, 5, 5), 10)", TYPE + VALUE),
                (f"notebook.{name}('ab', 10)", TYPE),
                (f"notebook.{name}((5.0, 5), 10)", TYPE),
                (f"notebook.{name}((5, None), 10)", TYPE),
                (f"notebook.{name}((5, 5), 10.5)", TYPE),
                (f"notebook.{name}((5, 5), None)", TYPE),
                (f"notebook.{name}((5, 5), np.nan)", TYPE),
                (f"notebook.{name}((5, 5), np.inf)", TYPE),
                (f"notebook.{name}((5, 5), '10')", TYPE),
                (f"notebook.{name}((-1, 5), 10)", VALUE),
                (f"notebook.{name}((5, -1), 0)", VALUE),
                (f"notebook.{name}((10**7, 10**7), 10)", HUGE),
                (f"notebook.{name}((10**7, 10**7), 0)", HUGE),
                (f"notebook.{name}((2**63, 2), 10)", HUGE + OVERFLOW),
                (f"notebook.{name}(np.array([5, 5]), 10)", ()),  # valid: array size
                (f"notebook.{name}((0, 0), 10)", ()),            # valid: empty picture
                (f"notebook.{name}((3, 3), -2**70)", ()),        # valid: zeros
                (f"notebook.{name}((5, 5))", TYPE),
            ),
            work=f"notebook.{name}((300, 300), 60)",
            not_applicable={"dask": "builds its own grid; no array argument",
                            "xarray": "builds its own grid; no array argument"},
        )
        for name in ("make_fractal", "make_fractal_nb")
    ),
)


# --------------------------------------------------------------------------
# polyfast.notebook's drop-ins: the polynomial twins of polyfast.poly8 from one
# template, the others renamed from the entries of the functions they wrap.
# --------------------------------------------------------------------------

# What every polynomial twin must do with a bad or edge-case argument `{f}`.
_POLY_TWIN_BAD = (
    ("{f}(None)", TYPE),
    ("{f}('abc')", TYPE),
    ("{f}(OBJ)", TYPE),
    ("{f}([[1.0, 2.0], [1.0]])", VALUE),
    ("{f}()", TYPE),
    ("{f}(X, X, X)", TYPE),
    ("{f}(np.ones(3, dtype='M8[s]'))", TYPE),
    ("{f}(np.arange(3))", ()),        # valid: ints computed in float64
    ("{f}(np.full(3, np.nan))", ()),  # valid: non-finite inputs
)
# Twins that are plain functions of one argument: ufunc keywords are refused.
_POLY_TWIN_PLAIN_BAD = (
    ("{f}(XS, out=OUT)", TYPE),
    ("{f}(np.broadcast_to(1.0, (10**7, 10**7)))", HUGE),
)
# The numba-ufunc twins: a double -> double ufunc, keywords passed on to poly8.
_POLY_TWIN_UFUNC_BAD = (
    ("{f}(np.ones(3, dtype=complex))", TYPE),
    ("{f}(np.ones(3), out=np.ones(4))", VALUE),
    ("{f}(np.ones(3), out=np.ones(3, dtype=np.int64))", TYPE),
    ("{f}(np.ones(3), dtype=np.int64)", TYPE),
    ("{f}(np.ones(3), casting='bogus')", VALUE),
    ("{f}(np.ones(3), bogus=1)", TYPE),
    ("{f}(np.broadcast_to(1.0, (10**7, 10**7)))", HUGE),
    ("{f}(X32)", ()),  # valid: float32 computed in float64
)
# f_cython: the memoryview double[:] takes real 1-D arrays only.
_POLY_TWIN_CYTHON_BAD = (
    ("{f}(np.ones(3, dtype=complex))", TYPE),
    ("{f}(np.ones((2, 3)))", VALUE),
    ("{f}(1.0)", VALUE),
    ("{f}(XS, out=OUT)", TYPE),
    ("{f}(np.broadcast_to(1.0, (2**50,)))", HUGE),
    ("{f}(np.ones(3, dtype=bool))", ()),  # valid: converted to float64
)
_EAGER = "converts its argument with np.asarray: computes eagerly, returns an ndarray"
_LAZY = {"dask": ("{f}(da.from_array(BIG, chunks=70_000))", "polyfast.poly8(BIG)"),
         "xarray": ("{f}(DA)", "polyfast.poly8(DA.values)")}
# The numba-ufunc twins get float64 dask input: dask's __array_ufunc__ takes their
# dtype=np.float64 as the output dtype, so on float32 chunks poly8 runs in float32
# and is upcast afterwards (known, not polyfast's to fix).

_COMPLEX_OK = ("{f}(Z)",)
# name -> extra good calls, extra bad cases, dask/xarray expressions (None: eager)
_POLY_TWINS: dict[str, dict] = {
    **{name: dict(good=_COMPLEX_OK, bad=_POLY_TWIN_PLAIN_BAD, eco=_LAZY)
       for name in ("f_numpy", "f_nest_numpy", "f_mem_numpy", "f_numba_simple",
                    "f_numba_nest", "f_numba_parallel")},
    "f_simple": dict(good=_COMPLEX_OK, bad=_POLY_TWIN_PLAIN_BAD, eco=None),
    "f_numexper": dict(good=_COMPLEX_OK + ("{f}(0.5)",), bad=_POLY_TWIN_PLAIN_BAD, eco=None),
    "f_cython": dict(good=(), bad=_POLY_TWIN_CYTHON_BAD, eco=None),
    **{name: dict(good=("{f}(XS, out=OUT)",), bad=_POLY_TWIN_UFUNC_BAD, eco=_LAZY)
       for name in ("f_numba_simple_ufunc", "f_numba_nest_ufunc")},
}


def _poly_twin(name: str, good: tuple[str, ...], bad: tuple, eco: dict | None) -> Entry:
    """The Entry of the polynomial twin notebook.`name` (a wrapper of polyfast.poly8)."""
    f = f"notebook.{name}"
    return Entry(
        name=f,
        kind="function",
        good=tuple(c.format(f=f) for c in ("{f}(X)", "{f}(X32[::2])", "{f}(XS)") + good),
        bad=tuple((c.format(f=f), accepted) for c, accepted in _POLY_TWIN_BAD + bad),
        work=f"{f}(BIG)",
        dask=(tuple(e.format(f=f) for e in eco["dask"]),) if eco else (),
        xarray=(tuple(e.format(f=f) for e in eco["xarray"]),) if eco else (),
        not_applicable={} if eco else {"dask": _EAGER, "xarray": _EAGER},
    )


def _renamed(name: str, drop: tuple[str, ...]) -> Entry:
    """notebook.`name` from the entry of polyfast.`name`, which it calls: the same
    calls, less the ones in `drop` (ufunc attributes a plain function lacks)."""
    base = next(e for e in ENTRIES_HAND if e.name == name)

    def swap(expr):
        return expr.replace(f"polyfast.{name}(", f"notebook.{name}(")

    return dataclasses.replace(
        base,
        name=f"notebook.{name}",
        kind="function",
        good=tuple(swap(c) for c in base.good),
        bad=tuple((swap(c), accepted) for c, accepted in base.bad if c not in drop),
        work=swap(base.work) if base.work else None,
        dask=tuple((swap(e), n) for e, n in base.dask),
        xarray=tuple((swap(e), n) for e, n in base.xarray),
    )


UFUNCS: list[str] = module_ufuncs()
UFUNC_EXTRAS: dict[str, Entry] = {e.name: e for e in ENTRIES_HAND if e.name in UFUNCS}


def ufunc_entry(name: str) -> Entry:
    """The entry of module ufunc `name`: its generic cases (from the ufunc
    object), plus the hand-written extras of `UFUNC_EXTRAS` if any."""
    import polyfast

    generic = generic_ufuncs.generic_cases(name)
    extra = UFUNC_EXTRAS.get(name, Entry(name=name, kind=""))
    works = [w for w in (generic["work"], extra.work) if w]
    dask = generic["dask"] + extra.dask
    xarray = generic["xarray"] + extra.xarray
    reasons = {**generic["not_applicable"], **extra.not_applicable}
    return Entry(
        name=name,
        kind="ufunc" if getattr(polyfast, name).signature is None else "gufunc",
        good=generic["good"] + extra.good,
        bad=generic["bad"] + extra.bad,
        work=works[0] if len(works) == 1 else f"({', '.join(works)})" if works else None,
        dask=dask,
        xarray=xarray,
        not_applicable={k: v for k, v in reasons.items()
                        if not (dask if k == "dask" else xarray)},
    )


ENTRIES: tuple[Entry, ...] = (
    *(ufunc_entry(name) for name in UFUNCS),
    *(e for e in ENTRIES_HAND if e.name not in UFUNCS),
    *(_poly_twin(name, **how) for name, how in _POLY_TWINS.items()),
    _renamed("pv_locations", drop=()),
    _renamed("norm_pdf", drop=("polyfast.norm_pdf.reduce(np.ones(3))",)),
    _renamed("sampler", drop=()),
)

BY_NAME = {entry.name: entry for entry in ENTRIES}


def public_names() -> list[str]:
    """Every public name the table must cover."""
    import polyfast
    import polyfast.notebook

    return sorted(polyfast.__all__) + sorted(
        f"notebook.{n}" for n in polyfast.notebook.__all__)


def resolve(name: str):
    import polyfast
    import polyfast.notebook

    if name.startswith("notebook."):
        return getattr(polyfast.notebook, name.split(".", 1)[1])
    return getattr(polyfast, name)


def digest(value) -> str:
    """A stable fingerprint of a result (arrays by dtype, shape and bytes)."""
    import hashlib

    h = hashlib.sha256()

    def feed(v):
        if isinstance(v, np.ndarray) or isinstance(v, np.generic):
            a = np.ascontiguousarray(v)
            h.update(f"A{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(v, (list, tuple)):
            h.update(f"L{len(v)}".encode())
            for item in v:
                feed(item)
        else:
            h.update(repr(v).encode())

    feed(value)
    return h.hexdigest()


def run_work(name: str) -> str:
    """Digest of the entry's `work` call in a fresh namespace (for worker processes)."""
    ns = namespace()
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return digest(eval(BY_NAME[name].work, ns))
