"""polyfast.mandelbrot and the notebook's make_fractal / make_fractal_nb.

The references live in tests/reference_fractal.py: our transcription of the
notebook's two functions, and a model of the API's definition that rounds
each operation on its own (float64 and float32).
"""

import doctest
import inspect
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import polyfast
import polyfast.notebook
import reference_fractal as ref
from simd_levels import SIMD_LEVELS
from polyfast import mandelbrot
from polyfast.notebook import make_fractal, make_fractal_nb

LEVELS = list(SIMD_LEVELS)
ZOOM_CENTER = -0.745 + 0.113j

# Points whose handling is special: NaN and inf components, signed zeros,
# huge and subnormal values, the boundary points -2 and 1/4, |c| = 2 exactly.
SPECIAL = np.array(
    [
        complex(np.nan, 0), complex(0, np.nan), complex(np.nan, np.nan),
        complex(np.inf, 0), complex(0, np.inf), complex(-np.inf, 0),
        complex(np.inf, np.nan), complex(np.nan, np.inf), complex(np.inf, np.inf),
        0, -0.0, complex(-0.0, -0.0), complex(0, -0.0), 1e300, -1e300, 1e300j,
        1e-320, complex(1e-320, -1e-320), 0.25, 0.25 + 1e-12, -2, 2, 2j, -2j,
        -1, 1j, -0.75, -1.25, 0.3 + 0.5j, -0.1 + 0.65j, 1.5 + 1.5j,
        np.finfo(np.float64).max, complex(0, np.finfo(np.float64).max),
    ]
)


def cast(points, dtype):
    """``points.astype(dtype)``; huge values become inf in complex64, quietly."""
    with np.errstate(over="ignore"):
        return np.asarray(points).astype(dtype)


def notebook_nb(size, iterations):
    """The notebook's loop version on a grid of any size (numba when it is
    installed and the size is square, our masked transcription otherwise)."""
    return ref.make_fractal_nb_vectorized(size, iterations)


@pytest.fixture(scope="module")
def nb_numba():
    jitted = ref.make_fractal_nb_numba()
    if jitted is None:
        pytest.skip("numba is not installed")
    return jitted


@pytest.fixture
def threads():
    """Restores the thread count a test changes."""
    before = polyfast.get_num_threads()
    yield
    polyfast.set_num_threads(before)


# --- the drop-ins against the notebook ----------------------------------------


@pytest.mark.parametrize("size, iterations", [((500, 500), 50), ((257, 257), 100)])
def test_make_fractal_equals_notebook_numpy_version(size, iterations):
    with np.errstate(all="ignore"):
        expected = ref.make_fractal(size, iterations)
    got = make_fractal(size, iterations)
    assert got.dtype == np.int64
    assert got.shape == (size[1], size[0])
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("size, iterations", [((500, 500), 50), ((257, 257), 100)])
def test_make_fractal_nb_equals_notebook_loop_version(size, iterations):
    expected = notebook_nb(size, iterations)
    got = make_fractal_nb(size, iterations)
    assert got.dtype == np.int64
    assert got.shape == (size[1], size[0])
    np.testing.assert_array_equal(got, expected)


def test_make_fractal_nb_equals_numba_compiled_notebook(nb_numba):
    size, iterations = (500, 500), 50
    np.testing.assert_array_equal(make_fractal_nb(size, iterations), nb_numba(size, iterations))


@pytest.mark.parametrize("size, iterations", [((13, 13), 20), ((24, 24), 35)])
def test_masked_transcription_equals_the_literal_loop(size, iterations):
    # The faster reference used above is the notebook's loop, element for element.
    np.testing.assert_array_equal(
        ref.make_fractal_nb_vectorized(size, iterations), ref.make_fractal_nb(size, iterations)
    )


def test_the_two_versions_differ_by_the_off_by_one():
    # make_fractal records the last n with |z_{n+1}| < 2, make_fractal_nb the
    # last n with |z_n| < 2: one apart except where the point never escapes or
    # escapes at once.
    a, b = make_fractal((200, 200), 40), make_fractal_nb((200, 200), 40)
    assert not np.array_equal(a, b)
    diff = b - a
    assert set(np.unique(diff)) <= {0, 1}
    np.testing.assert_array_equal(diff == 0, (a == 39) | (b == 0))


@pytest.mark.parametrize("size", [(7, 300), (300, 7), (120, 80), (1, 9), (9, 1), (1, 1), (64, 65)])
@pytest.mark.parametrize("iterations", [1, 2, 30])
def test_non_square_sizes(size, iterations):
    with np.errstate(all="ignore"):
        expected = ref.make_fractal_any_shape(size, iterations)
    np.testing.assert_array_equal(make_fractal(size, iterations), expected)
    np.testing.assert_array_equal(make_fractal_nb(size, iterations), notebook_nb(size, iterations))


@pytest.mark.parametrize("iterations", [0, -1, -50])
def test_no_iterations_give_zeros(iterations):
    for fn in (make_fractal, make_fractal_nb):
        got = fn((6, 4), iterations)
        assert got.dtype == np.int64
        assert got.shape == (4, 6)
        assert not got.any()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(make_fractal((5, 5), iterations), ref.make_fractal((5, 5), iterations))
    np.testing.assert_array_equal(make_fractal_nb((5, 5), iterations), ref.make_fractal_nb((5, 5), iterations))


