"""examples/lecture.ipynb runs headless from top to bottom without an error (issue 6).

Executed with nbclient on an ipykernel kernel (both in the test extras) in a
temporary folder, so that the kernel imports the installed polyfast and not
the source tree.  numba and numexpr are optional in the notebook.
"""

from pathlib import Path

import ipykernel  # noqa: F401  (test extras: a missing one is an error, not a skip)
import matplotlib  # noqa: F401
import nbclient
import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "lecture.ipynb"


def test_lecture_notebook_runs(tmp_path):
    if not NOTEBOOK.exists():
        pytest.skip(f"{NOTEBOOK} is not here (tests run outside the source tree)")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    assert not errors
    images = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 2  # the fractal and the chain are drawn
