"""`python -m autograder report`: the class's common mistakes, from what grading recorded."""

import base64
import csv
import json
import shutil

import pytest
from conftest import items

from autograder import assignments, commands
from autograder.outputs import classreport

NAME = "regularization"


@pytest.fixture(scope="module")
def reported(graded_class, tmp_path_factory):
    """The graded class of the mutants and correct variants, with one submission without a result and one whose
    grading failed; and its report."""
    course = tmp_path_factory.mktemp("report") / "course"
    shutil.copytree(graded_class(NAME), course)
    (course / "submitted" / "late-comer" / NAME).mkdir(parents=True)  # submitted, never graded
    failed = course / "autograded" / "crashed" / NAME
    failed.mkdir(parents=True)
    (failed / "results.json").write_text(json.dumps({"status": "failed", "reason": "its sandbox stopped answering",
                                                     "score": 0, "max_score": 10, "items": []}))
    commands.main(["report", NAME, "--course-dir", str(course)])
    return course, course / "reports" / NAME


def test_grading_records_the_likely_cause_and_the_failed_cases_as_data(graded_class):
    corpus = assignments.module(NAME, "mutants").MUTANTS
    course = graded_class(NAME)
    for number, variant in enumerate(corpus):
        item = items(course, f"mutant-{number:02d}", NAME)[variant.function]
        assert item["failed_cases"] and all(isinstance(label, str) for label in item["failed_cases"])
        assert set(item["cause"]) == {"id", "message"} and item["cause"]["id"] and item["cause"]["message"]
        named = "Likely cause: " in "\n".join(item["messages"])
        assert item["cause"]["id"].startswith("symptom-") != named
        if variant.cause and named:
            assert variant.cause in item["cause"]["message"] or variant.cause in "\n".join(item["messages"])
    solution = items(course, "solution", NAME)
    assert all(item["cause"] is None and item["failed_cases"] == [] for item in solution.values())


def test_the_report_counts_each_cause_with_its_students(reported, graded_class):
    course, folder = reported
    rows = list(csv.DictReader((folder / "causes.csv").open(encoding="utf-8")))
    assert rows and set(rows[0]) == {"assignment", "function", "cause_id", "cause", "students", "share",
                                     "student_ids"}
    # Each row's students are exactly those whose results.json record that cause for that function.
    graded = [p.parent.parent.name for p in graded_class(NAME).glob(f"autograded/*/{NAME}/results.json")]
    for row in rows:
        recorded = sorted(student for student in graded
                          if (items(course, student, NAME)[row["function"]].get("cause") or {}).get("id", "none")
                          == row["cause_id"] and items(course, student, NAME)[row["function"]]["score"] == 0)
        assert sorted(row["student_ids"].split()) == recorded, row
        assert int(row["students"]) == len(recorded)
        assert abs(float(row["share"]) - len(recorded) / len(graded)) < 1e-3
    # The release as downloaded loses every function, and its cause is named: nothing is filled in.
    not_done = [row for row in rows if "release" in row["student_ids"].split()]
    assert len(not_done) == len(assignments.load(NAME).functions)


def test_the_page_works_offline_and_lists_who_has_no_grade(reported):
    _, folder = reported
    page = (folder / "index.html").read_text(encoding="utf-8")
    images = page.split('src="data:image/png;base64,')[1:]
    assert len(images) == 2  # the histogram of scores and the pass rates
    for image in images:
        assert base64.b64decode(image.split('"', 1)[0]).startswith(b"\x89PNG")
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    assert "late-comer" in page and "submitted, no result" in page
    assert "crashed" in page and "its sandbox stopped answering" in page
    assert "Hidden cases that fail most" in page


def test_the_page_escapes_what_grading_recorded_and_names_eight_students_per_cause():
    """Built inline: ten students share one cause whose message looks like markup; one grading failed with such a
    reason; one submission has no result."""
    assignment = assignments.load(NAME)
    first = assignment.functions[0]
    lost = {"name": first, "score": 0, "max_score": assignment.points[first], "failed_cases": ["documented"],
            "cause": {"id": "markup", "message": "<b>A & 'B'</b>"}}
    results = classreport.ClassResults(
        graded={f"s{i:02d}": {"status": "graded", "score": 8, "items": [lost]} for i in range(10)},
        failed={"<eve>": "its <script> stopped"}, missing=["m&m"])
    page = classreport.page(assignment, results, classreport.summary(assignment, results))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n') and page.endswith("</body>\n</html>\n")
    assert "<p>10 submissions graded, 1 whose grading failed, 1 without a result.</p>\n" in page
    assert "<p>Mean score 8.00 / 10.</p>\n" in page
    assert (f"<h3><code>{first}</code>: 10 of 10 students lose its points</h3>\n<table><tr><th>students</th>"
            "<th>share</th><th>likely cause</th><th>who</th></tr><tr><td>10</td><td>100%</td>"
            "<td>&lt;b&gt;A &amp; &#x27;B&#x27;&lt;/b&gt;</td>"
            "<td>s00, s01, s02, s03, s04, s05, s06, s07, ...</td></tr></table>\n") in page
    other = assignment.functions[1]
    assert f"<h3><code>{other}</code>: 0 of 10 students lose its points</h3>\n<h" in page  # no table
    assert "<tr><td>&lt;eve&gt;</td><td>grading failed: its &lt;script&gt; stopped</td></tr>" in page
    assert f"(python -m autograder grade {NAME} --student m&amp;m)" in page
    assert "<b>" not in page and "<script>" not in page and "<eve>" not in page


def test_a_course_without_submissions_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        commands.main(["report", NAME, "--course-dir", str(tmp_path)])
    assert exit_.value.code == 2 and "nothing to report" in capsys.readouterr().err
