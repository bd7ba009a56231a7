"""The companion notebooks of notebooks/: committed executed, with clean outputs, prose and figures.

(nbval, configured in pytest.ini, executes them and compares their outputs.)
"""

import nbformat
import pytest

from conftest import REPO, assert_outputs_are_clean

COMPANIONS = ("bias_and_variance", "l1_l2_elastic_net", "dropout_intuition")


@pytest.fixture(params=COMPANIONS)
def notebook(request):
    return nbformat.read(REPO / "notebooks" / f"{request.param}.ipynb", as_version=4)


def test_the_folder_holds_exactly_the_companions():
    assert sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb")) == sorted(COMPANIONS)


def test_every_cell_ran_without_errors_warnings_or_stderr(notebook):
    assert_outputs_are_clean(notebook)


def test_prose_formulas_figures_and_a_summary(notebook):
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert markdown.startswith("# ") and "$" in markdown and "What to remember" in markdown
    figures = sum("image/png" in output.get("data", {})
                  for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 3
