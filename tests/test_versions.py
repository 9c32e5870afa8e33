"""The supported range is written in several places; they must agree (issue 12).

The docs' "Supported versions" (docs/platforms.md) and the two commands'
sections (README, docs/getting-started.md), pyproject's requires-python, classifiers,
NumPy requirements and [tool.cibuildwheel] build list, .ci/versions.sh's list
of CPythons CI must find, and meson.build's NPY_TARGET_VERSION.  Skipped when
the tests run from a copy outside the source tree.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ["3.10", "3.11", "3.12", "3.13"]
NUMPY_FLOOR = "2.1"


@pytest.fixture(scope="module")
def pyproject():
    tomllib = pytest.importorskip("tomllib")  # 3.11+; 3.10 runs the rest of the suite
    path = ROOT / "pyproject.toml"
    if not path.exists():
        pytest.skip("pyproject.toml is not next to the tests (installed test tree)")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _text(name):
    path = ROOT / name
    if not path.exists():
        pytest.skip(f"{name} is not next to the tests (installed test tree)")
    return path.read_text(encoding="utf-8")


def test_pyproject_python_range(pyproject):
    project = pyproject["project"]
    assert project["requires-python"] == ">=" + SUPPORTED[0]
    classified = sorted(c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
                        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert classified == sorted(SUPPORTED, key=lambda v: tuple(map(int, v.split("."))))


def test_pyproject_numpy_floor(pyproject):
    assert f"numpy>={NUMPY_FLOOR}" in pyproject["project"]["dependencies"]
    assert f"numpy>={NUMPY_FLOOR}" in pyproject["build-system"]["requires"]
    major, minor = NUMPY_FLOOR.split(".")
    assert f"-DNPY_TARGET_VERSION=NPY_{major}_{minor}_API_VERSION" in _text("meson.build")


def test_wheels_cover_every_supported_python(pyproject):
    build = pyproject["tool"]["cibuildwheel"]["build"]
    expected = [f"cp{v.replace('.', '')}-*" for v in SUPPORTED] + ["cp313t-*"]
    assert build == expected


def test_ci_requires_every_supported_python():
    script = _text(".ci/versions.sh")
    listed = re.search(r"^supported=\(([^)]*)\)", script, re.MULTILINE).group(1).split()
    assert listed == SUPPORTED


def test_docs_policy_names_the_same_range():
    policy = _text("docs/platforms.md")  # the site's "Platforms and versions"
    assert "| CPython | " + ", ".join(SUPPORTED[:-1]) + f", {SUPPORTED[-1]}, and free-threaded 3.13t |" in policy
    assert f"| NumPy | {NUMPY_FLOOR}.0 to the newest release |" in policy
    for page in ("README.md", "docs/getting-started.md"):  # the two commands' sections
        assert f"Python {SUPPORTED[0]} to {SUPPORTED[-1]}" in _text(page), page
