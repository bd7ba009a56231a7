"""The grader's command line, run on a class of generated submissions.

One course directory holds the instructor solution, the unchanged release, a
submission per mutant of tests/mutants.py and one per correct variant; one run
of `python -m autograder grade` grades them all.
"""

import csv
import json
import subprocess
import sys

import nbformat
import pytest

from conftest import GRADED_FUNCTIONS, REPO, SOURCE_NOTEBOOK
from mutants import CORRECT, MUTANTS, submission
from tools.release import run_nbgrader

RELEASE_NOTEBOOK = REPO / "release" / "regularization" / "Regularization.ipynb"
POINTS = {"compute_cost_with_regularization": 2, "backward_propagation_with_regularization": 3,
          "forward_propagation_with_dropout": 3, "backward_propagation_with_dropout": 2}


def grade(course, *args):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                           str(course), "--quiet", *args], cwd=REPO, capture_output=True, text=True)


def submit(course, student, notebook):
    folder = course / "submitted" / student / "regularization"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "Regularization.ipynb")


def results(course, student):
    return json.loads((course / "autograded" / student / "regularization" / "results.json").read_text())


def items(course, student):
    return {item["name"]: item for item in results(course, student)["items"]}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    submit(course, "solution", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK))
    submit(course, "release", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, filled=False))
    for number, variant in enumerate(MUTANTS):
        submit(course, f"mutant-{number:02d}", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [variant]))
    for number, variant in enumerate(CORRECT):
        submit(course, f"correct-{number:02d}", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [variant]))
    result = grade(course)
    assert result.returncode == 0, result.stderr
    return course


def test_the_corpora_are_large_enough():
    assert len(MUTANTS) >= 30 and len(CORRECT) >= 10
    assert all(variant.mistake for variant in MUTANTS)


def test_solution_gets_full_marks(graded_class):
    document = results(graded_class, "solution")
    assert (document["score"], document["max_score"]) == (10, 10)
    assert [item["name"] for item in document["items"]] == list(GRADED_FUNCTIONS)


def test_unchanged_release_scores_zero_with_a_message_not_a_traceback(graded_class):
    for name, item in items(graded_class, "release").items():
        assert item["score"] == 0 and item["max_score"] == POINTS[name]
        assert item["messages"] == [f"{name} is not done yet: the lines between START CODE HERE and "
                                    "END CODE HERE are still `None`."]


@pytest.mark.parametrize("number", range(len(MUTANTS)), ids=[v.label for v in MUTANTS])
def test_mutant_loses_the_points_of_its_function_only(graded_class, number):
    variant = MUTANTS[number]
    graded = items(graded_class, f"mutant-{number:02d}")
    for name, item in graded.items():
        if name == variant.function:
            assert item["score"] == 0
            if variant.cause:
                assert variant.cause in "\n".join(item["messages"]), item["messages"]
        else:
            assert item["score"] == item["max_score"], (name, item["messages"])


@pytest.mark.parametrize("number", range(len(CORRECT)), ids=[v.label for v in CORRECT])
def test_correct_variant_gets_full_marks(graded_class, number):
    document = results(graded_class, f"correct-{number:02d}")
    assert document["score"] == 10, document["items"]


def test_grades_csv_has_a_row_per_function_and_a_total(graded_class):
    rows = list(csv.DictReader((graded_class / "grades.csv").open()))
    students = 2 + len(MUTANTS) + len(CORRECT)
    assert len(rows) == students * (len(GRADED_FUNCTIONS) + 1)
    assert list(rows[0]) == ["student_id", "assignment", "item", "score", "max_score", "status"]
    assert {row["status"] for row in rows} == {"graded"}
    totals = {row["student_id"]: float(row["score"]) for row in rows if row["item"] == "total"}
    assert totals["solution"] == 10 and totals["release"] == 0


def test_nbgrader_export_shows_the_same_totals(graded_class):
    exported = graded_class / "nbgrader-export.csv"
    result = run_nbgrader(["export", "--to", str(exported)], cwd=graded_class)
    assert result.returncode == 0, result.stderr
    nbgrader_totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(exported.open())}
    ours = {row["student_id"]: float(row["score"]) for row in csv.DictReader((graded_class / "grades.csv").open())
            if row["item"] == "total"}
    assert nbgrader_totals == ours


def test_feedback_pages_show_scores_and_messages_but_no_hidden_code(graded_class):
    page = (graded_class / "feedback" / "mutant-00" / "regularization" / "Regularization.html").read_text()
    assert "compute_cost_with_regularization" in page and "0 / 2" in page and "cross-entropy cost alone" in page
    for secret in ("def ", "Case(", "random_problem", "np.sum(np.square(W1))"):
        assert secret not in page


def test_grading_again_gives_identical_results(graded_class):
    before = {p: p.read_bytes() for p in (graded_class / "autograded").rglob("results.json")}
    result = grade(graded_class, "--student", "solution", "mutant-03", "correct-01")
    assert result.returncode == 0, result.stderr
    after = {p: p.read_bytes() for p in (graded_class / "autograded").rglob("results.json")}
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
     "    return undefined_name\n", "NameError: name 'undefined_name' is not defined\n  at line 5: return undefined_name"),
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
        submit(course, f"trick-{number}", notebook)
    result = grade(course, "--timeout", "3")
    assert result.returncode == 0, result.stderr
    return course


@pytest.mark.parametrize("number", range(len(TRICKS)), ids=[fragment for _, fragment in TRICKS])
def test_tricks_and_breakage_cost_only_the_function_concerned(tricky_class, number):
    graded_items = items(tricky_class, f"trick-{number}")
    assert graded_items[GRADED_FUNCTIONS[0]]["score"] == 0
    assert TRICKS[number][1] in "\n".join(graded_items[GRADED_FUNCTIONS[0]]["messages"])
    assert all(graded_items[name]["score"] == POINTS[name] for name in GRADED_FUNCTIONS[1:])


@pytest.mark.parametrize("args, message", [
    (["grade", "nope", "--course-dir", "{course}"], "no assignment 'nope' in this course kit"),
    (["grade", "regularization", "--course-dir", "{course}/missing"], "no course directory at"),
    (["grade", "regularization", "--course-dir", "{course}"], "no submissions of 'regularization'"),
    (["grade", "regularization", "--course-dir", "{course}", "--timeout", "0"], "--timeout must be"),
])
def test_usage_errors_are_clear(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "autograder", *[a.format(course=tmp_path) for a in args]],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_committed_examples_are_what_make_examples_generates(tmp_path):
    result = subprocess.run([sys.executable, "examples/make_examples.py", "--output", str(tmp_path)], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.ipynb"))
    committed = REPO / "examples" / "submissions"
    assert generated == sorted(p.relative_to(committed) for p in committed.rglob("*.ipynb"))
    for path in generated:
        assert (tmp_path / path).read_bytes() == (committed / path).read_bytes(), \
            f"examples/submissions/{path} is out of date: run `make examples` and commit it"