def test_iterations_one_and_numpy_integers():
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(make_fractal((9, 9), 1), ref.make_fractal((9, 9), 1))
        np.testing.assert_array_equal(
            make_fractal((9, 9), np.int32(12)), ref.make_fractal((9, 9), 12)
        )
    np.testing.assert_array_equal(make_fractal_nb((9, 9), 1), ref.make_fractal_nb((9, 9), 1))
    with pytest.raises(TypeError):
        make_fractal((9, 9), 2.5)


def test_derivation_from_mandelbrot_against_the_model():
    # make_fractal = max(mandelbrot(c, it + 1) - 2, 0), make_fractal_nb =
    # max(mandelbrot(c, it) - 1, 0), checked against the separately rounded model.
    size, iterations = (90, 70), 60
    c = ref.grid(size)
    m1 = ref.mandelbrot_model(c, iterations + 1)
    m0 = ref.mandelbrot_model(c, iterations)
    np.testing.assert_array_equal(make_fractal(size, iterations), np.maximum(m1 - 2, 0))
    np.testing.assert_array_equal(make_fractal_nb(size, iterations), np.maximum(m0 - 1, 0))


def test_zoomed_boundary_against_separately_rounded_model():
    # Deep on the boundary after 1000 iterations NumPy's fused z**2 may differ
    # from the definition; the separately rounded model may not.
    c = ref.zoom(ZOOM_CENTER, 1e-6, 48)
    got = mandelbrot(c, 1000)
    expected = ref.mandelbrot_model(c, 1000)
    assert 0 < (got == 1000).sum() < got.size  # the window straddles the boundary
    assert len(np.unique(got)) > 20
    np.testing.assert_array_equal(got, expected)


def test_zoomed_boundary_float32_against_float32_model():
    c = ref.zoom(-0.7436 + 0.1318j, 2e-3, 40, dtype=np.complex64)
    got = mandelbrot(c, 500)
    np.testing.assert_array_equal(got, ref.mandelbrot_model(c, 500))
    # float32 really iterates in float32: the float64 counts differ somewhere.
    assert not np.array_equal(got, mandelbrot(c.astype(np.complex128), 500))


# --- the model itself ---------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_scalar_model_equals_vectorized_model(dtype):
    rng = np.random.default_rng(7)
    points = np.concatenate(
        [SPECIAL, ref.zoom(ZOOM_CENTER, 1e-4, 9).ravel(), rng.uniform(-2, 2, 60) + 1j * rng.uniform(-2, 2, 60)]
    )
    points = cast(points, dtype)
    ftype = np.float32 if dtype == np.complex64 else np.float64
    for maxiter in (0, 1, 2, 3, 300):
        vector = ref.mandelbrot_model(points, maxiter)
        scalar = [ref.mandelbrot_point(c, maxiter, ftype) for c in points]
        np.testing.assert_array_equal(vector, scalar)


# --- the ufunc ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("size, maxiter", [((500, 500), 51), ((257, 257), 100), ((61, 37), 2000)])
def test_grids_against_model(dtype, size, maxiter):
    c = ref.grid(size, dtype)
    np.testing.assert_array_equal(mandelbrot(c, maxiter), ref.mandelbrot_model(c, maxiter))


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("maxiter", [-(2**63), -7, -1, 0, 1, 2, 3, 4, 25])
def test_small_and_negative_maxiter(dtype, maxiter):
    c = cast(np.concatenate([SPECIAL, ref.grid((21, 21)).ravel()]), dtype)
    got = mandelbrot(c, maxiter)
    np.testing.assert_array_equal(got, ref.mandelbrot_model(c, maxiter))
    if maxiter < 1:
        assert not got.any()
    if maxiter == 1:
        assert (got == 1).all()


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_per_element_maxiter(dtype):
    rng = np.random.default_rng(3)
    c = cast(np.concatenate([SPECIAL, ref.grid((40, 40)).ravel()]), dtype)
    maxiter = rng.integers(-3, 80, c.shape)
    got = mandelbrot(c, maxiter)
    np.testing.assert_array_equal(got, ref.mandelbrot_model(c, maxiter))
    # broadcasting: one limit per column
    grid = ref.grid((30, 20), dtype)
    limits = np.arange(30) * 3 - 5
    np.testing.assert_array_equal(mandelbrot(grid, limits), ref.mandelbrot_model(grid, limits))
    # one point, many limits
    np.testing.assert_array_equal(
        mandelbrot(dtype(0.4 + 0.3j), np.arange(-2, 40)),
        ref.mandelbrot_model(np.full(42, 0.4 + 0.3j, dtype), np.arange(-2, 40)),
    )


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_nan_and_inf(dtype):
    c = cast(SPECIAL, dtype)
    got = mandelbrot(c, 40)
    np.testing.assert_array_equal(got, ref.mandelbrot_model(c, 40))
    nan = np.isnan(c.real) | np.isnan(c.imag)
    assert (got[nan] == 40).all()  # NaN >= 4 is false: never escapes
    inf = np.isinf(c.real) | np.isinf(c.imag)
    assert (got[inf & ~nan] == 1).all()


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_huge_maxiter_does_not_hang_for_escaping_points(dtype):
    big = 2**62
    escaping = cast([1 + 1j, 3, -2.5, 0.5, 0.3 + 0.6j, 1e300, 2j, -0.75 + 0.1j], dtype)
    expected = ref.mandelbrot_model(escaping, 10_000)
    assert (expected < 10_000).all()
    for maxiter in (big, np.iinfo(np.int64).max, 2**31, 2**31 - 1, 2**32 + 5):
        np.testing.assert_array_equal(mandelbrot(escaping, maxiter), expected)
        nan = np.array([np.nan, complex(0, np.nan), complex(np.inf, np.nan)], dtype)
        np.testing.assert_array_equal(mandelbrot(nan, maxiter), [maxiter] * 3)
    # a huge limit next to a small one, lane by lane
    mixed = np.repeat(escaping, 2)
    limits = np.tile([big, 5], len(escaping))
    np.testing.assert_array_equal(
        mandelbrot(mixed, limits), ref.mandelbrot_model(mixed, np.where(limits == 5, 5, 10_000))
    )


