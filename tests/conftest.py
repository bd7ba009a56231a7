"""Shared fixtures: paths, the instructor solutions read from the notebook."""

import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.notebook import load_definitions  # noqa: E402

SOURCE_NOTEBOOK = REPO / "source" / "regularization" / "Regularization.ipynb"
REFERENCE_DATA = REPO.parent / "shared" / "reference" / "data.mat"
GRADED_FUNCTIONS = (
    "compute_cost_with_regularization",
    "backward_propagation_with_regularization",
    "forward_propagation_with_dropout",
    "backward_propagation_with_dropout",
)


@pytest.fixture(scope="session")
def solution():
    """The instructor notebook's imports and functions (model and the four graded ones)."""
    return load_definitions(SOURCE_NOTEBOOK)


def assert_outputs_are_clean(notebook):
    """Every code cell of an executed notebook ran, without an error, stderr, a warning or a traceback."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {index} was not executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {index} has an error output"
            assert output.get("name") != "stderr", f"cell {index} printed to stderr: {output.text!r}"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert "Warning" not in text and "Traceback" not in text, f"cell {index}: {text!r}"


def printed(notebook, beginning):
    """The text printed by the one code cell of an executed notebook whose source starts with beginning."""
    [cell] = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.startswith(beginning)]
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
