"""Student ids are folder names, as the file system gives them: checked once, where submissions are found.

A class holds odd but valid ids (spaces, letters beyond ASCII, quotes, HTML,
a spreadsheet formula's first character) and folders whose names cannot be
ids (not UTF-8, as an unzip with a legacy code page makes them; a control
character; a bidirectional override; a leading dot). `grade` grades every
valid one, says which folder it left out, why and what to do, and exits 1;
`report`, `similarity` and `export` leave them out with the same warning;
every file written holds the valid ids as they are.
"""

import csv
import html
import json
import os
import subprocess
import sys

import nbformat
import pytest
from conftest import REGULARIZATION, REPO, SOURCE_NOTEBOOK, grade, release_notebook, results

from autograder.coursedir import CourseDirectory, id_problem
from autograder.outputs import grades
from tools.variants import submission

ASSIGNMENT = REGULARIZATION.name
VALID = ("Zoë Ünal", "o'brien \"q\"", "=cmd", "+plus", "<b>bold&co")
INVALID = {b"caf\xe9": "is not valid UTF-8", b"tab\tname": "U+0009", b".hidden": "starts with a dot",
           "bidi\u202eevil".encode(): "U+202E"}


def command(name, course, *options):
    """`python -m autograder <name> regularization --course-dir course ...`; the finished process."""
    return subprocess.run([sys.executable, "-m", "autograder", name, ASSIGNMENT, "--course-dir", str(course), *options],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class with the valid and the invalid folder names, each holding the solution, graded once."""
    course = tmp_path_factory.mktemp("odd-ids")
    notebook = submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK)
    text = nbformat.writes(notebook).encode()
    for name in [*(name.encode() for name in VALID), *INVALID]:
        folder = os.path.join(os.fsencode(course), b"submitted", name, ASSIGNMENT.encode())
        os.makedirs(folder)
        with open(os.path.join(folder, REGULARIZATION.notebook.encode()), "wb") as handle:
            handle.write(text)
    return course, grade(course, ASSIGNMENT)


def warned(stderr):
    """The warning lines of a command's standard error, one per folder left out."""
    return [line for line in stderr.splitlines() if line.startswith("warning: submitted/")]


def assert_warned_about_each_invalid_folder(stderr):
    lines = warned(stderr)
    assert len(lines) == len(INVALID), stderr
    for name, reason in INVALID.items():
        shown = ascii(os.fsdecode(name))
        [line] = [line for line in lines if f"submitted/{shown}/{ASSIGNMENT}/" in line]
        assert reason in line and "Rename the folder" in line


@pytest.mark.parametrize("name, problem", [
    ("ada", None), ("Zoë Ünal", None), ("=cmd", None), ("o'brien", None),
    ("", "is empty"), (".", "starts with a dot"), ("..", "starts with a dot"), ("a/b", "slash"),
    (os.fsdecode(b"caf\xe9"), "not valid UTF-8"), ("line\nbreak", "U+000A"), ("del\x7f", "U+007F"),
    ("rtl\u202e", "U+202E"), ("sep\u2028", "U+2028"),
])
def test_which_names_are_student_ids(name, problem):
    found = id_problem(name)
    assert found is None if problem is None else problem in found


def test_grade_grades_every_valid_id_and_says_which_folders_it_left_out(graded):
    course, result = graded
    assert result.returncode == 1, result.stdout + result.stderr
    assert_warned_about_each_invalid_folder(result.stderr)
    assert f"{len(INVALID)} folder(s) of submitted/ were left out" in result.stderr
    assert "Traceback" not in result.stderr
    assert f"Graded {len(VALID)} submission(s) of {ASSIGNMENT}, 0 failed" in result.stdout
    for student in VALID:
        found = results(course, student, ASSIGNMENT)
        assert found["student_id"] == student and found["status"] == "graded" and found["score"] == 10
    # Nothing is written under a name that is not a student id.
    for step in ("autograded", "feedback"):
        assert sorted(os.listdir(os.fsencode(course / step))) == sorted(
            [name.encode() for name in VALID] + ([b".grading.lock"] if step == "autograded" else []))


def test_every_file_holds_odd_valid_ids_as_they_are(graded):
    course, _ = graded
    with (course / "grades.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    totals = {row["student_id"]: row for row in rows if row["item"] == "total"}
    assert set(totals) == {grades.escaped(student) for student in VALID}
    assert "'=cmd" in totals and "'+plus" in totals  # a spreadsheet does not run them
    for student in VALID:
        page = (CourseDirectory(course).feedback(student, ASSIGNMENT) / "Regularization.html").read_text()
        assert html.escape(student) in page and "<b>bold" not in page


def test_report_similarity_and_export_leave_the_invalid_folders_out_with_the_same_warning(graded):
    course, _ = graded
    report = command("report", course)
    assert report.returncode == 0, report.stdout + report.stderr
    assert_warned_about_each_invalid_folder(report.stderr)
    page = (course / "reports" / ASSIGNMENT / "index.html").read_text(encoding="utf-8")
    assert "<b>bold" not in page and "caf" not in page and "tab\tname" not in page

    similar = command("similarity", course)
    assert similar.returncode == 0, similar.stdout + similar.stderr
    assert_warned_about_each_invalid_folder(similar.stderr)
    pairs = json.loads((course / "reports" / ASSIGNMENT / "similarity.json").read_text(encoding="utf-8"))
    assert {pair["a"] for pair in pairs} | {pair["b"] for pair in pairs} <= set(VALID)

    for kind in ("csv", "json", "canvas"):
        exported = command("export", course, "--format", kind)
        assert exported.returncode == 0, exported.stdout + exported.stderr
        assert_warned_about_each_invalid_folder(exported.stderr)
        if kind == "json":
            assert sorted(row["student_id"] for row in json.loads(exported.stdout)) == sorted(VALID)
        else:
            column = 0 if kind == "csv" else 2  # canvas: the SIS User ID, the student id without a roster
            ids = [row[column] for row in csv.reader(exported.stdout.splitlines()[1 + (kind == "canvas"):])]
            assert sorted(ids) == sorted(grades.escaped(student) for student in VALID)


def test_one_odd_valid_id_is_graded_alone_without_the_others_warnings(graded):
    course, _ = graded
    result = grade(course, ASSIGNMENT, "--student", VALID[0])
    assert result.returncode == 0 and not warned(result.stderr), result.stderr
    assert results(course, VALID[0], ASSIGNMENT)["score"] == 10


def test_a_class_of_invalid_folders_only_is_a_usage_error(tmp_path):
    folder = os.path.join(os.fsencode(tmp_path), b"submitted", b"caf\xe9", ASSIGNMENT.encode())
    os.makedirs(folder)
    result = grade(tmp_path, ASSIGNMENT)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no submissions of 'regularization'" in result.stderr and "'caf\\udce9'" in result.stderr