def test_counts_do_not_depend_on_position_or_layout():
    c = ref.zoom(ZOOM_CENTER, 3e-3, 37).ravel()
    expected = ref.mandelbrot_model(c, 300)
    # every offset moves each point to another lane, vector and tail
    for offset in range(0, 35):
        np.testing.assert_array_equal(mandelbrot(c[offset:], 300), expected[offset:])
    np.testing.assert_array_equal(mandelbrot(c[::-1], 300), expected[::-1])
    np.testing.assert_array_equal(mandelbrot(c[::3], 300), expected[::3])
    two_d = c[:1332].reshape(36, 37)
    np.testing.assert_array_equal(mandelbrot(two_d.T, 300), expected[:1332].reshape(36, 37).T)
    np.testing.assert_array_equal(mandelbrot(np.asfortranarray(two_d), 300), expected[:1332].reshape(36, 37))
    # strided output
    out = np.zeros((c.size, 2), np.int64)
    mandelbrot(c, 300, out=out[:, 1])
    np.testing.assert_array_equal(out[:, 1], expected)
    assert not out[:, 0].any()
    # complex64 the same way
    c64 = c.astype(np.complex64)
    e64 = ref.mandelbrot_model(c64, 300)
    for offset in range(0, 19):
        np.testing.assert_array_equal(mandelbrot(c64[offset:], 300), e64[offset:])
    np.testing.assert_array_equal(mandelbrot(c64[::-2], 300), e64[::-2])


def test_out_where_empty_zero_d_and_read_only():
    c = ref.grid((33, 33))
    expected = ref.mandelbrot_model(c, 50)
    out = np.full(c.shape, -9, np.int64)
    result = mandelbrot(c, 50, out=out)
    assert result is out
    np.testing.assert_array_equal(out, expected)

    mask = (np.arange(c.size) % 3 == 0).reshape(c.shape)
    out = np.full(c.shape, -9, np.int64)
    mandelbrot(c, 50, out=out, where=mask)
    np.testing.assert_array_equal(out, np.where(mask, expected, -9))

    empty = mandelbrot(np.empty((0, 4), complex), 10)
    assert empty.shape == (0, 4) and empty.dtype == np.int64

    scalar = mandelbrot(0.3 + 0.6j, 100)
    assert isinstance(scalar, np.int64)
    assert scalar == ref.mandelbrot_point(0.3 + 0.6j, 100)
    zero_d = mandelbrot(np.array(-1 + 0j), np.array(7))
    assert zero_d == 7 and np.ndim(zero_d) == 0

    frozen = c.copy()
    frozen.flags.writeable = False
    np.testing.assert_array_equal(mandelbrot(frozen, 50), expected)


def test_types():
    c = ref.grid((20, 20))
    expected = ref.mandelbrot_model(c, 30)
    assert mandelbrot(c, 30).dtype == np.int64
    assert mandelbrot(c.astype(np.complex64), 30).dtype == np.int64
    # real input is cast to complex128; integer maxiter of any width
    np.testing.assert_array_equal(mandelbrot(c.real, 30), ref.mandelbrot_model(c.real + 0j, 30))
    for itype in (np.int8, np.uint8, np.int32, np.uint32, np.longlong):
        np.testing.assert_array_equal(mandelbrot(c, np.array(30, itype)), expected)
    assert mandelbrot.types == ["Fl->l", "Dl->l"]
    assert (mandelbrot.nin, mandelbrot.nout) == (2, 1)
    with pytest.raises(TypeError):
        mandelbrot(c, 30.0)  # a float limit is not an integer


def test_no_floating_point_warnings():
    c = np.concatenate([SPECIAL, ref.grid((64, 64)).ravel() * 1e200, ref.grid((64, 64)).ravel()])
    c64 = cast(c, np.complex64)
    with np.errstate(all="raise"):
        mandelbrot(c, 100)
        mandelbrot(c64, 100)
        mandelbrot(c[::-3], np.arange(c[::-3].size) % 50)
        mandelbrot(ref.grid((100, 100)), 50)


