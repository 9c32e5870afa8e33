"""python -m polyfast (issue 6): the cases, the table, the options, the baselines.

No wall-clock number is checked: only that the run completes, that every
engine's result agrees with its baseline, and what the output says.
"""

import doctest
import json
import os
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import reference
import reference_bumps
import reference_fractal
import reference_mcmc
from polyfast.bench import baselines, cases, cli, timing

QUICKEST = ["--quick", "--case", "fractal", "--case", "sampler"]


def run_cli(run_python, args, block=(), timeout=300):
    """``python -m polyfast ARGS`` in a fresh interpreter, with modules in `block` unimportable."""
    code = f"""
        import sys
        for name in {list(block)!r}:
            sys.modules[name] = None  # import raises ModuleNotFoundError
        from polyfast.__main__ import main
        sys.exit(main({list(args)!r}))
    """
    return run_python(code, check=False, timeout=timeout)


def test_quick_run_writes_json_and_a_table(run_python, tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli(run_python, QUICKEST + ["--json", str(out)])
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [c["name"] for c in doc["cases"]] == ["fractal", "sampler"]
    assert "while timing" in doc["load"] or doc["load"].endswith("unknown")  # how quiet
    ran = [r for r in doc["results"] if r["skipped"] is None]
    assert ran and all(r["same_result"] in (True, None) for r in ran)
    assert {r["engine"] for r in ran if r["baseline"]} == {"make_fractal (NumPy)",
                                                         "sampler (NumPy)"}
    # The notebook's first (SciPy) sampler runs fewer steps: the same first steps.
    scipy_rows = [r for r in ran if r["family"] == "scipy"]
    assert len(scipy_rows) == 1 and scipy_rows[0]["same_result"] is True
    assert all(r["median_s"] > 0 and r["speedup"] > 0 for r in ran)
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| case"))
    for column in ("engine", "median", "min", "speed-up", "compile", "same result"):
        assert column in header
    assert any("| baseline |" in line for line in lines)
    assert "NO" not in proc.stdout.split("| same result")[1]
    assert "[1/" in proc.stderr  # the progress line
    # the sampler's first call in the process beside numba's compile
    first = [line for line in lines if line.startswith("- first call, sampler: ")]
    if any(r["family"] == "numba" and r["case"] == "sampler" for r in ran):
        assert len(first) == 1
        assert first[0].startswith("- first call, sampler: polyfast.notebook.sampler ")
        assert "sampler (numba.njit" in first[0] and "with its compile" in first[0]
    else:
        assert first == []


def test_absent_engines_are_said_and_the_bump_baseline_falls_back(run_python, tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli(run_python, ["--quick", "--case", "bumps", "--case", "sampler",
                                "--json", str(out)], block=["numba", "numexpr"])
    assert proc.returncode == 0, proc.stderr
    assert "note: numba not installed: skipped" in proc.stdout
    assert "pip install numba" in proc.stdout
    doc = json.loads(out.read_text())
    bumps = {c["name"]: c["baseline"] for c in doc["cases"]}["bumps"]
    assert "pure Python" in bumps and "extrapolated" in bumps
    assert f"baseline: {bumps}" in proc.stdout
    ran = [r for r in doc["results"] if r["skipped"] is None]
    assert all(r["family"] != "numba" for r in ran)
    assert all(r["same_result"] in (True, None) for r in ran)
    # The fallback is unmistakable: in the case line and in the speed-up column.
    assert "(FALLBACK: pv_locations (notebook's numba.jit)" in proc.stdout
    assert "needs numba, which is not installed" in proc.stdout
    bump_rows = [line for line in proc.stdout.splitlines() if line.startswith("| bumps")]
    assert any("| baseline (fallback) |" in " ".join(line.split()) for line in bump_rows)
    sampler_rows = [line for line in proc.stdout.splitlines() if line.startswith("| sampler")]
    assert any("| baseline |" in " ".join(line.split()) for line in sampler_rows)
    # Progress lines name only the engines that run.
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert progress and not any("numba" in line or "numexpr" in line for line in progress)
    total = int(progress[0].split("/")[1].split("]")[0])
    assert total == len(progress)


# matplotlib's ft2font (pybind11, C++ exceptions) aborts in ASan's __cxa_throw
# interceptor when .ci/sanitize.sh preloads the runtime: not polyfast's code.
@pytest.mark.skipif(os.environ.get("POLYFAST_SANITIZED") == "1",
                    reason="matplotlib's C++ extension aborts under the preloaded ASan runtime")
def test_plot_writes_a_png(run_python, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "t.png"
    proc = run_cli(run_python, QUICKEST[:3] + ["--plot", str(png)])
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_clear_error(run_python, tmp_path):
    proc = run_cli(run_python, QUICKEST + ["--plot", str(tmp_path / "t.png")],
                   block=["matplotlib"])
    assert proc.returncode == 2
    assert "--plot needs matplotlib" in proc.stderr


def test_threads_option(run_python):
    proc = run_cli(run_python, QUICKEST[:3] + ["--threads", "1"])
    assert proc.returncode == 0, proc.stderr
    assert "1 threads" in proc.stdout
    bad = run_cli(run_python, QUICKEST[:3] + ["--threads", "0"])
    assert bad.returncode == 2 and "--threads" in bad.stderr


def test_docs_describe_quick_as_help_does(capsys):
    with pytest.raises(SystemExit):
        cli.parse_args(["--help"])
    assert f"--quick {cli.QUICK_HELP} " in " ".join(capsys.readouterr().out.split())
    page = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs",
                        "getting-started.md")
    if not os.path.exists(page):
        pytest.skip("docs/ is not next to the tests (installed test tree)")
    with open(page, encoding="utf-8") as f:
        text = " ".join(f.read().split())
    assert f"`--quick` means {cli.QUICK_HELP};" in text


def test_every_case_has_its_baseline_and_the_notebooks_inputs():
    names = [c.name for c in cases.CASES]
    assert names == ["poly8", "bumps", "fractal", "zoom", "sampler"]
    for case in cases.CASES:
        candidates = [case.baseline] if isinstance(case.baseline, str) else case.baseline
        engines = {e.name for e in case.engines}
        assert set(candidates) <= engines
        assert any(e.family == "polyfast" for e in case.engines)
    assert cases.POLY8.inputs()[0].shape == (1_000_000,)
    assert (baselines.EVENTS, baselines.BINS) == (10_000, 4000)
    assert baselines.BUMP_PARAMS == (1e-2, 0.2, 3)
    assert cases.FRACTAL.inputs() == ((500, 500), 50)
    x, y, c = cases.ZOOM.inputs()
    assert c.shape == (1000, 1000) and cases.ZOOM_MAXITER == 5000
    assert np.isclose(x.mean() + 1j * y.mean(), -0.7436439 + 0.1318259j)
    assert np.isclose(x[-1] - x[0], 1e-5) and np.isclose(y[-1] - y[0], 1e-5)
    assert cases.SAMPLER.inputs()[0].shape == (20,)


# --------------------------------------------------------------- the runner


def _engine(name, value, **kw):
    return timing.Engine(name, kw.pop("family", "numpy"), lambda: (lambda: value), **kw)


FAST = {"min_repeat": 1, "max_repeat": 2, "budget": 0.0, "repeat_time": 1e-4}


def test_runner_baseline_fallback_scale_and_same_as():
    case = timing.Case(
        name="t", title="t", inputs=lambda: (),
        baseline=("preferred", "fallback"),
        same=lambda a, b: a == b,
        engines=(
            _engine("fallback", 1, scale=10.0),
            _engine("preferred", 1, requires="no_such_module_polyfast_test"),
            _engine("other", 2, same_as="twin"),
            _engine("twin", 2, same_as="other"),
            _engine("wrong", 3),
            _engine("unchecked", 3, check=False),
        ),
    )
    results = {r.engine: r for r in timing.run_case(case, FAST, settle=0)}
    assert results["preferred"].skipped == "no_such_module_polyfast_test not installed"
    assert results["fallback"].baseline and results["fallback"].same is True
    assert results["fallback"].scale == 10.0
    assert results["other"].same is True and results["twin"].same is True
    assert results["wrong"].same is False
    assert results["unchecked"].same is None
    table = cli.format_table(list(results.values()))
    assert "baseline" in table and "~" in table  # extrapolated times are marked
    assert any("no_such_module_polyfast_test not installed" in line
               for line in cli.skipped_messages(list(results.values())))


def test_setup_runs_before_the_checked_call():
    calls = []
    case = timing.Case(name="t", title="t", inputs=lambda: (), baseline="a",
                       setup=lambda: calls.append("case"),
                       engines=(_engine("a", 1),
                                _engine("b", 1, setup=lambda: calls.append("engine"))))
    timing.run_case(case, FAST, settle=0)
    assert calls == ["case", "engine"]


# --------------------------------------------------------------- the baselines


def test_baselines_are_the_notebooks_code(notebook_x):
    x = notebook_x[:5000]
    for name in ("f_simple", "f_numpy", "f_nest_numpy", "f_mem_numpy"):
        assert_array_equal(getattr(baselines, name)(x), getattr(reference, name)(x))
    with np.errstate(all="ignore"):
        assert_array_equal(baselines.make_fractal((60, 60), 20),
                           reference_fractal.make_fractal((60, 60), 20))
    assert_array_equal(baselines.make_fractal_nb((12, 12), 9),
                       reference_fractal.make_fractal_nb((12, 12), 9))
    data = np.random.default_rng(0).normal(size=20)
    np.random.seed(3)
    a = baselines.sampler(data, samples=200, mu_init=1.)
    np.random.seed(3)
    assert_array_equal(a, reference_mcmc.sampler(data, samples=200, mu_init=1.))


def test_baseline_bump_data_and_loop():
    data = baselines.realistic_events(300, 500, seed=5)
    assert_array_equal(data, reference_bumps.realistic_events(300, 500, seed=5))
    for row in data[:30]:
        got = baselines.pv_locations(row, *baselines.BUMP_PARAMS)
        want = reference_bumps.pv_locations_reference(row, *baselines.BUMP_PARAMS)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_cli_module_does_not_run_on_import():
    import polyfast.__main__ as shim  # python -m polyfast's module: a shim over bench.cli

    assert "polyfast.__main__" in sys.modules
    assert callable(cli.main) and shim.main is cli.main


@pytest.mark.parametrize("module", [baselines, timing, cases, cli])
def test_bench_docstring_examples_pass(module):
    failures, tries = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


@pytest.mark.skipif(os.environ.get("POLYFAST_SANITIZED") == "1",
                    reason="matplotlib's C++ extension aborts under the preloaded ASan runtime")
def test_plot_has_a_legend_and_says_quick_and_load():
    pytest.importorskip("matplotlib")
    from polyfast.bench.timing import Result, Timing

    results = []
    for engine, family, seconds, baseline in [("sampler (NumPy)", "numpy", 2e-2, True),
                                              ("polyfast.notebook.sampler", "polyfast", 5e-5,
                                               False)]:
        r = Result("sampler", engine, family, baseline=baseline)
        r.timing = Timing((seconds, seconds), 1)
        r.speedup = 2e-2 / seconds
        results.append(r)
    busy = "other processes used 40% of the 2 CPUs while timing (enough to disturb the times)"
    fig = cli.plot(None, results, [cases.SAMPLER], quick=True, load_note=busy)
    try:
        title = fig._suptitle.get_text()
        assert "--quick" in title and busy in title
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert labels == ["NumPy", "polyfast"]
        quiet = cli.plot(None, results, [cases.SAMPLER], load_note="other processes used 1%")
        assert "--quick" not in quiet._suptitle.get_text()
        assert "1%" not in quiet._suptitle.get_text()
    finally:
        import matplotlib.pyplot as plt
        plt.close("all")


@pytest.mark.skipif(os.environ.get("POLYFAST_SANITIZED") == "1",
                    reason="the C compiler would run with the ASan runtime preloaded")
def test_the_notebooks_cython_cell_builds_once_and_agrees(tmp_path):
    pytest.importorskip("Cython")
    pytest.importorskip("setuptools")
    from polyfast.bench import baselines

    f_cython = baselines.f_cython_build(str(tmp_path))
    x = np.random.default_rng(1).normal(size=1001)
    np.testing.assert_allclose(f_cython(x), baselines.f_numpy(x))  # the notebook's check
    assert list(tmp_path.glob("polyfast_f_cython_*.pyx"))
    assert baselines.f_cython_build(str(tmp_path)) is f_cython  # imported, not rebuilt


@pytest.mark.parametrize("option", ["--plot", "--json"])
def test_bad_destination_is_a_one_line_error_before_the_run(run_python, tmp_path, option):
    target = str(tmp_path / "no" / "such" / "dir" / "x.png")
    proc = run_cli(run_python, QUICKEST + [option, target])
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {option} {target}: no such directory " \
        f"{os.path.dirname(target)}"
    assert proc.stdout == ""  # nothing was run
    folder = run_cli(run_python, QUICKEST + [option, str(tmp_path)])
    assert folder.returncode == 2 and "is a directory" in folder.stderr


NUMBA_ROWS = ["poly8(a), 1M float64, called inside njit",
              "njit loop calling mandelbrot(c[i], 50), notebook grid 500x500",
              "njit loop calling mandelbrot(c[i], 1000), notebook grid 500x500",
              "scalar poly8(x[i]) per element (1M), per call"]


def test_numba_side_rows_with_numba(run_python, tmp_path):
    """issue 21: polyfast inside njit against Python and numba's own loops, one run."""
    pytest.importorskip("numba")
    out = tmp_path / "r.json"
    proc = run_cli(run_python, ["--quick", "--case", "numba", "--json", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert "inside @numba.njit" in proc.stdout and "note: numba is" not in proc.stdout
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    for what in NUMBA_ROWS:
        row = next((line for line in rows if line.startswith(f"| {what} ")), None)
        assert row is not None, (what, proc.stdout)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[4].endswith("x") and float(cells[4][:-1]) > 0
        assert cells[5] == ("n/a" if what.startswith("scalar") else "yes")
    assert "| case " not in proc.stdout  # no other case ran
    doc = json.loads(out.read_text())
    assert [r["what"] for r in doc["numba"]] == NUMBA_ROWS
    assert [r["same_result"] for r in doc["numba"]] == [True, True, True, None]
    assert all(r["polyfast_s"] > 0 and r["compared_s"] > 0 for r in doc["numba"])


def test_numba_side_absent_is_said(run_python, tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli(run_python, ["--quick", "--case", "numba", "--json", str(out)],
                   block=["numba"])
    assert proc.returncode == 0, proc.stderr
    assert ("note: numba is not installed: skipped the numba-side figures"
            in proc.stdout), proc.stdout
    assert "inside @numba.njit |" not in proc.stdout
    assert json.loads(out.read_text())["numba"] is None
    # Not asked for (other cases only): neither the rows nor the line.
    other = run_cli(run_python, QUICKEST[:3], block=["numba"])
    assert other.returncode == 0, other.stderr
    assert "numba-side" not in other.stdout and "inside @numba.njit" not in other.stdout


def test_numba_side_disagreement_fails_the_run(monkeypatch, capsys):
    """A numba-side result that differs is an error, as a case's is."""
    from polyfast.bench import numba_side

    rows = [numba_side.Row("njit loop calling mandelbrot(c[i], 50)", 2.0, "numba's own", 1.0,
                           False)]
    monkeypatch.setattr(numba_side, "available", lambda: None)
    monkeypatch.setattr(numba_side, "measure", lambda quick=False: rows)
    assert cli.main(["--quick", "--case", "numba"]) == 1
    captured = capsys.readouterr()
    assert "0.50x" in captured.out and "| NO " in captured.out
    assert "numba: njit loop calling mandelbrot(c[i], 50)" in captured.err
