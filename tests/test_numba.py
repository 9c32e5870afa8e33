"""polyfast inside numba-compiled code (API.md section 6; polyfast/_numba.py).

Every result is compared bit for bit, with its dtype, against the ufunc
called from Python.  numba compiles take a second or so each: the tests
share a few jitted functions, specialised per argument type.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import polyfast
import polyfast.notebook as pn

numba = pytest.importorskip("numba")
from numba.core.errors import TypingError  # noqa: E402

RNG = np.random.default_rng(21)
SPECIAL = [0.0, -0.0, 1.0, -1.5, 1e30, -1e30, np.inf, -np.inf, np.nan, 5e-324]


@numba.njit
def poly8_call(x):
    return polyfast.poly8(x)


@numba.njit
def norm_pdf_call(loc, scale, x):
    return polyfast.norm_pdf(loc, scale, x)


@numba.njit
def mandelbrot_call(c, maxiter):
    return polyfast.mandelbrot(c, maxiter)


@numba.njit
def polyval_call(x, c):
    return polyfast.polyval(x, c)


@numba.njit
def grid_call(x, y, maxiter):
    return polyfast.mandelbrot_grid(x, y, maxiter)


@numba.njit
def poly8_each(x, out):
    for i in range(x.size):
        out[i] = polyfast.poly8(x[i])


@numba.njit
def norm_pdf_each(loc, scale, x, out):
    for i in range(x.size):
        out[i] = polyfast.norm_pdf(loc[i], scale[i], x[i])


@numba.njit
def mandelbrot_each(c, maxiter, out):
    for i in range(c.size):
        out[i] = polyfast.mandelbrot(c[i], maxiter[i])


def returned_type(dispatcher):
    """The numba type the last compiled specialisation returns."""
    return dispatcher.nopython_signatures[-1].return_type


def values(dtype, n=4096):
    real = np.concatenate([SPECIAL, RNG.normal(scale=2.0, size=n)])
    with np.errstate(all="ignore"):
        if np.dtype(dtype).kind == "c":
            return (real + 1j * real[::-1]).astype(dtype)
        return real.astype(dtype)


@pytest.mark.parametrize("dtype", ["f4", "f8", "c8", "c16"])
def test_poly8_scalar_every_dtype(dtype, assert_same_bits):
    x = values(dtype)
    with np.errstate(all="ignore"):
        want = polyfast.poly8(x)
    got = np.empty_like(want)
    poly8_each(x, got)
    assert_same_bits(got, want)
    poly8_call(x[5])  # the scalar call's own type is the ufunc's
    assert returned_type(poly8_call) == numba.from_dtype(want.dtype)


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_norm_pdf_scalar_every_dtype(dtype, assert_same_bits):
    x = values(dtype)
    loc = RNG.normal(size=x.size).astype(dtype)
    scale = np.abs(RNG.normal(size=x.size)).astype(dtype)
    scale[:3] = [0.0, -1.0, np.inf]
    want = polyfast.norm_pdf(loc, scale, x)
    got = np.empty_like(want)
    norm_pdf_each(loc, scale, x, got)
    assert_same_bits(got, want)


@pytest.mark.parametrize("dtype", ["c8", "c16"])
def test_mandelbrot_scalar_every_dtype(dtype, assert_same_bits):
    # Points of the set (the interior and cycle traps), near its boundary and
    # outside, with limits from 0 to past the traps' thresholds.
    xs = np.linspace(-2.1, 0.6, 40)
    c = (xs[None, :] + 1j * np.linspace(-1.2, 1.2, 25)[:, None]).ravel().astype(dtype)
    c = np.concatenate([c, np.array([np.nan, np.inf, -0.75 + 0.1j, 0.25 + 1e-7j], dtype)])
    maxiter = RNG.choice([0, 1, 7, 50, 1000, 5000], size=c.size).astype(np.int64)
    want = polyfast.mandelbrot(c, maxiter)
    got = np.empty_like(want)
    mandelbrot_each(c, maxiter, got)
    assert_same_bits(got, want)


@pytest.mark.parametrize("dtype", ["c8", "c16"])
def test_mandelbrot_scalar_entry_every_path(dtype, assert_same_bits):
    """A scalar call runs an inline prefix (all of a point below the traps'
    maxiter, the first steps above it) and then the flag-free C entry
    (polyfast/_numba_overloads.py): the ufunc's counts on each side of every
    threshold, for NaN, infinite and huge components, up to huge limits."""
    xs = np.linspace(-2.1, 0.6, 31)
    c = (xs[None, :] + 1j * np.linspace(-1.2, 1.2, 17)[:, None]).ravel()
    edge = [np.nan, complex(np.nan, 1), complex(1, np.nan), np.inf, -np.inf,
            complex(0, np.inf), complex(-np.inf, np.nan), 1e300 + 1e300j, -0.0, complex(-0.0, -0.0),
            -1.0, -0.1 + 0.1j, 0.3 + 0.5j, -0.75 + 0.1j, -1.3 + 0.06j, 2.0]
    with np.errstate(all="ignore"):
        c = np.concatenate([c, edge]).astype(dtype)
    limits = [-3, 0, 1, 2, 3, 15, 16, 17, 18, 50, 63, 64, 65, 66, 100, 2047, 2048, 2049]
    for maxiter in limits:
        want = polyfast.mandelbrot(c, maxiter)
        got = np.empty_like(want)
        mandelbrot_each(c, np.full(c.size, maxiter, np.int64), got)
        assert_same_bits(got, want)
    # Huge limits: the points that escape, are NaN or are trapped (the others
    # would iterate to the limit, here as from Python).
    with np.errstate(all="ignore"):
        quick = np.array(edge[:8] + [0.0, -1.0, -0.1 + 0.1j, 2.0, 0.3 + 0.9j], dtype=dtype)
    for maxiter in [10**12, 2**63 - 1]:
        for point in quick:
            want = polyfast.mandelbrot(point, maxiter)
            got = mandelbrot_call(point, maxiter)
            assert got == want, (point, maxiter)


def test_scalar_entries_bound_and_checked():
    """Every loop of a spec with numba_point=True has its scalar entry, and a
    capsule whose name is not the signature the loop's types give is refused."""
    import ctypes

    import polyfast._numba as hook
    from polyfast._numba_capi import __pyx_capi__ as capsules

    hook.init()
    assert hook.scalar_entries >= {"mandelbrot.0.scalar", "mandelbrot.1.scalar"}
    assert hook.capsule_name(capsules["mandelbrot.1.scalar"]) == "int64_t (double, double, int64_t)"
    assert hook.capsule_name(capsules["mandelbrot.0.scalar"]) == "int64_t (float, float, int64_t)"
    new = ctypes.pythonapi.PyCapsule_New
    new.restype = ctypes.py_object
    new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    name = ctypes.create_string_buffer(b"int64_t (float, float, int64_t)")  # loop 0's, not 1's
    forged = dict(capsules, **{"mandelbrot.1.scalar": new(1, name, None)})
    with pytest.raises(TypeError, match="mandelbrot.1.scalar"):
        hook.check_signatures(forged)
    hook.check_signatures(capsules)


