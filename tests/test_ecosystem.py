"""dask, dask.distributed, xarray and threadpoolctl, from the table.

Each entry of tests/public_api.py gives dask expressions and xarray
expressions with the NumPy expression each must equal, or says why none
applies.  Every elementwise module ufunc (and every gufunc whose output core
dimensions are known from its inputs) gets one of each generically
(``dask_call`` / ``xarray_call`` of tests/generic_ufuncs.py, loop dimensions
chunked, DataArrays labelled x/y); the per-name recipes are kept besides.  The dask results must be lazy (dask collections) and compute the
same bits with the threaded scheduler and on a ``LocalCluster(processes=True)``
(worker processes unpickle the ufuncs).  The xarray results must be
DataArrays that keep the inputs' coordinates.  The dask recipes for
find_bumps and the bump finder's ragged results are read from the docs page
that shows them (docs/ecosystem.md) and run verbatim.

The packages are the ``ecosystem`` extra (.ci/run installs it); each test is
skipped when its package is missing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import polyfast
from generic_ufuncs import ECO_LOOP, XR_COORDS
from public_api import BY_NAME, ENTRIES, namespace, public_names

RECIPES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                       "ecosystem.md")
FIELDS = ("dask", "xarray")


def docs_recipe() -> str:
    """The docs' dask recipe block (the python block starting '# recipe:')."""
    if not os.path.exists(RECIPES):  # tests run from an installed copy
        pytest.skip("docs/ecosystem.md not next to the tests")
    with open(RECIPES, encoding="utf-8") as f:
        text = f.read()
    blocks = re.findall(r"```python\n(# recipe: polyfast on dask.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/ecosystem.md lost its dask recipe block"
    return blocks[0]


def test_every_public_name_has_ecosystem_entries():
    for name in public_names():
        entry = BY_NAME[name]
        for field in FIELDS:
            assert bool(getattr(entry, field)) != (field in entry.not_applicable), (
                f"{name}: give either a {field} expression or a reason in not_applicable")


def _same(got, expected):
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _same(g, e)
        return
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(expected).tobytes()


@pytest.fixture(scope="module")
def eco():
    da = pytest.importorskip("dask.array")
    ns = namespace()
    ns["da"] = da
    exec(docs_recipe(), ns)
    return ns


DASK = [pytest.param(e.name, i, id=f"{e.name}-{i}")
        for e in ENTRIES for i in range(len(e.dask))]
XARRAY = [pytest.param(e.name, i, id=f"{e.name}-{i}")
          for e in ENTRIES for i in range(len(e.xarray))]


def _lazy(result):
    import dask

    if isinstance(result, (tuple, list)):
        return all(_lazy(r) for r in result)
    return dask.is_dask_collection(result)


@pytest.mark.parametrize("name, index", DASK)
def test_dask_threaded(name, index, eco):
    import dask

    expr, numpy_expr = BY_NAME[name].dask[index]
    result = eval(expr, eco)
    assert _lazy(result), f"{name}: {expr} is not a lazy dask collection"
    (got,) = dask.compute(result, scheduler="threads")
    _same(got, eval(numpy_expr, eco))


@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, worker_dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


# Under .ci/sanitize.sh the ASan runtime is preloaded into an uninstrumented
# interpreter: a C++ exception thrown inside a third-party extension while
# distributed pickles the graph aborts in ASan's __cxa_throw interceptor (not
# polyfast's code; seen in CI once numba joined the test extras).  The main
# test stage and the wheel stage run this test without the sanitizer.
@pytest.mark.skipif(os.environ.get("POLYFAST_SANITIZED") == "1",
                    reason="third-party C++ exceptions abort under the preloaded ASan runtime")
@pytest.mark.parametrize("name, index", DASK)
def test_dask_distributed_processes(name, index, eco, cluster_client):
    expr, numpy_expr = BY_NAME[name].dask[index]
    result = eval(expr, eco)
    assert _lazy(result)
    got = cluster_client.compute(result, sync=True)
    _same(got, eval(numpy_expr, eco))


def test_distributed_workers_are_other_processes(cluster_client):
    pids = cluster_client.run(os.getpid)
    assert os.getpid() not in pids.values() and len(pids) == 2
    # the workers imported the same build of polyfast
    versions = cluster_client.run(lambda: __import__("polyfast").__version__)
    assert set(versions.values()) == {polyfast.__version__}


def test_find_bumps_on_dask_without_recipe_fails_clearly(eco):
    """dask cannot size the m dimension by itself: documented, recipe given."""
    da = eco["da"]
    with pytest.raises((KeyError, ValueError, TypeError)):
        polyfast.find_bumps(da.ones((4, 10), chunks=2), 0.5, 0.0, 1)


@pytest.fixture(scope="module")
def xns(eco):
    xr = pytest.importorskip("xarray")
    ns = dict(eco)
    rng = np.random.default_rng(5)
    ns["xr"] = xr
    ns["DA"] = xr.DataArray(rng.normal(size=(6, 40)), dims=("x", "y"),
                            coords={"x": np.arange(6) * 10, "y": np.linspace(0, 1, 40)},
                            attrs={"units": "m"})
    ns["DC"] = xr.DataArray([1.0, -0.5, 0.25, 2.0], dims=("k",))
    z = np.linspace(-2, 1, 30)[None, :] + 1j * np.linspace(-1.5, 1.5, 20)[:, None]
    ns["DZ"] = xr.DataArray(z, dims=("im", "re"),
                            coords={"im": z.imag[:, 0], "re": z.real[0]})
    t = np.where(rng.random((40, 199)) < 0.3, rng.random((40, 199)) * 3, 0.0)
    ns["DT"] = xr.DataArray(t, dims=("event", "bin"),
                            coords={"event": np.arange(40)}).chunk({"event": 10})
    return ns


@pytest.mark.parametrize("name, index", XARRAY)
def test_xarray_keeps_coords(name, index, xns):
    xr = xns["xr"]
    expr, numpy_expr = BY_NAME[name].xarray[index]
    result = eval(expr, xns)
    results = result if isinstance(result, tuple) else (result,)
    inputs = [v for k, v in xns.items() if k in ("DA", "DZ", "DT") and k in expr]
    if "xarray_call(" in expr:  # generic: inputs labelled x, y with XR_COORDS
        inputs.append(xr.DataArray(np.zeros(ECO_LOOP), dims=("x", "y"), coords=XR_COORDS))
    assert inputs, f"{name}: {expr} uses no labelled input"
    for r in results:
        assert isinstance(r, xr.DataArray), type(r)
        for inp in inputs:
            for dim in set(inp.dims) & set(r.dims):
                assert dim in r.coords or dim not in inp.coords
                if dim in inp.coords:
                    np.testing.assert_array_equal(r.coords[dim], inp.coords[dim])
    _same(tuple(np.asarray(r.compute().values) for r in results) if len(results) > 1
          else np.asarray(results[0].compute().values), eval(numpy_expr, xns))


def test_xarray_apply_ufunc_parallelized_is_lazy(xns):
    xr = xns["xr"]
    res = xr.apply_ufunc(polyfast.poly8, xns["DA"].chunk({"x": 2}), dask="parallelized",
                         output_dtypes=[float])
    assert res.chunks is not None  # still a dask-backed DataArray
    np.testing.assert_array_equal(res.compute().values, polyfast.poly8(xns["DA"].values))


# --------------------------------------------------------------------------
# threadpoolctl
# --------------------------------------------------------------------------

def test_threadpoolctl_lists_and_limits_the_pool(num_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    num_threads(2)
    infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "polyfast"]
    assert len(infos) == 1, threadpoolctl.threadpool_info()
    info = infos[0]
    assert info["internal_api"] == "polyfast"
    assert info["num_threads"] == 2
    assert info["version"] == polyfast.__version__
    assert os.path.samefile(info["filepath"], polyfast._core.__file__)
    with threadpoolctl.threadpool_limits(1):
        assert polyfast.get_num_threads() == 1
    assert polyfast.get_num_threads() == 2
    with threadpoolctl.threadpool_limits(limits=1, user_api="polyfast"):
        assert polyfast.get_num_threads() == 1
    assert polyfast.get_num_threads() == 2


@pytest.mark.parametrize("order", ["polyfast_first", "threadpoolctl_first"])
def test_threadpoolctl_registration_either_import_order(order, run_python):
    pytest.importorskip("threadpoolctl")
    first, second = ("polyfast", "threadpoolctl")
    if order == "threadpoolctl_first":
        first, second = second, first
    out = run_python(f"""
        import sys
        import {first}
        import {second}
        import polyfast, threadpoolctl
        info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "polyfast"]
        assert len(info) == 1, info
        with threadpoolctl.threadpool_limits(1):
            assert polyfast.get_num_threads() == 1
        print("ok")
    """, env={"POLYFAST_NUM_THREADS": "2"})
    assert out.stdout.strip() == "ok"


def test_import_polyfast_does_not_import_threadpoolctl(run_python):
    out = run_python("""
        import sys, polyfast
        print("threadpoolctl" in sys.modules, polyfast._threadpoolctl._registered)
    """)
    assert out.stdout.split() == ["False", "False"]