def test_threads_give_the_same_counts(threads):
    c = ref.grid((301, 257))
    zoom = ref.zoom(ZOOM_CENTER, 1e-5, 64)
    c64 = c.astype(np.complex64)
    limits = np.random.default_rng(1).integers(0, 400, c.shape)

    def compute():
        return [mandelbrot(c, 120), mandelbrot(zoom, 800), mandelbrot(c64, 90),
                mandelbrot(c, limits), make_fractal((500, 500), 50)]

    polyfast.set_num_threads(1)
    expected = compute()
    np.testing.assert_array_equal(expected[0], ref.mandelbrot_model(c, 120))
    np.testing.assert_array_equal(expected[3], ref.mandelbrot_model(c, limits))
    for n in (2, 8):
        polyfast.set_num_threads(n)
        for got, want in zip(compute(), expected):
            np.testing.assert_array_equal(got, want)


SIMD_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import polyfast
    sys.path.insert(0, {tests!r})
    import reference_fractal as ref
    from polyfast.notebook import make_fractal, make_fractal_nb
    assert polyfast.get_simd_level() == {level!r}, polyfast.get_simd_level()
    c = ref.grid((257, 257))
    zoom = ref.zoom(-0.745 + 0.113j, 1e-6, 48)
    rng = np.random.default_rng(5)
    limits = rng.integers(-2, 300, c.shape)
    results = dict(
        grid=polyfast.mandelbrot(c, 100),
        grid64=polyfast.mandelbrot(c.astype(np.complex64), 100),
        zoom=polyfast.mandelbrot(zoom, 1000),
        zoom64=polyfast.mandelbrot(zoom.astype(np.complex64), 1000),
        strided=polyfast.mandelbrot(c[::-1, ::3], 77),
        # complex numbers a float apart (overlapping): the two-load path
        overlap=polyfast.mandelbrot(ref.overlapping(c, np.complex128), 90),
        overlap64=polyfast.mandelbrot(ref.overlapping(c, np.complex64), 90),
        limits=polyfast.mandelbrot(c, limits),
        limits64=polyfast.mandelbrot(c.astype(np.complex64), limits),
        fractal=make_fractal((500, 500), 50),
        fractal_nb=make_fractal_nb((500, 500), 50),
        special=polyfast.mandelbrot(np.load({special!r}), 60),
        mgrid=polyfast.mandelbrot_grid(np.linspace(-2, 1, 301), np.linspace(-1.2, 1.2, 257), 100),
        mgrid32=polyfast.mandelbrot_grid(np.linspace(-2, 1, 301, dtype=np.float32),
                                        np.linspace(-1.2, 1.2, 257, dtype=np.float32), 100),
        mgridzoom=polyfast.mandelbrot_grid(-0.745 + np.linspace(-1e-6, 1e-6, 48),
                                          0.113 + np.linspace(-1e-6, 1e-6, 48), 1000),
        # one run per row (a Fortran-order out), traps on: 173 points a row
        mgridrows=polyfast.mandelbrot_grid(np.linspace(-1.9, 0.6, 173), np.linspace(-1.1, 1.1, 97),
                                           300, out=np.empty((97, 173), np.int64, order="F")),
    )
    np.savez({path!r}, **results)
    """
)


def run_at_level(level, path):
    tests = os.path.dirname(os.path.abspath(__file__))
    special = path.with_name("special.npy")
    np.save(special, SPECIAL)
    script = SIMD_SCRIPT.format(tests=tests, level=level, path=str(path), special=str(special))
    env = dict(os.environ, POLYFAST_SIMD=level)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=tests)
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def test_every_simd_level_gives_the_same_counts(tmp_path):
    available = LEVELS[: LEVELS.index(polyfast.get_cpu_simd_level()) + 1]
    runs = {level: run_at_level(level, tmp_path / f"{level}.npz") for level in available}
    scalar = runs["scalar"]
    c = ref.grid((257, 257))
    np.testing.assert_array_equal(scalar["grid"], ref.mandelbrot_model(c, 100))
    np.testing.assert_array_equal(scalar["grid64"], ref.mandelbrot_model(c.astype(np.complex64), 100))
    np.testing.assert_array_equal(scalar["zoom"], ref.mandelbrot_model(ref.zoom(ZOOM_CENTER, 1e-6, 48), 1000))
    np.testing.assert_array_equal(scalar["special"], ref.mandelbrot_model(SPECIAL, 60))
    for key, dtype in (("overlap", np.complex128), ("overlap64", np.complex64)):
        points = ref.overlapping(c, dtype)
        assert points.strides == (points.itemsize // 2,)
        np.testing.assert_array_equal(scalar[key], ref.mandelbrot_model(points.copy(), 90))
    zx, zy = -0.745 + np.linspace(-1e-6, 1e-6, 48), 0.113 + np.linspace(-1e-6, 1e-6, 48)
    np.testing.assert_array_equal(scalar["mgridzoom"],
                                  ref.mandelbrot_model(zx[None, :] + 1j * zy[:, None], 1000))
    rx, ry = np.linspace(-1.9, 0.6, 173), np.linspace(-1.1, 1.1, 97)
    np.testing.assert_array_equal(scalar["mgridrows"], materialised(rx, ry, 300))
    for level in available[1:]:
        for key, value in scalar.items():
            np.testing.assert_array_equal(runs[level][key], value, err_msg=f"{level}: {key}")
    for level in LEVELS[len(available):]:
        pytest.skip(f"this CPU has no {level}; checked {', '.join(available)}")


# --- the ufunc as an object ---------------------------------------------------


def test_is_a_ufunc_that_pickles_to_itself():
    assert isinstance(mandelbrot, np.ufunc)
    assert mandelbrot.__name__ == "mandelbrot"
    assert "mandelbrot" in polyfast.__all__
    assert pickle.loads(pickle.dumps(mandelbrot)) is mandelbrot


def test_docstrings():
    doc = mandelbrot.__doc__
    for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
        assert section in doc
    assert "maxiter" in doc and "fused multiply-add" in doc
    module = polyfast.notebook
    assert "drop-in twins" in module.__doc__.lower()
    for fn in (make_fractal, make_fractal_nb):
        assert fn.__doc__ and "Replaces the cell" in fn.__doc__
        # Python 3.13 strips a docstring's common indentation at compile
        # time, older ones keep it: compare the cleaned text on every version.
        doc = inspect.cleandoc(fn.__doc__)
        for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
            assert section in doc


def test_notebook_module_doctests():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(polyfast.notebook, globs={"np": np})
    for test in tests:
        runner.run(test)
    assert runner.tries > 0
    assert runner.failures == 0


# --- the interior shortcut (trap checks, mandelbrot_traps.h) --------------------

BOUNDARY_DISTANCES = [10.0**-e for e in range(3, 16)]


def boundary_script(level, maxiter, path, points):
    return textwrap.dedent(
        f"""
        import numpy as np, polyfast
        assert polyfast.get_simd_level() == {level!r}
        c = np.load({str(points)!r})
        np.savez({str(path)!r}, c128=polyfast.mandelbrot(c, {maxiter}),
                 c64=polyfast.mandelbrot(c.astype(np.complex64), {maxiter}))
        """
    )


@pytest.mark.parametrize("angles, maxiter", [(256, 10_000), (24, 100_000)])
def test_interior_shortcut_is_exact_at_the_boundaries(tmp_path, angles, maxiter):
    # Dense points straddling the cardioid's and the bulb's boundaries at
    # distances 1e-3 ... 1e-15 on either side, the cusp and the junction from
    # 16 directions: every SIMD level, complex128 and complex64, against the
    # plain iteration.  Inside points iterate to maxiter; a false trap would
    # show up as maxiter where the plain iteration escapes.
    c = ref.interior_boundary_points(angles, BOUNDARY_DISTANCES)
    expected = {"c128": ref.mandelbrot_model_compact(c, maxiter),
                "c64": ref.mandelbrot_model_compact(c.astype(np.complex64), maxiter)}
    # the set straddles: many points never escape, hundreds do, some late
    # (outside points near the boundary escape slowly or lie in satellite
    # bulbs, so most of them do not escape either)
    for counts in expected.values():
        assert (counts == maxiter).sum() > c.size // 2
        assert (counts < maxiter).sum() > c.size // 100
        assert (counts[counts < maxiter] > 1000).sum() > 5
    assert_every_level_gives(tmp_path, c, maxiter, expected)


def assert_every_level_gives(tmp_path, c, maxiter, expected):
    """Counts of c at maxiter (an int, or an array of one per point),
    complex128 and complex64, at every SIMD level this CPU has (a subprocess
    each, POLYFAST_SIMD), equal `expected`."""
    points = tmp_path / "points.npy"
    np.save(points, c)
    if not isinstance(maxiter, int):
        np.save(tmp_path / "maxiter.npy", maxiter)
        maxiter = f"np.load({str(tmp_path / 'maxiter.npy')!r})"
    available = LEVELS[: LEVELS.index(polyfast.get_cpu_simd_level()) + 1]
    for level in available:
        path = tmp_path / f"{level}.npz"
        script = boundary_script(level, maxiter, path, points)
        env = dict(os.environ, POLYFAST_SIMD=level)
        subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=tmp_path)
        with np.load(path) as got:
            for key in ("c128", "c64"):
                np.testing.assert_array_equal(got[key], expected[key], err_msg=f"{level} {key}")


TRAP_TIME_SCRIPT = """
import json, time
import numpy as np
import polyfast
polyfast.set_num_threads(1)
c = complex(-0.26975676940458815, -0.6556257324277116)
maxiter = 2**31