def test_python_numbers_cast_as_the_ufunc_casts():
    """Python ints, floats and complexes (numba's int64, float64, complex128)."""
    assert poly8_call(2) == polyfast.poly8(2) == 510.0
    assert returned_type(poly8_call) == numba.float64
    assert poly8_call(np.int32(-3)) == polyfast.poly8(np.int32(-3))
    assert poly8_call(0.5 + 1j) == polyfast.poly8(0.5 + 1j)
    assert norm_pdf_call(0.4, 0.7, 0.2) == polyfast.norm_pdf(0.4, 0.7, 0.2)
    assert norm_pdf_call(0, 1, 1) == polyfast.norm_pdf(0, 1, 1)
    assert mandelbrot_call(0.3 + 0.5j, 100) == polyfast.mandelbrot(0.3 + 0.5j, 100) == 100
    assert mandelbrot_call(-2.0, np.int32(9)) == polyfast.mandelbrot(-2.0, np.int32(9))
    assert mandelbrot_call(np.complex64(1), 9) == polyfast.mandelbrot(np.complex64(1), 9)


def layouts():
    base = RNG.normal(size=(6, 8, 5))
    return {
        "1-D": base[0, 0],
        "C 3-D": base,
        "F 2-D": np.asfortranarray(base[0]),
        "strided": base[::2, 1::3, ::2],
        "negative strides": base[::-1, :, ::-2],
        "transposed": base.transpose(2, 0, 1),
        "0-d": np.array(1.25),
        "empty": base[:, :0],
        "float32": base[1].astype(np.float32)[::-1],
        "complex128": (base[2] + 1j * base[3]),
        "int64 (cast)": np.arange(-5, 6),
    }


@pytest.mark.parametrize("name", list(layouts()))
def test_poly8_arrays_every_layout(name, assert_same_bits):
    x = layouts()[name]
    got = poly8_call(x)
    assert isinstance(got, np.ndarray) or x.ndim == 0  # NumPy gives a 0-d input a scalar
    assert_same_bits(got, polyfast.poly8(x))


