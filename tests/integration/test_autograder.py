"""The grader's command line: nbgrader's view of its grades, feedback, repeatability, tricks and usage errors.

The class graded for Regularization by test_assignments.py (conftest's
graded_class: the solution, the release, one submission per mutant and per
correct variant) is reused here.
"""

import csv
import subprocess
import sys

import pytest
from conftest import GRADED_FUNCTIONS, REGULARIZATION, REPO, SOURCE_NOTEBOOK, grade, items, release_notebook, submit

from tools.release import run_nbgrader
from tools.variants import submission

RELEASE_NOTEBOOK = release_notebook(REGULARIZATION)
POINTS = REGULARIZATION.points


@pytest.fixture(scope="module")
def regularization_class(graded_class):
    return graded_class("regularization")


def test_nbgrader_export_shows_the_same_totals(regularization_class):
    exported = regularization_class / "nbgrader-export.csv"
    result = run_nbgrader(["export", "--to", str(exported)], cwd=regularization_class)
    assert result.returncode == 0, result.stderr
    nbgrader_totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(exported.open())}
    ours = {row["student_id"]: float(row["score"])
            for row in csv.DictReader((regularization_class / "grades.csv").open())
            if row["item"] == "total"}
    assert nbgrader_totals == ours


def test_feedback_pages_show_scores_and_messages_but_no_hidden_code(regularization_class):
    page = (regularization_class / "feedback" / "mutant-00" / "regularization" / "Regularization.html").read_text()
    assert "compute_cost_with_regularization" in page and "0 / 2" in page and "cross-entropy cost alone" in page
    for secret in ("def ", "Case(", "random_problem", "np.sum(np.square(W1))"):
        assert secret not in page


def test_grading_again_gives_identical_results(regularization_class):
    before = {p: p.read_bytes() for p in (regularization_class / "autograded").rglob("results.json")}
    result = grade(regularization_class, "regularization", "--student", "solution", "mutant-03", "correct-01")
    assert result.returncode == 0, result.stderr
    after = {p: p.read_bytes() for p in (regularization_class / "autograded").rglob("results.json")}
    assert after == before


TRICKS = [
    # nbgrader's autograde runs these in the student's kernel, where they pass its asserts.
    ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
     "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n    return 0.0\n", "cost has wrong values"),
    ("class Anything(float):\n    def __eq__(self, other):\n        return True\n"
     "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n    return Anything(1.0)\n",
     "returned <a Anything>"),
    ("import numpy as np\nclass Anything(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
     "def compute_cost_with_regularization(A3, Y, parameters, lambd):\n    return np.zeros(1).view(Anything)\n",
     "returned <a Anything>"),
    ("def compute_cost_with_regularization(A3, Y, parameters, lambd)\n    return 1.0\n", "syntax error at line 3"),
    ("def compute_cost(A3, Y):\n    return 1.0\n", "does not define a function called"),
    ("def compute_cost_with_regularization(A3, Y, parameters, lambd):\n    while True:\n        pass\n",
     "did not finish within 3 seconds"),
    ("import os\ndef compute_cost_with_regularization(A3, Y, parameters, lambd):\n    os._exit(3)\n",
     "stopped before answering"),
    ("train_forever()\ndef compute_cost_with_regularization(A3, Y, parameters, lambd):\n"
     "    return undefined_name\n",
     "NameError: name 'undefined_name' is not defined\n  at line 5: return undefined_name"),
]


@pytest.fixture(scope="module")
def tricky_class(tmp_path_factory):
    """One student per trick or breakage, all in the cell of the first graded function."""
    course = tmp_path_factory.mktemp("tricks")
    for number, (cell, _) in enumerate(TRICKS):
        notebook = submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK)
        graded = next(c for c in notebook.cells
                      if c.source.startswith(f"# GRADED FUNCTION: {GRADED_FUNCTIONS[0]}"))
        graded.source = f"# GRADED FUNCTION: {GRADED_FUNCTIONS[0]}\n\n{cell}"
        submit(course, f"trick-{number}", REGULARIZATION, notebook)
    result = grade(course, "regularization", "--timeout", "3")
    assert result.returncode == 0, result.stderr
    return course


@pytest.mark.parametrize("number", range(len(TRICKS)), ids=[fragment for _, fragment in TRICKS])
def test_tricks_and_breakage_cost_only_the_function_concerned(tricky_class, number):
    graded_items = items(tricky_class, f"trick-{number}", "regularization")
    assert graded_items[GRADED_FUNCTIONS[0]]["score"] == 0
    assert TRICKS[number][1] in "\n".join(graded_items[GRADED_FUNCTIONS[0]]["messages"])
    assert all(graded_items[name]["score"] == POINTS[name] for name in GRADED_FUNCTIONS[1:])


@pytest.mark.parametrize("args, message", [
    (["grade", "nope", "--course-dir", "{course}"], "no assignment 'nope' in source/"),
    (["grade", "regularization", "--course-dir", "{course}/missing"], "no course directory at"),
    (["grade", "regularization", "--course-dir", "{course}"], "no submissions of 'regularization'"),
    (["grade", "regularization", "--course-dir", "{course}", "--timeout", "0"], "--timeout must be"),
])
def test_usage_errors_are_clear(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "autograder", *[a.format(course=tmp_path) for a in args]],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_committed_examples_are_what_make_examples_generates(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tools.make_examples", "--output", str(tmp_path)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.ipynb"))
    committed = REPO / "examples" / "submissions"
    assert generated == sorted(p.relative_to(committed) for p in committed.rglob("*.ipynb"))
    for path in generated:
        assert (tmp_path / path).read_bytes() == (committed / path).read_bytes(), \
            f"examples/submissions/{path} is out of date: run `make examples` and commit it"
