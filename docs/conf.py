"""Sphinx configuration of polyfast's site (issue 23).

Build, from the root of a clone, after ``python -m pip install '.[docs]'``::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The pages document the *installed* polyfast (autodoc imports it, myst-nb's
kernel runs it), never the source folder ``polyfast/``, which has no compiled
extension: the clone's root is taken off ``sys.path`` below.  ``.ci/docs.sh``
builds and checks the site; ``.readthedocs.yaml`` runs the same command.
"""

import os
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent

# `python -m sphinx` run from the clone's root puts it first on sys.path, where
# `import polyfast` would find the source folder instead of the install.
sys.path[:] = [p for p in sys.path if pathlib.Path(p or os.getcwd()).resolve() != ROOT]
sys.path.insert(0, str(DOCS / "_ext"))

import polyfast  # noqa: E402  (after the path fix above)

project = "polyfast"
author = "the polyfast developers"
copyright = "the polyfast developers; BSD-3-Clause"
release = polyfast.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    # MathJax copied into the site, not loaded from a CDN: the pages' formulas
    # render offline too (a local build, CI's headless browser).
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_nb",
    "polyfast_docs",  # docs/_ext: API pages, loop tables, the lecture's copy, speed-up tables
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_ext", "jupyter_execute"]
# `name` in a docstring links to that object when Sphinx knows it, else is code.
default_role = "py:obj"
nitpicky = False

# numpydoc: the docstrings are numpydoc already; no member tables (no classes).
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_typehints = "none"  # the docstrings' Parameters say the types

# The lecture: examples/lecture.ipynb (copied to docs/generated/ by polyfast_docs)
# executed at every build, in a temporary folder, so its timings and pictures
# are this build's; a failing cell fails the build.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_in_temp = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# The doctest builder (.ci/docs.sh: `-b doctest` over the same doctrees) runs the
# pages' `{doctest}` blocks and every docstring's Examples, as tests/test_docs.py
# does (same option flags).
doctest_global_setup = "import numpy as np\nimport polyfast"
doctest_default_flags = (__import__("doctest").ELLIPSIS
                         | __import__("doctest").NORMALIZE_WHITESPACE
                         | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1)

html_theme = "pydata_sphinx_theme"
html_title = f"polyfast {release}"
html_static_path = ["_static"]
html_css_files = ["polyfast.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# The left column lists a section's pages: only the API reference has any; the
# other pages (every docs/*.md and the lecture) get the full width.
html_sidebars = {page: [] for page in
                 [p.stem for p in DOCS.glob("*.md")] + ["generated/lecture"]}
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