def test_arrays_large_and_threaded(notebook_x, num_threads, assert_same_bits):
    num_threads(2)
    assert_same_bits(poly8_call(notebook_x), polyfast.poly8(notebook_x))
    c = notebook_x[:300_000].reshape(-1, 2).view(np.complex128)[::-1]
    assert_same_bits(mandelbrot_call(c, 200), polyfast.mandelbrot(c, 200))


def test_broadcasting(assert_same_bits):
    x = RNG.normal(size=(4, 5))
    loc = RNG.normal(size=5)
    scale = np.abs(RNG.normal(size=(4, 1)))
    assert_same_bits(norm_pdf_call(loc, scale, x), polyfast.norm_pdf(loc, scale, x))
    assert_same_bits(norm_pdf_call(0.5, 2.0, x.T), polyfast.norm_pdf(0.5, 2.0, x.T))
    x32 = x.astype(np.float32)  # a Python float does not widen float32 arrays
    assert_same_bits(norm_pdf_call(0.5, 2.0, x32), polyfast.norm_pdf(0.5, 2.0, x32))
    c = (x + 1j * x[::-1]).astype(np.complex64)
    maxiter = np.array([[3], [10], [50], [1000]])
    assert_same_bits(mandelbrot_call(c, maxiter), polyfast.mandelbrot(c, maxiter))
    assert_same_bits(mandelbrot_call(c, 40), polyfast.mandelbrot(c, 40))


def test_polyval_and_grid(assert_same_bits):
    coef = RNG.normal(size=9)
    for x in (0.75, np.float32(0.5), RNG.normal(size=7), RNG.normal(size=(3, 4))[:, ::-1]):
        want = polyfast.polyval(x, coef)
        assert_same_bits(polyval_call(x, coef), want)
    x32, c32 = RNG.normal(size=(2, 3)).astype(np.float32), coef[::2].astype(np.float32)
    assert_same_bits(polyval_call(x32, c32), polyfast.polyval(x32, c32))
    assert_same_bits(polyval_call(x32, c32[:0]), polyfast.polyval(x32, c32[:0]))
    x = np.linspace(-2, 1, 61)
    y = np.linspace(-1.2, 1.2, 33)[::-1]
    for maxiter in (20, 1000):
        assert_same_bits(grid_call(x, y, maxiter), polyfast.mandelbrot_grid(x, y, maxiter))
    x32, y32 = x.astype(np.float32)[::2], y.astype(np.float32)
    assert_same_bits(grid_call(x32, y32, 50), polyfast.mandelbrot_grid(x32, y32, 50))


def test_prange_and_vectorize(assert_same_bits):
    @numba.njit(parallel=True)
    def counts(c, maxiter):
        out = np.empty(c.size, np.int64)
        for i in numba.prange(c.size):
            out[i] = polyfast.mandelbrot(c[i], maxiter)
        return out

    xs = np.linspace(-2, 0.6, 150)
    c = (xs[None, :] + 1j * xs[:100, None]).ravel()
    assert_same_bits(counts(c, 300), polyfast.mandelbrot(c, 300))

    @numba.vectorize(["float32(float32)", "float64(float64)"])  # NumPy picks the first that fits
    def vectorized(x):
        return polyfast.poly8(x)

    x = values("f8")
    with np.errstate(all="ignore"):
        assert_same_bits(vectorized(x), polyfast.poly8(x))
        assert_same_bits(vectorized(x.astype(np.float32)), polyfast.poly8(x.astype(np.float32)))


def test_guvectorize_body(assert_same_bits):
    @numba.guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
    def rows(x, out):
        for i in range(x.shape[0]):
            out[i] = polyfast.norm_pdf(0.25, 1.5, x[i])

    x = values("f8")[:4104].reshape(-1, 8)  # the special values and most random ones
    assert_same_bits(rows(x), polyfast.norm_pdf(0.25, 1.5, x))


def test_array_calls_from_prange_workers(run_python):
    """Array calls of ~0.1-1 s each from numba's worker threads, whose main
    thread holds the GIL while it waits for them: they must not wait for it
    (the interrupt watch's poll would, 50 ms in)."""
    run_python("""
        import numba, numpy as np, polyfast

        @numba.njit(parallel=True)
        def blocks(c, maxiter):
            out = np.empty((4, c.size), np.int64)
            for b in numba.prange(4):
                out[b] = polyfast.mandelbrot(c, maxiter)
            return out

        c = np.full(20_000, -0.1 + 0.1j)  # inside the set: no trap before 2048 steps
        got = blocks(c, 2000)
        assert (got == polyfast.mandelbrot(c, 2000)).all()
    """, timeout=60)


