"""Every public name is documented in numpydoc form, and its examples run.

The names are enumerated from ``polyfast.__all__`` and
``polyfast.notebook.__all__`` (tests/public_api.py's `public_names`), so a new
public function or ufunc, with no edit here, needs a docstring
with a summary line and an Examples section that runs, and a function taking
arguments needs Parameters and Returns sections too.
"""

import doctest
import inspect
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import polyfast
import polyfast.notebook
from public_api import public_names, resolve

PUBLIC = public_names()


def _takes_arguments(obj) -> bool:
    if isinstance(obj, np.ufunc):
        return True
    try:
        return bool(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return True


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_numpydoc_docstring(name):
    obj = resolve(name)
    assert obj.__doc__, f"polyfast.{name} has no docstring"
    doc = inspect.cleandoc(obj.__doc__)
    sections = ["Examples\n--------"]
    if _takes_arguments(obj):
        sections += ["Parameters\n----------", "Returns\n-------"]
    for section in sections:
        assert section in doc, f"polyfast.{name}: missing {section.splitlines()[0]}"
    lines = inspect.cleandoc(doc).splitlines()
    summary = next(line for line in lines if line.strip() and "--" not in line
                   and not line.startswith(name.split(".")[-1] + "("))
    assert summary.rstrip().endswith("."), f"polyfast.{name}: summary line {summary!r}"


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_examples_pass(name):
    obj = resolve(name)
    finder = doctest.DocTestFinder(exclude_empty=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"np": np, "polyfast": polyfast}
    before = polyfast.get_num_threads()
    for test in finder.find(obj, name=f"polyfast.{name}", globs=globs):
        runner.run(test)
    assert polyfast.get_num_threads() == before, f"polyfast.{name}'s examples changed threads"
    assert runner.failures == 0, f"{runner.failures} doctest example(s) of polyfast.{name} failed"
    assert runner.tries > 0, f"polyfast.{name} has no runnable example"


def test_typed_usage_runs(tmp_path):
    """tests/typing/usage.py (checked by mypy --strict in .ci/typecheck.sh) also runs."""
    usage = os.path.join(os.path.dirname(os.path.abspath(__file__)), "typing", "usage.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLYFAST_")}
    env["PYTHONSAFEPATH"] = "1"
    proc = subprocess.run([sys.executable, usage], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("typed usage ok")


def test_readme_links_lead_to_files():
    """README's relative links (to the docs pages) point at files of the clone."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
    readme = os.path.join(root, "README.md")
    if not os.path.exists(os.path.join(root, "docs", "conf.py")):
        pytest.skip("README.md and docs/ are not next to the tests (installed test tree)")
    with open(readme, encoding="utf-8") as f:
        targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", f.read())
    local = [t for t in targets if "://" not in t]
    assert local, "README.md links to no docs page"
    missing = [t for t in local if not os.path.exists(os.path.join(root, t))]
    assert not missing, f"README.md links to missing files: {missing}"
