"""Late penalties fail closed: timestamp.txt is the student's claim, checked against what the student cannot write.

One class is graded with a due date two hours ago and nbgrader's "zero"
late penalty: a consistent timestamp before the due date, and timestamps
that are unparseable, missing, backdated (before the notebook was last
saved), in the future (after the notebook was collected), or that disagree
with nbgrader's exchange (a folder named with another time, or written well
after its name's time). Each of these is flagged in results.json, grades.csv,
the exports and the run's summary, and recorded at the latest time the
evidence gives, so its late penalty is the largest the evidence allows.
"""

import csv
import datetime
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import REGULARIZATION, REPO, SOURCE_NOTEBOOK, grade, release_notebook, results

from autograder.outputs import gradebook, timestamps
from tools.variants import submission

ASSIGNMENT = REGULARIZATION.name
COURSE_ID = "reg101"
HOUR = datetime.timedelta(hours=1)


def utc_now():
    """Now, as nbgrader writes times: naive UTC."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


NOW = utc_now()
DUE = NOW - 2 * HOUR


def written(when):
    """A time as nbgrader's submit writes it into timestamp.txt and into the exchange folder's name."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def the_class(now):
    """{student: (timestamp.txt's text or None, the notebook's modification time, the time in the name of its
    exchange folder or None)}, around now: when the exchange's folders are written."""
    moment = datetime.timedelta(seconds=20)
    return {
        "consistent": (written(NOW - 4 * HOUR), NOW - 5 * HOUR, None),
        "unparseable": (written(NOW - 4 * HOUR) + " (resubmitted)", NOW - 5 * HOUR, None),
        "missing": (None, NOW - 5 * HOUR, None),
        "backdated": (written(NOW - 3 * HOUR), NOW - HOUR, None),
        "future": (written(NOW + 24 * HOUR), NOW - 5 * HOUR, None),
        "exchange-honest": (written(now - moment), NOW - 5 * HOUR, now - moment),
        "exchange-backdated": (written(NOW - 3 * HOUR), NOW - 5 * HOUR, NOW - 3 * HOUR),
        "exchange-renamed": (written(NOW - 3 * HOUR), NOW - 5 * HOUR, now - moment),
    }


CLASS = the_class(NOW)
# student: (results.json's timestamp status, its flag ids, late: the whole score lost)
EXPECTED = {
    "consistent": ("given", [], False),
    "unparseable": ("unparseable", [timestamps.UNPARSEABLE], True),
    "missing": ("missing", [timestamps.MISSING], True),
    "backdated": ("disagrees", [timestamps.AGAINST_FILES], True),
    "future": ("disagrees", [timestamps.AGAINST_FILES], True),
    "exchange-honest": ("given", [], True),
    "exchange-backdated": ("disagrees", [timestamps.AGAINST_EXCHANGE], True),
    "exchange-renamed": ("disagrees", [timestamps.AGAINST_EXCHANGE], True),
}


def place(course, student, text, saved):
    """A submission as nbgrader's collect leaves it: the notebook (its modification time kept) and timestamp.txt."""
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    path = folder / REGULARIZATION.notebook
    nbformat.write(submission(release_notebook(REGULARIZATION), SOURCE_NOTEBOOK), path)
    seconds = saved.replace(tzinfo=datetime.timezone.utc).timestamp()
    os.utime(path, (seconds, seconds))
    if text is not None:
        (folder / "timestamp.txt").write_text(text + "\n")
    return path


