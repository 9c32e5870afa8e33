"""What the build derives from the spec.py files: stubs, __all__, the version.

Each ufunc is described once, in src/<family>/spec.py; src/codegen/generate.py
writes the registration table and polyfast/_core.pyi from it at build time.
These tests check that the installed package agrees with itself, and that the
generator refuses a malformed spec with a message naming the file.
"""

from __future__ import annotations

import ast
import importlib.metadata
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import polyfast
from polyfast import _core

GENERATOR = pathlib.Path(__file__).resolve().parent.parent / "src" / "codegen" / "generate.py"


def _stub_tree() -> ast.Module:
    stub = pathlib.Path(_core.__file__).with_name("_core.pyi")
    return ast.parse(stub.read_text(encoding="utf-8"))


def test_version_is_the_installed_distributions():
    assert polyfast.__version__ == importlib.metadata.version("polyfast")


def test_stub_lists_what_the_module_has():
    tree = _stub_tree()
    stub_all = next(ast.literal_eval(node.value) for node in tree.body
                    if isinstance(node, ast.Assign) and node.targets[0].id == "__all__")
    assert stub_all == list(_core.__all__)
    annotated = {node.target.id: ast.unparse(node.annotation) for node in tree.body
                 if isinstance(node, ast.AnnAssign)}
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    ufuncs = sorted(n for n in dir(_core) if isinstance(getattr(_core, n), np.ufunc))
    assert ufuncs, "no ufunc in polyfast._core"
    assert {n: annotated.get(n) for n in ufuncs} == {n: "np.ufunc" for n in ufuncs}
    callables = {n for n in dir(_core) if callable(getattr(_core, n))
                 and not isinstance(getattr(_core, n), np.ufunc)}
    assert callables == functions


def test_public_names_come_from_the_module():
    for name in _core.__all__:
        assert name in polyfast.__all__
        assert getattr(polyfast, name) is getattr(_core, name)


needs_source = pytest.mark.skipif(not GENERATOR.exists(), reason="needs the source tree's src/")


@needs_source
@pytest.mark.parametrize("body, message", [
    ('ufunc("a", loops={"f32->q8": "simd"}, min_parallel=1, grain=1, doc="")', "unknown type 'q8'"),
    ('ufunc("a", loops={"f32->f32": "simd"}, signature="(n),(n)->()", min_parallel=1, '
     'grain=1, doc="")', "does not match 1 inputs"),
    ('ufunc("a", loops={"f32->f32": "fast"}, min_parallel=1, grain=1, doc="")', "loop kind 'fast'"),
    ('ufunc("a", loops={"f32->f32": "simd", "f64,f64->f64": "simd"}, min_parallel=1, grain=1, '
     'doc="")', "differ in their number of operands"),
    ('ufunc("poly8", loops={"f64->f64": "scalar"}, min_parallel=1, grain=1, doc="")',
     "'poly8' is already defined"),
    ('ufunc("a", loops={"f64->f64": "scalar"}, signature="(n)->()", min_parallel=1, grain=1, '
     'doc="", numba_point=True)', "numba_point needs an elementwise ufunc"),
])
def test_generator_refuses_a_bad_spec(tmp_path, body, message):
    family = GENERATOR.parent.parent / "poly" / "spec.py"
    bad = tmp_path / "spec.py"
    bad.write_text(body + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "table", str(tmp_path / "t.c"), str(tmp_path / "t.pyi"),
         str(family), str(bad)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "spec.py" in result.stderr


@needs_source
def test_generator_writes_one_row_per_ufunc(tmp_path):
    specs = sorted(GENERATOR.parent.parent.glob("*/spec.py"))
    subprocess.run([sys.executable, str(GENERATOR), "table", str(tmp_path / "t.c"),
                    str(tmp_path / "t.pyi"), *map(str, specs)], check=True)
    table = (tmp_path / "t.c").read_text(encoding="utf-8")
    ufuncs = sorted(n for n in dir(_core) if isinstance(getattr(_core, n), np.ufunc))
    for name in ufuncs:
        assert table.count(f"const pf_ufunc_spec pf_spec_{name} = {{") == 1


@needs_source
def test_generator_lists_the_numba_point_entries(tmp_path):
    """numba_point=True: one scalar entry per loop, its C signature from the types."""
    spec = tmp_path / "spec.py"
    spec.write_text('ufunc("a", loops={"c64,i64->i64": "simd", "f64,f64->f64": "scalar"}, '
                    'min_parallel=1, grain=1, doc="", numba_point=True)\n'
                    'ufunc("b", loops={"f64->f64": "scalar"}, min_parallel=1, grain=1, doc="")\n',
                    encoding="utf-8")
    subprocess.run([sys.executable, str(GENERATOR), "table", str(tmp_path / "t.c"),
                    str(tmp_path / "t.pyi"), str(spec)], check=True)
    table = (tmp_path / "t.c").read_text(encoding="utf-8")
    assert "int64_t pf_a_c64_point(float, float, int64_t);" in table
    assert '{"a", 0, (void (*)(void))pf_a_c64_point, "int64_t (float, float, int64_t)"},' in table
    assert '{"a", 1, (void (*)(void))pf_a_f64_point, "double (double, double)"},' in table
    assert "pf_b_" not in table.split("pf_numba_points[]")[1]


@needs_source
def test_generator_names_every_kernel_literally(tmp_path):
    """kernels.h (plain C, no Python.h) declares every kernel of every loop by
    its full name, at each level of each architecture (runtime/simd_levels.h),
    so a grep, ctags or a debugger finds it; kernels.c describes every ufunc."""
    specs = sorted(GENERATOR.parent.parent.glob("*/spec.py"))
    subprocess.run([sys.executable, str(GENERATOR), "kernels", str(tmp_path / "kernels.h"),
                    str(tmp_path / "kernels.c"), *map(str, specs)], check=True)
    header = (tmp_path / "kernels.h").read_text(encoding="utf-8")
    table = (tmp_path / "kernels.c").read_text(encoding="utf-8")
    assert "Python.h" not in header and "numpy" not in header.lower()
    assert "PF_CAT" not in header and "PF_NAME" not in header
    levels = {"PF_HAVE_X86_LEVELS": ["avx2", "avx512"], "PF_HAVE_NEON_LEVEL": ["neon"]}
    ufuncs = sorted(n for n in dir(_core) if isinstance(getattr(_core, n), np.ufunc))
    for name in ufuncs:
        assert table.count(f"const pf_kernel_ufunc pf_kernels_{name.lstrip('_')} = {{") == 1
    for line in table.splitlines():
        if ".kernels = {pf_" in line:
            base = line.split("{", 1)[1].rstrip(",").removesuffix("_scalar")
            assert f"PF_KERNEL({base}_scalar);" in header
    for macro, names in levels.items():
        assert f"#if {macro}" in header or f"#elif {macro}" in header, macro
        for level in names:
            assert f"PF_KERNEL(pf_poly8_f64_{level});" in header
            assert f"PF_KERNEL(pf_find_bumps_f32_{level});" in header
    assert "PF_KERNEL(pf_norm_pdf_f64_scalar);" in header
    assert "pf_norm_pdf_f64_avx2" not in header  # a scalar-only loop has no other level