# The polynomial twins numba can compile; f_cython checks its input's dtype
# kind, and f_numba_*_ufunc take ufunc keywords: Python-level, like their cells.
TWINS = ["f_simple", "f_numpy", "f_nest_numpy", "f_mem_numpy", "f_numexper",
         "f_numba_simple", "f_numba_nest", "f_numba_parallel"]


@pytest.mark.filterwarnings("ignore::numba.NumbaPerformanceWarning")  # nothing to parallelise
@pytest.mark.parametrize("name", TWINS)
def test_twins_under_numba_jit(name, assert_same_bits):
    twin = getattr(pn, name)
    x = values("f8")
    jitted = numba.jit(twin) if name != "f_numba_parallel" else numba.jit(parallel=True)(twin)
    assert_same_bits(jitted(x), twin(x))


def test_refused_types_name_the_function_and_its_types():
    with pytest.raises(TypingError, match=r"polyfast\.poly8\(\) takes \(float32\) or "
                                          r"\(float64\) or \(complex64\) or \(complex128\)"):
        poly8_call("text")
    with pytest.raises(TypingError, match=r"polyfast\.mandelbrot\(\) takes \(complex64, int64\)"):
        mandelbrot_call(0.5j, 2.5)  # a float limit does not cast safely to int64
    with pytest.raises(TypingError, match=r"polyfast\.polyval\(\) takes .*\(\),\(n\)->\(\)"):
        polyval_call(1.0, np.ones((2, 2)))

    @numba.njit
    def bumps(x):
        return polyfast.find_bumps(x, 0.5, 0.0, 1)

    @numba.njit
    def locations(x):
        return polyfast.pv_locations(x, 0.5, 0.0, 1)

    @numba.njit
    def chain(x):
        return polyfast.sampler(x)

    for function, name in ((bumps, "find_bumps"), (locations, "pv_locations"), (chain, "sampler")):
        with pytest.raises(TypingError, match=rf"polyfast\.{name}\(\) is Python-level"):
            function(np.ones(5, np.float32))


def test_cache_in_a_second_process(run_python, tmp_path):
    module = tmp_path / "cached_user.py"
    module.write_text(
        "import numba\nimport numpy as np\nimport polyfast\n\n"
        "@numba.njit(cache=True)\n"
        "def user(x, c):\n"
        "    return polyfast.poly8(x) + polyfast.mandelbrot(c, 100) + polyfast.poly8(x[0])\n")
    code = """
        import numpy as np, polyfast, cached_user
        x = np.linspace(-1, 1, 11)
        got = cached_user.user(x, 0.3 + 0.5j)
        assert np.array_equal(got, polyfast.poly8(x) + 100 + polyfast.poly8(x[0]))
        print(sum(cached_user.user.stats.cache_hits.values()))
    """
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(tmp_path)}
    assert run_python(code, env=env).stdout.split() == ["0"]
    assert run_python(code, env=env).stdout.split() == ["1"]


def test_numba_absent_changes_nothing(run_python):
    """numba blocked: polyfast imports and computes, and its hook says what failed."""
    run_python("""
        import sys
        sys.modules["numba"] = None
        import numpy as np, polyfast, polyfast.notebook
        assert float(polyfast.poly8(2.0)) == 510.0
        assert polyfast.mandelbrot(0j, 9) == 9
        import polyfast._numba as hook
        try:
            hook.init()
        except hook.NumbaHookError as exc:
            assert "while importing numba" in str(exc), exc
        else:
            raise AssertionError("init() without numba did not fail")
    """)
    # With numba installed, importing polyfast imports none of it.
    out = run_python("import sys, polyfast, polyfast.notebook; print('numba' in sys.modules)")
    assert out.stdout.split() == ["False"]


def test_hook_failure_says_what_failed(run_python):
    """numba turns an exception in an extension hook into a warning: ours names the step."""
    out = run_python("""
        import warnings
        import polyfast._numba as hook
        hook.LOOP_SIGNATURE = "void (int)"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import numba
            numba.njit(lambda: 1)()
        for w in caught:
            print(w.message)
    """)
    assert "polyfast's numba hook failed while checking the C signatures" in out.stdout
    assert "capsule 'loop'" in out.stdout


def test_hook_is_idempotent():
    import polyfast._numba as hook

    hook.init()
    hook.init()
    assert hook._initialized
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert poly8_call(1.0) == 8.0
