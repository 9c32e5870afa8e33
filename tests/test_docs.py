"""Every public name is documented in numpydoc form, and its examples run."""

import doctest

import numpy as np
import pytest

import polyfast

PUBLIC = sorted(polyfast.__all__)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_numpydoc_docstring(name):
    doc = getattr(polyfast, name).__doc__
    assert doc, f"polyfast.{name} has no docstring"
    if isinstance(getattr(polyfast, name), np.ufunc):
        for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
            assert section in doc, f"polyfast.{name}: missing {section.splitlines()[0]}"


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_examples_pass(name):
    obj = getattr(polyfast, name)
    finder = doctest.DocTestFinder(exclude_empty=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(obj, name=f"polyfast.{name}", globs={"np": np, "polyfast": polyfast})
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} doctest example(s) of polyfast.{name} failed"
    if isinstance(obj, np.ufunc):
        assert runner.tries > 0, f"polyfast.{name} has no runnable example"
