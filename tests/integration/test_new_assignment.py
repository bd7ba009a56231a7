"""An assignment is added by creating files in its own folder only, and the whole pipeline then works for it.

In a copy of the course, `python -m tools.new_assignment weight_decay` (what
`make new-assignment` runs) writes source/weight_decay/. The README's steps
follow (execute its notebook, release, examples), then the generic tests of
test_assignments.py, test_notebook.py and test_release.py for it, and a
graded class: results, feedback, gradebook. Only its own folders, and what is
generated from them, change. A graded cell without hidden tests stops the
release and the grader, with a message that says what to fix.
"""

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import course_copy

pytestmark = pytest.mark.slow
NAME, FUNCTION, NOTEBOOK = "weight_decay", "l2_penalty", "WeightDecay.ipynb"


def in_copy(course):
    """The environment of a command run in the copy: its modules first, also for the kernels it starts
    (the venv's path file names the original repository)."""
    return {**os.environ, "PYTHONPATH": str(course),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}  # nbgrader runs alembic


def run(course, *args):
    result = subprocess.run([sys.executable, *args], cwd=course, env=in_copy(course), capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def snapshot(course):
    """{path: digest} of the course's files, links as their targets."""
    return {str(p.relative_to(course)): hashlib.sha256(str(p.readlink()).encode() if p.is_symlink()
                                                       else p.read_bytes()).hexdigest()
            for p in course.rglob("*") if (p.is_file() or p.is_symlink()) and "__pycache__" not in p.parts
            and ".pytest_cache" not in p.parts}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("new"))
    run(course, "-m", "tools.release")
    return course


def test_a_new_assignment_touches_only_its_folders_and_works_end_to_end(course):
    before = snapshot(course)
    run(course, "-m", "tools.new_assignment", NAME)
    run(course, "-m", "tools.execute", f"source/{NAME}/{NOTEBOOK}", "--output", f"source/{NAME}/{NOTEBOOK}")
    run(course, "-m", "tools.release")
    run(course, "-m", "tools.make_examples")
    changed = {path for path, digest in snapshot(course).items() if before.get(path) != digest}
    assert changed and all(path.startswith((f"source/{NAME}/", f"release/{NAME}/")) or path == "docs/students.md"
                           or path.startswith("examples/submissions/") and f"/{NAME}/" in path for path in changed)
    assert f"`{NOTEBOOK}` has 1 graded function" in (course / "docs" / "students.md").read_text()
    assert {f"source/{NAME}/{name}" for name in ("hidden_tests.py", "mutants.py", "public_tests.py")} <= changed

    # The release: the stub, the visible tests, no hidden test.
    released = nbformat.read(course / "release" / NAME / NOTEBOOK, as_version=4)
    assert any("penalty = None" in cell.source for cell in released.cells)
    assert not any("hidden" in cell.source for cell in released.cells)
    assert sorted(p.name for p in (course / "release" / NAME).iterdir()) == [
        "README.md", NOTEBOOK, "checking.py", "public_tests.py", "reg_utils.py", "requirements.txt", "testCases.py"]

    # What every assignment gets: declared once, solution passes, stubs fail, mutants caught, variants accepted,
    # a graded class, the notebook's structure, the release's cells, nbgrader's validate both ways.
    tests = run(course, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/course/test_assignments.py",
                "tests/course/test_notebook.py", "tests/integration/test_release.py", "-k", f"{NAME} or {FUNCTION}")
    assert " passed" in tests.stdout and "failed" not in tests.stdout and "error" not in tests.stdout

    # The example class, graded through the command line, into nbgrader's gradebook.
    grading = course / "build" / "class"
    grading.mkdir(parents=True)
    shutil.copytree(course / "examples" / "submissions", grading / "submitted")
    result = run(course, "-m", "autograder", "grade", NAME, "--course-dir", str(grading), "--table")
    assert "Graded 4 submission(s) of weight_decay, 0 failed" in result.stdout
    totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader((grading / "grades.csv").open())
              if row["item"] == "total"}
    assert totals == {"ada": 2.0, "ben": 0.0, "cleo": 0.0, "dev": 2.0}
    page = (grading / "feedback" / "ben" / NAME / "WeightDecay.html").read_text()
    assert FUNCTION in page and "twice too large" in page
    exported = grading / "export.csv"
    run(grading, "-m", "nbgrader", "export", "--to", str(exported))
    assert {row["student_id"]: float(row["score"]) for row in csv.DictReader(exported.open())} == totals


def test_a_graded_cell_without_hidden_tests_stops_the_release_and_the_grader(course, tmp_path):
    path = course / "source" / "regularization" / "Regularization.ipynb"
    original = path.read_bytes()
    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if cell.source.startswith("# GRADED FUNCTION: "))
    graded, test = (nbformat.from_dict(dict(notebook.cells[i])) for i in (index, index + 1))
    graded.source = graded.source.replace("compute_cost_with_regularization", "extra_penalty")
    graded.metadata["nbgrader"] = {**graded.metadata["nbgrader"], "grade_id": "extra_penalty"}
    test.source = "public_tests.compute_cost_with_regularization_test(extra_penalty)"
    test.metadata["nbgrader"] = {**test.metadata["nbgrader"], "grade_id": "test_extra_penalty", "points": 1}
    graded["id"], test["id"] = "extra-penalty", "test-extra-penalty"
    notebook.cells[index + 3:index + 3] = [graded, test]
    nbformat.write(notebook, path)
    try:
        release = subprocess.run([sys.executable, "-m", "tools.release"], cwd=course, env=in_copy(course),
                                 capture_output=True, text=True)
        (tmp_path / "submitted" / "ada" / "regularization").mkdir(parents=True)
        grade = subprocess.run([sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir",
                                str(tmp_path)], cwd=course, env=in_copy(course), capture_output=True, text=True)
    finally:
        path.write_bytes(original)
    for result, code in ((release, 1), (grade, 2)):
        assert result.returncode == code and "Traceback" not in result.stderr, result.stderr
        assert ("regularization: source/regularization/hidden_tests.py: the notebook grades extra_penalty, which "
                "HIDDEN does not: add each to HIDDEN.labels and give it cases in cases()") in result.stderr
