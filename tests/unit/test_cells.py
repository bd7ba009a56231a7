"""Reading a submitted notebook's graded cells (autograder/inside/cells.py), on notebooks built inline."""

import json
from textwrap import dedent

import pytest

from autograder.inside import cells


def notebook(*sources, nbformat=4):
    return json.dumps({"nbformat": nbformat, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "source": s, "metadata": {}, "outputs": []}
                                 for s in sources]}).encode()


@pytest.mark.parametrize("data, reason", [
    (b"\xff\xfe", "not UTF-8"),
    (b"{", "not valid JSON"),
    (b"[]", "no list of cells"),
    (notebook("x = 1", nbformat=3), "format 4"),
    (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}).encode(), "not text"),
    (json.dumps({"nbformat": 4, "cells": [3]}).encode(), "is not a cell"),
])
def test_what_is_not_a_notebook_is_unreadable_with_its_reason(data, reason):
    with pytest.raises(cells.Unreadable, match=reason):
        cells.code_cells(data)


def test_graded_cells_are_found_by_their_marker_and_copies_kept():
    sources = cells.code_cells(notebook("# GRADED FUNCTION: f\ndef f(): return 1", "print(1)",
                                        ["# GRADED FUNCTION: f\n", "def f(): return 2"]))
    assert cells.graded_cells(sources) == {"f": ["# GRADED FUNCTION: f\ndef f(): return 1",
                                                 "# GRADED FUNCTION: f\ndef f(): return 2"]}


def test_a_stub_is_not_started_and_any_code_is():
    stub = dedent("""\
        def f(x):
            ### START CODE HERE ###
            y = None
            a, b = None, None  # two at once
            ### END CODE HERE ###
            return y""")
    assert cells.not_started(stub)
    assert not cells.not_started(stub.replace("y = None", "y = x"))


def test_student_code_keeps_imports_functions_and_classes_on_their_lines():
    source = dedent("""\
        import numpy as np
        train_forever()
        class Helper:
            pass
        def f(x):
            return np.sum(x)
        print(f(1))""")
    code, problem = cells.student_code(source, "f")
    assert problem is None
    assert code.splitlines() == ["import numpy as np", "", "class Helper:", "    pass", "def f(x):",
                                 "    return np.sum(x)", ""]


@pytest.mark.parametrize("source, message", [
    ("def f(:\n    pass", "syntax error at line 1"),
    ("def g():\n    pass", "does not define a function called f"),
    ("(" * 200_000, "too many nested parentheses"),
    ("x = " + "-" * 200_000 + "1\ndef f():\n    pass", "could not be read as Python"),
])
def test_a_cell_that_cannot_be_used_says_why(source, message):
    code, problem = cells.student_code(source, "f")
    assert code is None and message in problem


def test_magics_are_blanked_out_on_their_lines_however_many():
    """Linear in the cell, so the verdict does not depend on the machine's speed (IPython's transformer is
    quadratic: seconds for a few hundred magics)."""
    source = "\n".join(["%time x = 1"] * 5000 + ["!ls", "np.sum?", "def f(x):", "    %time y = 2", "    return x"])
    code, problem = cells.student_code(source, "f")
    assert problem is None
    lines = code.splitlines()
    assert len(lines) == 5005 and lines[-3:] == ["def f(x):", "", "    return x"] and not any(lines[:-3])


def test_plain_python_is_not_touched():
    source = "def f(x):\n    return x  # why? because\n"
    assert cells.parse(source)[0] == source
