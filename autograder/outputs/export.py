"""Scores out of nbgrader's gradebook, for an LMS or a spreadsheet: `python -m autograder export`.

    python -m autograder export <assignment> [--course-dir DIR] [--db URL | --db-file FILE]
                                --format canvas|csv|json [--output FILE] [--roster FILE] [--canvas-id ID]

canvas -- Canvas's gradebook import CSV: Student, ID, SIS User ID, SIS Login ID, Section and one column
          "<Assignment> (<canvas id>)" (without --canvas-id, Canvas creates a new assignment column), then a
          "Points Possible" row before the students;
csv    -- one row per student: student_id, timestamp, each graded function's score, late_penalty, score,
          max_score, flags;
json   -- a list of {"student_id", "timestamp", "items": {function: score}, "late_penalty", "score",
          "max_score", "flags"}.

flags are the ids of what grading flagged for an instructor to look at (a timestamp that is missing, does not
parse or disagrees with the evidence: autograder.outputs.timestamps), from the course directory's results.json
(separated by spaces in csv, a list in json). Canvas's CSV has no such column: Canvas would import it as an
assignment.

The scores are those of the gradebook (after nbgrader's late penalty, which the
grader applies from nbgrader_config.py), so the export agrees with
`nbgrader export`. A roster CSV (columns student_id, Student, ID, SIS User ID,
SIS Login ID, Section; any may be left out but student_id) maps each gradebook
student to the LMS's identity; students of the roster without a submission get
an empty score. Cells that a spreadsheet would run as formulas are escaped with
a leading quote. Without --output, the export goes to standard output.
"""

import csv
import io
import json

from autograder import errors
from autograder.coursedir import id_problem
from autograder.outputs import files, grades, results

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def scores(assignment, db_url, course=None):
    """One dict per submission in the gradebook, sorted by student id.

    course -- the course directory whose results.json give each submission's "flags" (default: none read)
    """
    from nbgrader.api import Gradebook, MissingEntry
    rows = []
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment.name)
        except MissingEntry:
            raise errors.UsageError(f"the gradebook has no assignment {assignment.name!r}: grade it first "
                                     f"(python -m autograder grade {assignment.name})") from None
        for submission in gradebook.assignment_submissions(assignment.name):
            grades = {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}
            penalty = submission.late_submission_penalty or 0.0
            rows.append({
                "student_id": submission.student.id,
                "name": " ".join(part for part in (submission.student.first_name, submission.student.last_name)
                                 if part),
                "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
                "items": {function: files.number(grades.get(f"test_{function}", 0.0))
                          for function in assignment.functions},
                "late_penalty": files.number(penalty),
                "score": files.number(max(submission.score - penalty, 0.0)),
                "max_score": files.number(sum(assignment.points.values())),
                "flags": ([] if course is None or id_problem(submission.student.id) is not None
                          else results.read_flags(course, submission.student.id, assignment.name)),
            })
    return sorted(rows, key=lambda row: row["student_id"])


def read_roster(path):
    """{student_id: {Canvas identity column: value}} from a roster CSV; raises UsageError on a bad file."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "student_id" not in reader.fieldnames:
                raise errors.UsageError(f"the roster {path} needs a student_id column (and any of "
                                         f"{', '.join(CANVAS_IDENTITY)})")
            return {row["student_id"].strip(): {key: (row.get(key) or "").strip() for key in CANVAS_IDENTITY}
                    for row in reader if row.get("student_id", "").strip()}
    except OSError as error:
        raise errors.UsageError(f"cannot read the roster {path}: {error.strerror}") from None


def _csv(header, rows):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[grades.escaped(str(cell)) if cell is not None else "" for cell in row] for row in rows])
    return text.getvalue()


def canvas(assignment, rows, roster=None, canvas_id=None):
    """Canvas's gradebook import CSV."""
    column = f"{assignment.notebook.removesuffix('.ipynb')}" + (f" ({canvas_id})" if canvas_id else "")
    by_student = {row["student_id"]: row for row in rows}
    students = list(roster) if roster else sorted(by_student)
    lines = [["    Points Possible", "", "", "", "", files.number(sum(assignment.points.values()))]]
    for student_id in students:
        identity = (roster or {}).get(student_id) or {}
        row = by_student.get(student_id)
        lines.append([identity.get("Student") or (row and row["name"]) or student_id, identity.get("ID", ""),
                      identity.get("SIS User ID") or student_id, identity.get("SIS Login ID") or student_id,
                      identity.get("Section", ""), "" if row is None else row["score"]])
    return _csv([*CANVAS_IDENTITY, column], lines)


def per_function_csv(assignment, rows):
    header = ["student_id", "timestamp", *assignment.functions, "late_penalty", "score", "max_score", "flags"]
    return _csv(header, [[row["student_id"], row["timestamp"], *(row["items"][f] for f in assignment.functions),
                          row["late_penalty"], row["score"], row["max_score"], " ".join(row.get("flags", []))]
                         for row in rows])


def export_text(assignment, db_url, format, roster=None, canvas_id=None, course=None):
    """The scores of assignment in the gradebook at db_url, as text in format ("canvas", "csv" or "json").

    roster -- {student_id: identity} (read_roster), for canvas: who is listed, in its order (default: the gradebook's
              students); canvas_id -- the Canvas assignment's id, for canvas's column title
    course -- the course directory whose results.json give the flags (default: no flags read)
    """
    rows = scores(assignment, db_url, course)
    if format == "canvas":
        return canvas(assignment, rows, roster, canvas_id)
    if format == "csv":
        return per_function_csv(assignment, rows)
    return json.dumps(rows, indent=2) + "\n"
