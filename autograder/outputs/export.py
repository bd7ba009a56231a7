"""Scores out of nbgrader's gradebook, for an LMS or a spreadsheet: `python -m autograder export`.

    python -m autograder export <assignment> [--course-dir DIR] [--db URL | --db-file FILE]
                                --format canvas|csv|json [--output FILE] [--roster FILE] [--canvas-id ID]

canvas -- Canvas's gradebook import CSV: Student, ID, SIS User ID, SIS Login ID, Section and one column
          "<Assignment> (<canvas id>)" (without --canvas-id, Canvas creates a new assignment column), then a
          "Points Possible" row before the students;
csv    -- one row per student: student_id, timestamp, each graded function's score, late_penalty, score,
          max_score;
json   -- a list of {"student_id", "timestamp", "items": {function: score}, "late_penalty", "score",
          "max_score"}.

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
from pathlib import Path

from autograder import assignments, errors
from autograder.outputs import files, grades

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def scores(assignment, db_url):
    """One dict per submission in the gradebook, sorted by student id."""
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
    header = ["student_id", "timestamp", *assignment.functions, "late_penalty", "score", "max_score"]
    return _csv(header, [[row["student_id"], row["timestamp"], *(row["items"][f] for f in assignment.functions),
                          row["late_penalty"], row["score"], row["max_score"]] for row in rows])


def command(args, db_url):
    """Write the export of args.assignment in args.format to args.output or standard output; returns the text."""
    assignment = assignments.load(args.assignment)
    roster = read_roster(args.roster) if args.roster else None
    rows = scores(assignment, db_url)
    if args.format == "canvas":
        text = canvas(assignment, rows, roster, args.canvas_id)
    elif args.format == "csv":
        text = per_function_csv(assignment, rows)
    else:
        text = json.dumps(rows, indent=2) + "\n"
    if args.output:
        files.write_atomically(Path(args.output), text)
    else:
        print(text, end="")
    return text
