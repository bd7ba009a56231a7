"""Nothing lost, nothing corrupted: a grading run killed at several points, then started again."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest
from conftest import REGULARIZATION, REPO, SOURCE_NOTEBOOK, release_notebook

from autograder import assignments
from autograder.outputs import grades
from tools.variants import submission

RELEASE_NOTEBOOK = release_notebook(REGULARIZATION)
MUTANTS = assignments.module("regularization", "mutants").MUTANTS
STUDENTS = 16


def command(course):
    return [sys.executable, "-m", "autograder", "grade", "regularization", "--course-dir", str(course), "--quiet"]


def assert_consistent(course):
    """Every file the grader wrote is whole: results.json and grades.csv parse."""
    for path in (course / "autograded").rglob("results.json"):
        json.loads(path.read_text())
    if (course / "grades.csv").exists():
        rows = list(csv.DictReader((course / "grades.csv").open()))
        assert all(tuple(row) == grades.CSV_FIELDS and None not in row.values() for row in rows)
    assert not list(course.rglob("*.tmp"))


@pytest.mark.slow
def test_a_run_killed_at_several_points_completes_when_started_again(tmp_path):
    for number in range(STUDENTS):
        variants = [MUTANTS[number]] if number % 2 else []
        folder = tmp_path / "submitted" / f"student-{number:02d}" / "regularization"
        folder.mkdir(parents=True)
        nbformat.write(submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, variants), folder / "Regularization.ipynb")
    # Start-up takes a few seconds (imports, gradebook); grading, one or two more: kill before,
    # during and after the gradebook is created and while submissions are being graded.
    for delay in (1.0, 3.5, 4.5, 5.5, 6.5):
        process = subprocess.Popen(command(tmp_path), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        assert_consistent(tmp_path)
    result = subprocess.run(command(tmp_path), cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert_consistent(tmp_path)

    graded = sorted(p.parent.parent.name for p in (tmp_path / "autograded").rglob("results.json"))
    assert graded == [f"student-{number:02d}" for number in range(STUDENTS)]
    with sqlite3.connect(tmp_path / "gradebook.db") as database:
        submissions = database.execute("SELECT count(*) FROM submitted_assignment").fetchone()[0]
        grades = database.execute("SELECT count(*) FROM grade").fetchone()[0]
        students = database.execute("SELECT count(DISTINCT student_id) FROM submitted_assignment").fetchone()[0]
    assert (submissions, students, grades) == (STUDENTS, STUDENTS, STUDENTS * 4)
    totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader((tmp_path / "grades.csv").open())
              if row["item"] == "total"}
    assert len(totals) == STUDENTS
    assert all(totals[f"student-{number:02d}"] == 10 for number in range(0, STUDENTS, 2))
    assert all(totals[f"student-{number:02d}"] < 10 for number in range(1, STUDENTS, 2))
