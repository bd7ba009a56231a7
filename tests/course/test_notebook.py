"""The committed instructor notebooks: structure students rely on, and clean outputs.

(nbval, configured in pytest.ini, executes them and compares their outputs.)
The structural checks run on every assignment; the others are Regularization's
(test_tuning.py has Tuning's).
"""

import ast
import re

import nbformat
import numpy as np
import pytest
from conftest import ASSIGNMENTS, SOURCE_NOTEBOOK, assert_outputs_are_clean, printed

from autograder import assignments

START = re.compile(r"^\s*### START CODE HERE ###( \(approx\. \d+ lines?\))?$")
END = re.compile(r"^\s*### END CODE HERE ###$")


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(SOURCE_NOTEBOOK, as_version=4)


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def assignment(request):
    """(the assignment, its source notebook) for each assignment."""
    loaded = assignments.load(request.param)
    return loaded, nbformat.read(loaded.source_notebook, as_version=4)


def graded_cells(notebook):
    return {cell.source.splitlines()[0].removeprefix("# GRADED FUNCTION: "): index
            for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and cell.source.startswith("# GRADED FUNCTION: ")}


def test_each_graded_function_has_its_cell_a_test_cell_and_expected_output(assignment):
    spec, notebook = assignment
    cells = graded_cells(notebook)
    assert list(cells) == list(spec.functions)
    for name, index in cells.items():
        tree = ast.parse(notebook.cells[index].source)
        assert [node.name for node in tree.body if isinstance(node, ast.FunctionDef)] == [name]
        test_cell, expected = notebook.cells[index + 1], notebook.cells[index + 2]
        visible, _, hidden = test_cell.source.partition("### BEGIN HIDDEN TESTS\n")
        assert test_cell.cell_type == "code" and visible.startswith(f"# Test {name} ")
        assert f"public_tests.{name}_test({name})" in visible
        assert hidden.startswith("from autograder import hidden\n") and f'hidden.test("{name}", {name})' in hidden
        assert hidden.endswith("### END HIDDEN TESTS")
        assert expected.cell_type == "markdown" and "Expected output" in expected.source
        text = "".join(output.get("text", "") for output in test_cell.outputs if output.output_type == "stream")
        assert "All tests passed." in expected.source and "All tests passed." in text
        assert_table_is_what_the_test_prints(expected.source, text)


NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def assert_table_is_what_the_test_prints(table, printed):
    """Each row `quantity | value` of an expected-output table holds the numbers the test cell printed for it."""
    rows = re.findall(r"^\| `(.+?)` \| (.+) \|$", table, re.MULTILINE)
    values = dict(re.findall(r"^(\S[^\n]*?) = ?\n?(.*?)(?=^\S[^\n]* = |^All tests passed\.)", printed,
                             re.MULTILINE | re.DOTALL))
    assert rows and [name for name, _ in rows] == list(values), (rows, values)
    for name, value in rows:
        shown, found = (np.array(NUMBER.findall(text), dtype=float) for text in (value, values[name]))
        assert shown.shape == found.shape and np.allclose(shown, found, rtol=0, atol=1e-8), (name, value, values[name])


def test_student_regions_are_one_commented_statement_per_line(assignment):
    _, notebook = assignment
    for name, index in graded_cells(notebook).items():
        lines = notebook.cells[index].source.splitlines()
        starts = [i for i, line in enumerate(lines) if START.match(line)]
        ends = [i for i, line in enumerate(lines) if END.match(line)]
        assert starts and len(starts) == len(ends), name
        for start, end in zip(starts, ends):
            assert start < end
            body = [line for line in lines[start + 1:end] if line.strip()]
            announced = re.search(r"approx\. (\d+)", lines[start])
            assert announced and int(announced.group(1)) == len(body), f"{name}: line count hint"
            for line in body:
                statement, _, comment = line.partition("  # ")
                assert comment.strip(), f"{name}: no comment on {line.strip()!r}"
                assert isinstance(ast.parse(statement.strip()).body[0], ast.Assign), line


def test_dropout_forward_does_not_reseed(notebook):
    index = graded_cells(notebook)["forward_propagation_with_dropout"]
    assert "seed" not in notebook.cells[index].source.split("'''")[-1]


def test_outputs_are_clean(assignment):
    _, notebook = assignment
    assert_outputs_are_clean(notebook)


def test_conclusions_are_computed_not_typed(notebook):
    summary = [cell for cell in notebook.cells if "summary" in cell.metadata.get("tags", [])]
    assert len(summary) == 1
    assert "results.items()" in summary[0].source and "%" not in summary[0].source.replace("%}", "")
    printed = "".join(output.get("text", "") for output in summary[0].outputs)
    assert len(re.findall(r"\d+\.\d%", printed)) == 6


def test_plots_are_embedded(notebook):
    figures = sum("image/png" in output.get("data", {})
                  for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 5


def test_too_much_regularisation_backs_the_text(notebook):
    # "Both boundaries look straight", lambd = 10's has no bend and is less steep, more opponents' headers on
    # our side, both accuracies lower. (test_any_cpu.py shows that every CPU prints these lines.)
    text = printed(notebook, "# With a strong penalty")
    rows = re.findall(r"^lambd = ([\d.]+): +train accuracy ([\d.]+), test accuracy ([\d.]+); boundary slope ([\d.]+), "
                      r"bend ([\d.]+); training headers on the wrong side: (\d+) won by the opponents, (\d+) by our "
                      r"team$", text, re.MULTILINE)
    (small, *l2), (large, *strong) = [(name, *map(float, values)) for name, *values in rows]
    assert (small, large) == ("0.7", "10")
    train, test, slope, bend, theirs, ours = range(6)
    assert strong[bend] == 0 < l2[bend] <= 0.1
    assert strong[slope] < l2[slope] and strong[theirs] > l2[theirs]
    assert strong[train] < l2[train] and strong[test] < l2[test]
    for row in (l2, strong):
        assert row[theirs] + row[ours] == round((1 - row[train]) * 211)