def fastest(points, limit, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        polyfast.mandelbrot(points, limit)
        best = min(best, time.perf_counter() - start)
    return best

# Work that no trap shortens: the cusp c = 1/4 iterated 2**20 steps, 40 lanes.
floor = fastest(np.full(40, 0.25, np.complex128), 2**20)
alone = fastest(np.array([c] * 8), maxiter)
times = {{}}
for before in (0, 1, 3, 5, 7, 32, 33):
    points = np.array([2.5] * before + [c] * 8)
    times[before] = float("inf")
    for _ in range(3):  # a failed trap iterates 2**31 steps: seconds per try
        start = time.perf_counter()
        counts = polyfast.mandelbrot(points, maxiter)
        times[before] = min(times[before], time.perf_counter() - start)
        assert (counts[before:] == maxiter).all()
        if times[before] < 20 * (alone + floor):
            break
print(json.dumps({{"level": polyfast.get_simd_level(), "floor": floor, "alone": alone,
                  "among": times}}))
"""


@pytest.mark.parametrize("level", LEVELS)
def test_trap_time_depends_on_the_point_not_on_its_neighbours(level, tmp_path):
    """The sweep's reproducer: a point of a period-<= 48 component whose
    cycle trap succeeded alone and failed behind 32 escaping neighbours (its
    vector loaded at another step mod 8), then ran to maxiter.  The checks
    now look at a point's own step counts: alone or behind 0 ... 33
    neighbours it returns in comparable time, at every SIMD level (a failed
    trap would take seconds at maxiter 2**31, against milliseconds)."""
    if LEVELS.index(level) > LEVELS.index(polyfast.get_cpu_simd_level()):
        pytest.skip(f"this CPU has no {level}")
    env = dict(os.environ, POLYFAST_SIMD=level)
    # Not -I: the sanitize, clang and aarch64 stages give their build by
    # PYTHONPATH; outside the source tree, whose polyfast/ has no extension.
    done = subprocess.run([sys.executable, "-c", TRAP_TIME_SCRIPT.format()], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    import json
    got = json.loads(out)
    assert got["level"] == level
    for before, took in got["among"].items():
        assert took < 20 * (got["alone"] + got["floor"]), (before, got)


def other_component_points():
    """Points straddling the boundaries of components other than the cardioid
    and the period-2 bulb: a line out of the period-3 bulb's centre, one
    across the period-4 bulb on the real axis, and the deep zoom's period-39
    component with its surroundings."""
    c3 = -0.12256116687665 + 0.74486176661974j
    line3 = c3 + 1j * np.concatenate([np.linspace(0, 0.15, 1500), np.linspace(0.0934, 0.0937, 1500)])
    line4 = -1.3107 + np.linspace(-0.07, 0.07, 800)
    deep = ref.zoom(-0.7436439 + 0.1318259j, 1e-5, 40).ravel()
    return np.concatenate([line3, line4, deep])


@pytest.mark.parametrize("maxiter", [2100, 5000])
def test_cycle_trap_is_exact_near_other_components(tmp_path, maxiter):
    # The cycle check (mandelbrot.h (f)) runs from step 1024 when maxiter >=
    # 2048 (at 2100 only then, at 5000 at 1024 and 2048): every SIMD level,
    # complex128 and complex64, against the plain iteration, on points that
    # never escape and points that escape late.
    c = other_component_points()
    expected = {"c128": ref.mandelbrot_model_compact(c, maxiter),
                "c64": ref.mandelbrot_model_compact(c.astype(np.complex64), maxiter)}
    for counts in expected.values():
        assert (counts == maxiter).sum() > c.size // 5
        assert (counts[counts < maxiter] > 1024).sum() > 20
    assert_every_level_gives(tmp_path, c, maxiter, expected)
    # the grid driver runs the same loop
    x = np.linspace(-0.7436439 - 5e-6, -0.7436439 + 5e-6, 97)
    y = np.linspace(0.1318259 - 5e-6, 0.1318259 + 5e-6, 31)
    c = x[None, :] + 1j * y[:, None]
    np.testing.assert_array_equal(mandelbrot_grid(x, y, maxiter),
                                  ref.mandelbrot_model_compact(c.ravel(), maxiter).reshape(c.shape))


def test_cycle_trap_honours_one_maxiter_per_point(tmp_path):
    # Limits that differ between the lanes of a vector take the vector
    # levels' other schedule (checks until the first lane's limit): limits
    # around the checks' steps, on the same points, every level.
    c = other_component_points()
    limits = np.resize(np.array([2047, 2048, 2100, 3000, 4097, 5000], np.int64), c.size)
    expected = {}
    for key, points in (("c128", c), ("c64", c.astype(np.complex64))):
        full = ref.mandelbrot_model_compact(points, 5000)
        expected[key] = np.where(full < limits, full, limits)
        assert (expected[key] == limits).sum() > c.size // 5
        assert ((full > 1024) & (full < limits)).sum() > 20
    assert_every_level_gives(tmp_path, c, limits, expected)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_trapped_points_honour_every_maxiter(dtype):
    # Points deep inside get maxiter from a trap check, whatever maxiter is
    # (before, at and after the checks, huge, and per element); points near
    # the boundary and in other components still iterate.
    # (no point of another component here: those iterate to maxiter)
    c = np.array([0, -0.5, 0.1 + 0.1j, 0.2 + 0.5j, -1, -1.05 + 0.05j, -0.75 + 0.01j,
                  0.26, -0.1 + 0.65j], dtype)
    for maxiter in (2, 3, 7, 8, 9, 10, 16, 17, 33, 500, 2**31 + 3, 2**62):
        got = mandelbrot(np.repeat(c, 9), maxiter)
        small = min(maxiter, 3000)
        expected = np.repeat(ref.mandelbrot_model_compact(c, small), 9)
        expected[expected == small] = maxiter  # these never escape (checked at 3000)
        np.testing.assert_array_equal(got, expected)
    limits = np.arange(1, 200)
    cc = np.resize(np.append(c, dtype(-0.12 + 0.75j)), limits.size)  # + a period-3 point
    np.testing.assert_array_equal(mandelbrot(cc, limits), ref.mandelbrot_model(cc, limits))


# --- mandelbrot_grid: the whole picture in C ----------------------------------

from polyfast import mandelbrot_grid  # noqa: E402

AXIS_SPECIAL = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e300, -1e-320, 0.25, -0.75, 2.0])


def materialised(x, y, maxiter):
    """``mandelbrot`` on the grid NumPy builds: the definition of mandelbrot_grid."""
    with np.errstate(all="ignore"):
        c = np.asarray(x)[..., None, :] + 1j * np.asarray(y)[..., :, None]
    return mandelbrot(c, maxiter)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("nx, ny, maxiter", [(500, 500, 51), (257, 131, 300), (1, 9, 10),
                                             (9, 1, 10), (2000, 3, 200), (3, 2000, 200),
                                             (61, 37, 2000), (2049, 2, 30)])
def test_grid_equals_mandelbrot_on_the_materialised_grid(dtype, nx, ny, maxiter):
    x = np.linspace(-2.1, 1.3, nx).astype(dtype)
    y = np.linspace(-1.7, 1.2, ny).astype(dtype)
    got = mandelbrot_grid(x, y, maxiter)
    assert got.shape == (ny, nx) and got.dtype == np.int64
    expected = materialised(x, y, maxiter)
    assert expected.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
    if nx * ny <= 20_000:
        c = (x[None, :] + 1j * y[:, None])
        np.testing.assert_array_equal(got, ref.mandelbrot_model(c, maxiter))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_grid_special_values_follow_numpys_expression(dtype):
    # 1j*inf has a NaN real part in NumPy, so (x, inf) never escapes there;
    # NaN anywhere never escapes; signed zeros do not matter.
    x = cast(np.concatenate([AXIS_SPECIAL, np.linspace(-2, 1, 7)]), dtype).real
    y = x[::-1].copy()
    for maxiter in (0, 1, 2, 40):
        np.testing.assert_array_equal(mandelbrot_grid(x, y, maxiter), materialised(x, y, maxiter))
    with np.errstate(all="raise"):
        mandelbrot_grid(x, y, 40)


def test_grid_out_strides_stacks_empty_and_types():
    x = np.linspace(-2, 1, 40)
    y = np.linspace(-1.2, 1.2, 30)
    expected = materialised(x, y, 60)
    out = np.full((30, 40, 3), -7, np.int64)
    assert mandelbrot_grid(x, y, 60, out=out[:, :, 1]) is not None
    np.testing.assert_array_equal(out[:, :, 1], expected)
    assert (out[:, :, [0, 2]] == -7).all()
    fortran = np.empty((30, 40), np.int64, order="F")
    mandelbrot_grid(x, y, 60, out=fortran)
    np.testing.assert_array_equal(fortran, expected)
    reverse = np.empty((30, 40), np.int64)
    mandelbrot_grid(x[::-1], y[::-2], 60, out=reverse[::-1, ::-1][:15])
    np.testing.assert_array_equal(reverse[::-1, ::-1][:15], materialised(x[::-1], y[::-2], 60))
    # a stack of grids with a limit each
    xs = np.stack([x, x * 0.5, x - 0.3])
    ys = np.stack([y, y, y * 0.1])
    limits = np.array([5, 60, 200])
    got = mandelbrot_grid(xs, ys, limits)
    assert got.shape == (3, 30, 40)
    for k in range(3):
        np.testing.assert_array_equal(got[k], materialised(xs[k], ys[k], limits[k]))
    # empty, 0-size and integer input
    assert mandelbrot_grid(np.empty(0), y, 10).shape == (30, 0)
    assert mandelbrot_grid(x, np.empty(0), 10).shape == (0, 40)
    np.testing.assert_array_equal(mandelbrot_grid(np.arange(-2, 2), np.arange(-1, 2), 9),
                                  materialised(np.arange(-2.0, 2), np.arange(-1.0, 2), 9))
    assert mandelbrot_grid.signature == "(n),(m),()->(m,n)"
    assert "mandelbrot_grid" in polyfast.__all__
    assert pickle.loads(pickle.dumps(mandelbrot_grid)) is mandelbrot_grid
    with pytest.raises(TypeError):
        mandelbrot_grid(x, y, 2.5)


def test_grid_threads_give_the_same_counts(threads):
    x = np.linspace(-2, 1, 701)
    y = np.linspace(-1.3, 1.3, 403)
    zx = ZOOM_CENTER.real + np.linspace(-1e-5, 1e-5, 96)
    zy = ZOOM_CENTER.imag + np.linspace(-1e-5, 1e-5, 80)
    polyfast.set_num_threads(1)
    expected = [mandelbrot_grid(x, y, 150), mandelbrot_grid(zx, zy, 900),
                mandelbrot_grid(x.astype(np.float32), y.astype(np.float32), 150)]
    np.testing.assert_array_equal(expected[0], materialised(x, y, 150))
    np.testing.assert_array_equal(expected[1], materialised(zx, zy, 900))
    for n in (2, 8):
        polyfast.set_num_threads(n)
        got = [mandelbrot_grid(x, y, 150), mandelbrot_grid(zx, zy, 900),
               mandelbrot_grid(x.astype(np.float32), y.astype(np.float32), 150)]
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)


def test_grid_shifted_private_gufunc_shifts_every_layout_and_stack(threads):
    """make_fractal's private gufunc: max(count - shift, 0) as each count is
    stored, on any output layout, rows of a stack split over threads; a
    negative shift counts as 0; not public."""
    shifted = polyfast._core._mandelbrot_grid_shifted
    assert "_mandelbrot_grid_shifted" not in polyfast.__all__
    assert shifted.signature == "(n),(m),(),()->(m,n)"
    x = np.linspace(-2, 2, 37)
    y = np.linspace(-1.5, 1.5, 23)
    expected = materialised(x, y, 90)
    for shift in (0, 1, 2, 7, 90, 91):
        np.testing.assert_array_equal(shifted(x, y, 90, shift), np.maximum(expected - shift, 0))
    np.testing.assert_array_equal(shifted(x, y, 90, -3), expected)
    fortran = np.full((23, 37), -1, np.int64, order="F")
    shifted(x, y, 90, 2, fortran)
    np.testing.assert_array_equal(fortran, np.maximum(expected - 2, 0))
    polyfast.set_num_threads(8)
    ys = np.stack([y, y * 0.5, y[::-1]])
    got = shifted(x, ys, [90, 300, 5], [1, 2, 0])
    for k, (limit, shift) in enumerate([(90, 1), (300, 2), (5, 0)]):
        np.testing.assert_array_equal(got[k], np.maximum(materialised(x, ys[k], limit) - shift, 0))


def test_real_input_takes_the_loop_numpy_casts_it_to():
    """The docstring's promise: float32 input is iterated in float32 (the
    complex64 loop, by NumPy's safe casting), float64 in float64."""
    assert polyfast.mandelbrot.resolve_dtypes((np.dtype(np.float32), np.dtype(np.int64), None))[0] == np.complex64
    assert polyfast.mandelbrot.resolve_dtypes((np.dtype(np.float64), np.dtype(np.int64), None))[0] == np.complex128
    points = np.linspace(-2, 0.5, 101)
    np.testing.assert_array_equal(mandelbrot(points.astype(np.float32), 300),
                                  mandelbrot(points.astype(np.complex64), 300))
    np.testing.assert_array_equal(mandelbrot(points, 300), mandelbrot(points.astype(np.complex128), 300))


@pytest.mark.parametrize("func", [make_fractal, make_fractal_nb])
def test_make_fractal_exact_up_to_the_largest_iterations(func):
    """iterations - 1 for points that never escape, up to iterations = 2**63
    (the largest whose counts fit in int64), the escape steps unchanged; a
    clear ValueError past it."""
    # (3, 3): c = 0 in the middle, which the cardioid trap catches at once,
    # and eight points that escape at the first step
    small = func((3, 3), 1000)
    inside = small == 999
    assert inside.sum() == 1
    for iterations in (2**62, 2**63 - 2, 2**63 - 1, 2**63):
        got = func((3, 3), iterations)
        assert got.dtype == np.int64
        assert (got[inside] == iterations - 1).all(), iterations
        np.testing.assert_array_equal(got[~inside], small[~inside])
    assert make_fractal((3, 3), 2**63 - 1)[1, 1] == 2**63 - 2
    with pytest.raises(ValueError, match="2\\*\\*63"):
        func((3, 3), 2**63 + 1)


FLAGS_SCRIPT = r"""
import ctypes, ctypes.util, warnings
import numpy as np, polyfast
libm = ctypes.CDLL(ctypes.util.find_library("m"))
FE_OVERFLOW, FE_INEXACT = 0x08, 0x20   # x86-64 glibc's values
warnings.simplefilter("error")
huge = np.array([1e300 + 1e300j, 1e200 + 0j, np.inf + 0j, 0.25 + 0j] * 9)
huge64 = np.array([1e30 + 1e30j, 3e38 + 0j, np.inf + 0j, 0.25 + 0j] * 9, dtype=np.complex64)
# Flags the kernels raise on the way (overflow of |z|^2) are not the caller's:
# NumPy would warn about them.
with np.errstate(all="raise"):
    polyfast.mandelbrot(huge, 100)
    polyfast.mandelbrot(huge64, 100)
    polyfast.mandelbrot(complex(huge[0]), 100)
    polyfast.mandelbrot_grid(np.array([1e300, 0.1]), np.array([1e300, 0.2]), 50)
# And flags the caller had raised are still raised afterwards.
libm.feclearexcept(0x3D)
libm.feraiseexcept(FE_INEXACT)
polyfast.mandelbrot(complex(huge[0]), 100)
after = libm.fetestexcept(0x3D)
assert after == FE_INEXACT, after
print("ok")
"""


@pytest.mark.skipif(sys.platform != "linux" or not SIMD_LEVELS[-1].startswith("avx"),
                    reason="the flags' values are x86-64 glibc's")
@pytest.mark.parametrize("level", SIMD_LEVELS)
def test_kernels_leave_the_callers_fp_flags_as_they_were(level, tmp_path):
    if SIMD_LEVELS.index(level) > SIMD_LEVELS.index(polyfast.get_cpu_simd_level()):
        pytest.skip(f"this CPU has no {level}")
    env = dict(os.environ, POLYFAST_SIMD=level)
    # outside the source tree, whose polyfast/ has no extension
    done = subprocess.run([sys.executable, "-c", FLAGS_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