def export(course, kind):
    done = subprocess.run([sys.executable, "-m", "autograder", "export", ASSIGNMENT, "--course-dir", str(course),
                           "--format", kind], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, its exchange and its gradebook (due two hours ago), graded once; and when its files were
    written."""
    root = tmp_path_factory.mktemp("timestamps")
    course, exchange = root / "course", root / "exchange"
    inbound = exchange / COURSE_ID / "inbound"
    inbound.mkdir(parents=True)
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    started = utc_now()
    for student, (text, saved, exchanged) in the_class(started).items():
        path = place(course, student, text, saved)
        if exchanged is not None:  # what nbgrader's submit left in the exchange: the same notebook, its time kept
            folder = inbound / f"{student}+{ASSIGNMENT}+{written(exchanged)}+0123abcd"
            folder.mkdir()
            shutil.copy2(path, folder / path.name)
    gradebook.add_interpreter_to_path()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    result = grade(course, ASSIGNMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    return course, result, started


@pytest.mark.parametrize("student", CLASS)
def test_results_record_the_status_and_flags_of_each_timestamp(graded, student):
    course, _, _ = graded
    status, flags, _ = EXPECTED[student]
    found = results(course, student, ASSIGNMENT)
    assert found["timestamp"]["status"] == status
    assert [flag["id"] for flag in found["flags"]] == flags
    assert found["score"] == 10  # the scores are kept whatever the timestamp: only the late penalty depends on it
    for flag in found["flags"]:
        assert "recorded as handed in" in flag["message"] and "grade it again" in flag["message"]


def test_a_disagreeing_timestamp_is_recorded_at_the_latest_time_the_evidence_gives(graded):
    course, _, started = graded
    recorded = {student: results(course, student, ASSIGNMENT)["timestamp"]["recorded"] for student in CLASS}
    assert recorded["consistent"] == str(NOW - 4 * HOUR)  # believed
    assert recorded["backdated"] == str(NOW - HOUR)  # when the notebook was last saved, not the claim
    assert recorded["future"] == str(NOW + 24 * HOUR)  # the claim, the later of the two
    for student in ("missing", "unparseable", "exchange-backdated", "exchange-renamed"):
        when = datetime.datetime.fromisoformat(recorded[student])
        assert started - datetime.timedelta(seconds=1) <= when < started + datetime.timedelta(minutes=10), student


def test_grades_csv_and_the_exports_carry_the_flags_and_the_penalties(graded):
    course, _, _ = graded
    with (course / "grades.csv").open(newline="", encoding="utf-8") as handle:
        totals = {row["student_id"]: row for row in csv.DictReader(handle) if row["item"] == "total"}
    scores = {row["student_id"]: row for row in json.loads(export(course, "json"))}
    table = {row["student_id"]: row for row in csv.DictReader(export(course, "csv").splitlines())}
    for student, (_, flags, late) in EXPECTED.items():
        assert totals[student]["flags"] == " ".join(flags)
        assert scores[student]["flags"] == flags and table[student]["flags"] == " ".join(flags)
        assert scores[student]["late_penalty"] == (10 if late else 0), student
        assert scores[student]["score"] == (0 if late else 10)


def test_the_summary_lists_each_flag(graded):
    _, result, _ = graded
    flagged = [student for student, (_, flags, _) in EXPECTED.items() if flags]
    assert f"{len(flagged)} submission(s) flagged for you to look at" in result.stdout
    for student in flagged:
        assert f"  {student}: [{EXPECTED[student][1][0]}]" in result.stdout
    assert "  consistent:" not in result.stdout


def test_the_class_report_lists_each_flagged_submission(graded):
    course, _, _ = graded
    from autograder import assignments
    from autograder.outputs import classreport
    page = (classreport.write(assignments.load(ASSIGNMENT), course) / "index.html").read_text(encoding="utf-8")
    section = page.split("<h2>Submissions to look at</h2>", 1)[1]
    for student, (_, flags, _) in EXPECTED.items():
        row = f"<tr><td>{student}</td><td>{flags[0]}</td>" if flags else f"<tr><td>{student}</td>"
        assert (row in section) == bool(flags), student


# The check itself, one submission at a time (nothing graded).

def test_without_a_due_date_a_missing_timestamp_is_no_matter_and_an_unparseable_one_is_flagged(tmp_path):
    place(tmp_path, "ada", None, NOW - HOUR)
    place(tmp_path, "ben", "yesterday-ish", NOW - HOUR)
    missing = timestamps.check(tmp_path, "ada", ASSIGNMENT, REGULARIZATION.notebook)
    assert (missing.status, missing.recorded, missing.flags) == ("none", None, ())
    unparseable = timestamps.check(tmp_path, "ben", ASSIGNMENT, REGULARIZATION.notebook)
    assert unparseable.status == "unparseable" and unparseable.recorded is None
    assert [flag.id for flag in unparseable.flags] == [timestamps.UNPARSEABLE]
    assert "no late penalty depends on it" in unparseable.flags[0].message


def test_a_difference_within_the_tolerance_is_clock_skew(tmp_path):
    place(tmp_path, "ada", written(NOW - HOUR - timestamps.TOLERANCE / 2), NOW - HOUR)
    found = timestamps.check(tmp_path, "ada", ASSIGNMENT, REGULARIZATION.notebook, due_date=DUE)
    assert found.status == "given" and found.recorded == NOW - HOUR - timestamps.TOLERANCE / 2


def test_a_notebook_copied_without_its_times_is_no_evidence_of_when_it_was_saved(tmp_path):
    path = place(tmp_path, "ada", written(NOW - 3 * HOUR), NOW - HOUR)
    os.utime(path)  # as `cp` without -p leaves it: modified when it arrived
    found = timestamps.check(tmp_path, "ada", ASSIGNMENT, REGULARIZATION.notebook, due_date=DUE)
    assert found.status == "given" and found.recorded == NOW - 3 * HOUR


def test_a_linked_timestamp_is_not_read_and_counts_as_missing(tmp_path):
    place(tmp_path, "ada", None, NOW - HOUR)
    secret = tmp_path / "elsewhere.txt"
    secret.write_text(written(NOW - 3 * HOUR))
    (tmp_path / "submitted" / "ada" / ASSIGNMENT / "timestamp.txt").symlink_to(secret)
    found = timestamps.check(tmp_path, "ada", ASSIGNMENT, REGULARIZATION.notebook, due_date=DUE)
    assert found.status == "missing" and [flag.id for flag in found.flags] == [timestamps.MISSING]
