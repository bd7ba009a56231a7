"""What the grader writes: feedback pages merged into nbgrader's, CSV exports, the class report's counts."""

import csv
import io

from autograder.cases import Case, Clause
from autograder.grading import Item
from autograder.outputs import classreport, export, feedback, grades

ITEMS = [Item("f", 2.0, 2.0, ["f passes all 3 hidden tests."]),
         Item("g", 0.0, 3.0, ["g fails 1 of 2 hidden tests. On <b>a case</b>:", "g: x has wrong values."])]


def test_the_feedback_section_escapes_messages_and_adds_up():
    section = feedback.feedback_section("ada", "week1", "W.ipynb", ITEMS)
    assert section.startswith(feedback.BEGIN) and section.rstrip().endswith(feedback.END)
    assert "&lt;b&gt;a case&lt;/b&gt;" in section and "<b>a case</b>" not in section
    assert "2 / 5" in section


def test_a_page_of_another_tool_keeps_its_content_and_gets_the_section_once():
    page = "<html><head></head><body class='x'>\n<p>nbgrader's feedback</p>\n</body></html>"
    once = feedback.merged(page, feedback.feedback_section("ada", "week1", "W.ipynb", ITEMS))
    twice = feedback.merged(once, feedback.feedback_section("ada", "week1", "W.ipynb", ITEMS[:1]))
    assert "<p>nbgrader's feedback</p>" in twice and twice.count(feedback.BEGIN) == 1
    assert twice.index("<body class='x'>") < twice.index(feedback.BEGIN) < twice.index("nbgrader's feedback")
    assert "g fails" not in twice  # the newer section replaced the older


def test_cells_a_spreadsheet_would_run_are_escaped():
    for text in ("=HYPERLINK(1)", "+1", "-1", "@x", "'quoted"):
        assert grades.escaped(text) == "'" + text
    assert grades.escaped("ada") == "ada"


class Week:
    """The part of an Assignment that the exports and the class report read."""
    name = "week1"
    notebook = "Week1.ipynb"
    functions = ("f", "g")
    points = {"f": 2, "g": 3}

    def cases(self, function):
        return (Case("documented", "the documented case", (), None, documented=True),
                Case("big", "a big case", (), None))


def test_the_canvas_export_lists_roster_students_and_escapes_names():
    rows = [{"student_id": "ada", "name": "=Ada", "score": 5.0}]
    roster = {"ada": {"Student": "Ada L.", "ID": "101"}, "ben": {"Student": "Ben", "ID": "102"}}
    lines = list(csv.reader(io.StringIO(export.canvas(Week(), rows, roster))))
    assert lines[0][-1] == "Week1" and lines[1][-1] == "5"
    assert [line[0] for line in lines[2:]] == ["Ada L.", "Ben"] and lines[2][-1] == "5.0" and lines[3][-1] == ""
    without = list(csv.reader(io.StringIO(export.canvas(Week(), rows))))
    assert without[2][0] == "'=Ada"


def test_the_class_report_counts_causes_by_id_and_names_cases_by_label():
    def document(cause, failed):
        return {"status": "graded", "score": 2, "items": [
            {"name": "f", "score": 2, "max_score": 2},
            {"name": "g", "score": 0, "max_score": 3, "cause": cause, "failed_cases": failed}]}
    same = {"id": "g-doubled", "message": "x is doubled."}
    results = classreport.ClassResults(graded={
        "ada": document(same, ["big"]), "ben": document(dict(same, message="x is doubled (reworded)."), ["big"]),
        "cleo": document({"id": "symptom-wrong-values-x", "message": "g: x has wrong values."}, ["documented"])})
    figures = classreport.summary(Week(), results)
    assert figures["pass_rates"] == {"f": 1.0, "g": 0.0}
    assert [(cause_id, students) for cause_id, _, students in figures["causes"]["g"]] == [
        ("g-doubled", ["ada", "ben"]), ("symptom-wrong-values-x", ["cleo"])]
    assert figures["cases"] == [("g", "a big case", 2), ("g", "the documented case", 1)]


def test_a_clause_names_cases_by_id_and_an_unknown_id_is_refused():
    cases = Week().cases("g")
    assert Clause("x", ("big",), ("m",)).matching(cases) == [cases[1]]
    try:
        Clause("x", ("a big case",), ("m",)).matching(cases)
    except ValueError as error:
        assert "no case has as its id" in str(error) and "documented, big" in str(error)
    else:
        raise AssertionError("an unknown case id was accepted")


def test_the_course_directory_builds_nbgraders_paths(tmp_path):
    from autograder.coursedir import CourseDirectory
    from autograder.errors import UsageError
    folders = CourseDirectory(tmp_path)
    assert folders.results("ada", "week1") == tmp_path / "autograded" / "ada" / "week1" / "results.json"
    assert folders.format_path("submitted", "ada", "week1", "W.ipynb") == tmp_path / "submitted/ada/week1/W.ipynb"
    (tmp_path / "submitted" / "ben" / "week1").mkdir(parents=True)
    (tmp_path / "submitted" / "ada" / "week2").mkdir(parents=True)
    (tmp_path / "submitted" / "cleo" / "week1").mkdir(parents=True)
    assert list(folders.submitters("week1")) == ["ben", "cleo"]
    try:
        folders.require_submissions("week3")
    except UsageError as error:
        assert f"{tmp_path}/submitted/<student_id>/week3/" in str(error)
    else:
        raise AssertionError("no submissions and no error")


def test_the_one_reader_of_submitted_files_refuses_what_is_not_a_small_regular_file(tmp_path):
    import os

    import pytest

    from autograder import grading
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "big").write_bytes(b"x" * 11)
    (tmp_path / "ok").write_bytes(b"notebook")
    os.symlink(tmp_path / "ok", tmp_path / "link")
    for name in ("folder", "fifo"):
        with pytest.raises(grading.NotRegular):
            grading.read_regular(tmp_path / name, 10)
    with pytest.raises(grading.TooLarge):
        grading.read_regular(tmp_path / "big", 10)
    with pytest.raises(OSError):
        grading.read_regular(tmp_path / "link", 10)
    assert grading.read_regular(tmp_path / "ok", 10) == b"notebook"
