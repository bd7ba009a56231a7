"""The grading run as an object, in this process: what it records, what it writes, the failed list.

The course directory holds two example students (ada: complete solutions, ben: three typical mistakes). The run
grades them in a thread of this process (jobs=1), each in its own sandbox, through the same GradingRun that
`python -m autograder grade` uses.
"""

import contextlib
import csv
import io
import json
import shutil
import sqlite3

import pytest
from conftest import REGULARIZATION, REPO

from autograder import batch, errors
from autograder.commands.grade import GradingRun, submissions
from autograder.coursedir import CourseDirectory

NAME = REGULARIZATION.name
EXPECTED = {"ada": 10, "ben": 3}


@pytest.fixture
def course(tmp_path):
    for student in EXPECTED:
        shutil.copytree(REPO / "examples" / "submissions" / student / NAME, tmp_path / "submitted" / student / NAME)
    return tmp_path


def results_json(course, student):
    return json.loads(CourseDirectory(course).results(student, NAME).read_text())


def gradebook_scores(course):
    """{student_id: score} of the course's SQLite gradebook, as nbgrader recorded them."""
    with contextlib.closing(sqlite3.connect(CourseDirectory(course).gradebook)) as database:
        rows = database.execute("SELECT student.id, SUM(grade.auto_score) FROM grade "
                                "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
                                "JOIN submitted_assignment ON submitted_notebook.assignment_id = "
                                "submitted_assignment.id "
                                "JOIN student ON submitted_assignment.student_id = student.id GROUP BY student.id")
        return dict(rows.fetchall())


def run_quietly(grading_run):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        grading_run.run()
    return printed.getvalue()


def test_a_run_grades_records_and_writes_every_output(course):
    grading_run = GradingRun(course, REGULARIZATION, submissions(course, NAME), jobs=1, quiet=True)
    printed = run_quietly(grading_run)

    assert grading_run.failed == [] and grading_run.waiting == []
    scores = {student: sum(item.score for item in items) for (student, _), (items, _) in grading_run.graded.items()}
    assert scores == EXPECTED
    assert sorted(graded.student_id for _, graded in grading_run.received) == sorted(EXPECTED)
    for student, score in EXPECTED.items():
        written = results_json(course, student)
        assert (written["status"], written["score"], written["max_score"]) == ("graded", score, 10)
        assert [item["name"] for item in written["items"]] == list(REGULARIZATION.functions)
    assert gradebook_scores(course) == EXPECTED
    with CourseDirectory(course).grades_csv.open() as table:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(table) if row["item"] == "total"}
    assert totals == EXPECTED
    assert f"Graded 2 submission(s) of {NAME}, 0 failed" in printed and "(this process)" in printed
    assert "Protections for student code:" in printed
    assert grading_run.where == "this process" and grading_run.seconds > 0
    assert [line.split()[:2] for line in grading_run.table().splitlines()[2:]] == [["ada", "2"], ["ben", "0"]]


def test_a_submission_that_cannot_be_graded_is_failed_with_zero_points(course, monkeypatch):
    graded_as_usual = batch.grade_task

    def grade_task(assignment_name, task, timeout, unsafe=False):
        if task.student_id == "ben":
            raise errors.GradingFailed("its sandbox stopped answering")
        return graded_as_usual(assignment_name, task, timeout, unsafe)

    monkeypatch.setattr(batch, "grade_task", grade_task)  # jobs=1: the pool's thread runs in this process
    grading_run = GradingRun(course, REGULARIZATION, submissions(course, NAME), jobs=1, quiet=True)
    failures = io.StringIO()
    with contextlib.redirect_stderr(failures):
        printed = run_quietly(grading_run)

    assert grading_run.failed == ["ben"]
    assert f"Graded 1 submission(s) of {NAME}, 1 failed" in printed
    assert "error: ben could not be graded (its sandbox stopped answering); recorded as not graded" in \
        failures.getvalue()
    written = results_json(course, "ben")
    assert (written["status"], written["reason"], written["score"]) == ("failed", "its sandbox stopped answering", 0)
    assert all(item["messages"] == ["not graded: its sandbox stopped answering"] for item in written["items"])
    assert results_json(course, "ada")["score"] == 10
    assert gradebook_scores(course) == {"ada": 10, "ben": 0}


def test_a_run_driven_step_by_step_records_a_failure_without_grading(course):
    grading_run = GradingRun(course, REGULARIZATION, [], quiet=True)
    with contextlib.redirect_stderr(io.StringIO()):
        grading_run.give_up("ada", "no sandbox")
    assert grading_run.failed == ["ada"] and [student for student, _, _ in grading_run.waiting] == ["ada"]
    assert results_json(course, "ada")["status"] == "failed"
    assert not CourseDirectory(course).gradebook.exists()  # the gradebook opens at the end, or after many results
    grading_run.flush(block=True)
    grading_run.close()
    assert grading_run.waiting == [] and gradebook_scores(course) == {"ada": 0}
