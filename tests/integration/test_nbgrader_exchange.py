"""The instructor's whole loop through nbgrader's own exchange, with this grader in the middle.

release_assignment, then two students fetch_assignment and submit (one after
the due date), collect, `python -m autograder grade`, release_feedback and
fetch_feedback: each student receives a readable page with this grader's
result for each function; the gradebook holds the timestamps that collect
brought, so `nbgrader export` shows the late penalty of the course's
nbgrader_config.py. The exchange steps run in this process (nbgrader's
exchange classes, as its apps call them); grading and `nbgrader export` run as
the commands an instructor types.
"""

import csv
import datetime
import json
import os
import shutil
import stat
import subprocess
import sys

import nbformat
import pytest
from conftest import REPO, release_notebook
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from nbgrader.utils import parse_utc
from traitlets.config import Config

from autograder import assignments, commands
from autograder.outputs import feedback, timestamps
from tools.variants import by_mistake, submission

ASSIGNMENT = "regularization"
COURSE_ID = "reg101"
MISTAKE = "no scaling in backward"  # ben's mistake: backward_propagation_with_dropout loses its points


def exchange_step(kind, root, course, exchange, student=None, home=None):
    """Run one of nbgrader's exchange steps as its app would."""
    config = Config()
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.root = str(course)
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str((home or root) / "nbgrader_cache")  # a student's own records of submissions
    config.ExchangeCollect.check_owner = False  # every "student" of the test is the same Unix user
    if home is not None:
        config.Exchange.assignment_dir = str(home)
        config.Exchange.path_includes_course = False
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = ASSIGNMENT
    if student is not None:
        coursedir.student_id = student
    kind(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()


def grade(course, *options):
    """`python -m autograder grade` on the course, under the usual umask 022."""
    old_umask = os.umask(0o022)
    try:
        graded = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--course-dir", str(course),
                                 "--quiet", *options], capture_output=True, text=True, timeout=300)
    finally:
        os.umask(old_umask)
    assert graded.returncode == 0, graded.stderr


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """A course directory and an exchange after release, two submissions (ben's late), collect and grading."""
    tmp_path = tmp_path_factory.mktemp("exchange-loop")
    path = os.environ["PATH"]
    os.environ["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{path}"  # nbgrader's Gradebook runs alembic
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    shutil.copytree(REPO / "release" / ASSIGNMENT, course / "release" / ASSIGNMENT)
    exchange.mkdir()
    exchange.chmod(0o777)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=datetime.datetime(2100, 1, 1))
    step = lambda kind, **options: exchange_step(kind, tmp_path, course, exchange, **options)  # noqa: E731
    step(ExchangeReleaseAssignment)
    assignment = assignments.load(ASSIGNMENT)
    notebooks = {"ada": submission(release_notebook(assignment), assignment.source_notebook),
                 "ben": submission(release_notebook(assignment), assignment.source_notebook,
                                   [by_mistake(assignments.module(ASSIGNMENT, "mutants").MUTANTS, MISTAKE)])}
    homes = {}
    for student, notebook in notebooks.items():
        if student == "ben":  # the due date passes between the two submissions
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)  # naive UTC, as nbgrader's
            with Gradebook(db_url) as gradebook:
                gradebook.update_or_create_assignment(ASSIGNMENT, duedate=now)
        homes[student] = tmp_path / student
        homes[student].mkdir()
        step(ExchangeFetchAssignment, student=student, home=homes[student])
        nbformat.write(notebook, homes[student] / ASSIGNMENT / assignment.notebook)
        step(ExchangeSubmit, student=student, home=homes[student])
    step(ExchangeCollect)
    grade(course)
    yield course, homes, step, db_url
    os.environ["PATH"] = path


def test_feedback_reaches_students_through_the_exchange_with_timestamps_and_late_penalty(loop):
    course, homes, step, db_url = loop

    # The timestamps of collect are in the gradebook; ben's is after the due date.
    with Gradebook(db_url) as gradebook:
        for student in homes:
            submitted = (course / "submitted" / student / ASSIGNMENT / "timestamp.txt").read_text()
            found = gradebook.find_submission(ASSIGNMENT, student)
            assert found.timestamp == parse_utc(submitted).replace(tzinfo=None)
            assert (found.total_seconds_late > 0) == (student == "ben")

    # What the grader writes for students is readable by them (0644 under umask 022), and nbgrader's
    # release_feedback finds what it needs beside the page.
    page = course / "feedback" / "ada" / ASSIGNMENT / "Regularization.html"
    assert stat.S_IMODE(page.stat().st_mode) == 0o644
    assert stat.S_IMODE((course / "autograded" / "ada" / ASSIGNMENT / "results.json").stat().st_mode) == 0o644
    step(ExchangeReleaseFeedback)
    for student, home in homes.items():
        step(ExchangeFetchFeedback, student=student, home=home)
        pages = list((home / ASSIGNMENT / "feedback").glob("*/Regularization.html"))
        assert len(pages) == 1, student
        text = pages[0].read_text()
        assert "backward_propagation_with_dropout" in text and "passes all" in text
        if student == "ben":
            assert "backward_propagation_with_dropout fails" in text and "masked but not scaled" in text
        else:
            assert "fails" not in text

    # nbgrader's own export shows the scores and the late penalty (penalty_method = 'zero').
    exported = course / "export.csv"
    result = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(exported)], cwd=course,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}"
                                                       f"{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    rows = {row["student_id"]: row for row in csv.DictReader(exported.open())}
    assert float(rows["ada"]["raw_score"]) == float(rows["ada"]["score"]) == 10
    assert float(rows["ada"]["late_submission_penalty"]) == 0
    assert float(rows["ben"]["raw_score"]) == 8 and float(rows["ben"]["late_submission_penalty"]) == 8
    assert float(rows["ben"]["score"]) == 0


