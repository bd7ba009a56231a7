"""grades.csv: one row per graded function and a total per submission, cells escaped for spreadsheets.

Its columns: student_id, assignment, item (a function, or "total"), score, max_score, status ("graded" or
"failed") and flags (the ids of the submission's flags, timestamps.Flag, separated by spaces; on each of its
rows, so that a filter on the column shows them all).
"""

import csv
import io

from autograder.coursedir import CourseDirectory
from autograder.outputs.files import number, write_atomically

CSV_FIELDS = ("student_id", "assignment", "item", "score", "max_score", "status", "flags")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads such a cell as a formula


def escaped(text):
    """A cell that no spreadsheet runs as a formula (OWASP's advice: a leading quote)."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text.startswith("'") else text


def _unescaped(text):
    return text[1:] if text and text.startswith("'") else text


def update_grades_csv(course, graded, flags=None):
    """Write grades.csv, replacing the rows of the submissions just graded and keeping the others.

    graded -- dict mapping (student_id, assignment) to (items, failure): failure is why it could not be
              graded, or None. Cells that a spreadsheet would read as formulas are escaped with a quote.
    flags -- dict mapping (student_id, assignment) to the ids of its flags (default: none)
    """
    flags = flags or {}
    path = CourseDirectory(course).grades_csv
    rows = []
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle)
                    if (_unescaped(row.get("student_id")), row.get("assignment")) not in graded]
    for (student_id, assignment), (items, failure) in graded.items():
        status = "failed" if failure else "graded"
        flagged = " ".join(flags.get((student_id, assignment), ()))
        for item in items:
            rows.append({"student_id": escaped(student_id), "assignment": assignment, "item": item.name,
                         "score": number(item.score), "max_score": number(item.max_score), "status": status,
                         "flags": flagged})
        rows.append({"student_id": escaped(student_id), "assignment": assignment, "item": "total",
                     "score": number(sum(i.score for i in items)),
                     "max_score": number(sum(i.max_score for i in items)), "status": status, "flags": flagged})
    rows.sort(key=lambda row: (row["assignment"], row["student_id"]))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(path, text.getvalue())
    return path