def test_exports_for_an_lms_agree_with_nbgrader(loop, tmp_path, capsys):
    course, homes, step, db_url = loop
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,Student,ID,SIS User ID,SIS Login ID,Section\n"
                      "ben,\"Lovelace, Ben\",102,S102,ben@uni,A\n"
                      "ada,=HYPERLINK(\"http://x\"),101,S101,ada@uni,A\n"
                      "cleo,\"Cleo, Absent\",103,S103,cleo@uni,B\n")

    def export(*options, assignment=ASSIGNMENT):
        commands.main(["export", assignment, "--course-dir", str(course), *options])
        return capsys.readouterr().out

    rows = list(csv.reader(export("--format", "canvas", "--roster", str(roster), "--canvas-id", "4242").splitlines()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Regularization (4242)"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][-1] == "10"
    by_id = {row[2]: row for row in rows[2:]}
    assert by_id["S101"][0] == "'=HYPERLINK(\"http://x\")" and by_id["S101"][-1] == "10"  # a formula, escaped
    assert by_id["S102"][-1] == "0"  # 8 points, all taken by the late penalty
    assert by_id["S103"][-1] == ""  # on the roster, no submission
    scores = {row["student_id"]: row for row in json.loads(export("--format", "json"))}
    assert scores["ben"]["items"]["backward_propagation_with_dropout"] == 0
    assert scores["ben"]["late_penalty"] == 8 and scores["ben"]["score"] == 0
    assert scores["ada"]["timestamp"] and scores["ada"]["score"] == 10
    table = list(csv.DictReader(export("--format", "csv").splitlines()))
    assert [row["student_id"] for row in table] == ["ada", "ben"]
    assert table[1]["compute_cost_with_regularization"] == "2" and table[1]["score"] == "0"
    with pytest.raises(SystemExit) as exit_:
        export("--format", "csv", assignment="tuning")
    assert exit_.value.code == 2 and "has no assignment 'tuning': grade it first" in capsys.readouterr().err


def test_nbgrader_feedback_page_is_kept_and_the_grader_adds_its_section(loop):
    course, homes, step, db_url = loop
    folder = course / "feedback" / "ada" / ASSIGNMENT  # runs last: it replaces the page the others read
    theirs = "<html><head><title>nbgrader</title></head><body><h1>Instructor comments</h1></body></html>\n"
    (folder / "Regularization.html").write_text(theirs)
    for _ in range(2):  # grading again replaces the grader's section, never nbgrader's page
        grade(course, "--student", "ada")
        text = (folder / "Regularization.html").read_text()
        assert "<h1>Instructor comments</h1>" in text and text.count(feedback.BEGIN) == text.count(feedback.END) == 1
        assert "backward_propagation_with_dropout passes all" in text


def test_files_beside_a_submission_are_read_as_the_notebook_is(tmp_path):
    """timestamp.txt and submission_secret.txt come from the student's side: a link to another file is not
    followed into the feedback folder (which goes back to the student), nor is a huge file read."""
    folder = tmp_path / "submitted" / "eve" / ASSIGNMENT
    folder.mkdir(parents=True)
    secret = tmp_path / "instructor-only.txt"
    secret.write_text("2020-01-01 00:00:00 UTC")
    (folder / "timestamp.txt").symlink_to(secret)
    (folder / "submission_secret.txt").write_text("x" * 10_000)
    assert timestamps.submission_timestamp(tmp_path, "eve", ASSIGNMENT) is None
    feedback.write_feedback(tmp_path, "eve", ASSIGNMENT, "Regularization.ipynb", [])
    written = sorted(p.name for p in (tmp_path / "feedback" / "eve" / ASSIGNMENT).iterdir())
    assert written == ["Regularization.html"]
    (folder / "timestamp.txt").unlink()
    (folder / "timestamp.txt").write_text("2026-11-30 03:47:04.255141 UTC\n")
    assert timestamps.parse_timestamp(timestamps.submission_timestamp(tmp_path, "eve", ASSIGNMENT)) == \
        datetime.datetime(2026, 11, 30, 3, 47, 4, 255141)
