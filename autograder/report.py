"""What the grader writes: results.json, the feedback page, grades.csv, nbgrader's gradebook, the score table."""

import csv
import html
import io
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ComputeChecksums, SaveCells
from sqlalchemy.exc import SAWarning

CSV_FIELDS = ("student_id", "assignment", "item", "score", "max_score", "status")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads such a cell as a formula


def _write_atomically(path, text):
    """Write text to path so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(handle.name, path)


def _number(value):
    return int(value) if float(value).is_integer() else value


def results(student_id, assignment, items, failure=None):
    """The content of results.json for one submission (failure: why it could not be graded, or None)."""
    return {
        "student_id": student_id, "assignment": assignment,
        "status": "failed" if failure else "graded", **({"reason": failure} if failure else {}),
        "score": _number(sum(item.score for item in items)),
        "max_score": _number(sum(item.max_score for item in items)),
        "items": [{"name": item.name, "score": _number(item.score), "max_score": _number(item.max_score),
                   "messages": item.messages} for item in items],
    }


def write_results(course, student_id, assignment, items, failure=None):
    path = course / "autograded" / student_id / assignment / "results.json"
    _write_atomically(path, json.dumps(results(student_id, assignment, items, failure), indent=2) + "\n")
    return path


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 56em; margin: 2em auto; line-height: 1.4; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ccc; padding: 0.3em 1em; text-align: left; }}
.full {{ color: #1a7f37; }} .zero {{ color: #b42318; }}
pre {{ background: #f6f8fa; padding: 0.8em; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Student: <b>{student}</b>. Score: <b>{score} / {max_score}</b>.</p>
{failure}
<p>Each graded function is tested on the documented case and on hidden cases (other sizes and
hyper-parameters); it gets its points when it passes all of them.</p>
<table>
<tr><th>function</th><th>score</th></tr>
{rows}
</table>
{sections}
</body>
</html>
"""


def feedback_page(student_id, assignment, notebook, items, failure=None):
    """A readable HTML page with each function's score and messages (no hidden test code)."""
    rows, sections = [], []
    for item in items:
        status = "full" if item.score == item.max_score else "zero"
        rows.append(f'<tr><td><code>{html.escape(item.name)}</code></td>'
                    f'<td class="{status}">{_number(item.score)} / {_number(item.max_score)}</td></tr>')
        messages = "\n\n".join(item.messages) or "No message."
        sections.append(f"<h2><code>{html.escape(item.name)}</code></h2>\n<pre>{html.escape(messages)}</pre>")
    failure = (f'<p class="zero"><b>This submission could not be graded</b>: {html.escape(failure)}. '
               "It is recorded with 0 points until it is graded again; tell your instructor.</p>") if failure else ""
    return PAGE.format(title=html.escape(f"{assignment}: {notebook}"), student=html.escape(student_id),
                       failure=failure,
                       score=_number(sum(i.score for i in items)), max_score=_number(sum(i.max_score for i in items)),
                       rows="\n".join(rows), sections="\n".join(sections))


def write_feedback(course, student_id, assignment, notebook, items, failure=None):
    path = course / "feedback" / student_id / assignment / (Path(notebook).stem + ".html")
    _write_atomically(path, feedback_page(student_id, assignment, notebook, items, failure))
    return path


def _escaped(text):
    """A cell that no spreadsheet runs as a formula (OWASP's advice: a leading quote)."""
    return "'" + text if text.startswith(FORMULA_STARTS) or text.startswith("'") else text


def _unescaped(text):
    return text[1:] if text and text.startswith("'") else text


def update_grades_csv(course, graded):
    """Write grades.csv, replacing the rows of the submissions just graded and keeping the others.

    graded -- dict mapping (student_id, assignment) to (items, failure): failure is why it could not be
              graded, or None. Cells that a spreadsheet would read as formulas are escaped with a quote.
    """
    path = course / "grades.csv"
    rows = []
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle)
                    if (_unescaped(row.get("student_id")), row.get("assignment")) not in graded]
    for (student_id, assignment), (items, failure) in graded.items():
        status = "failed" if failure else "graded"
        for item in items:
            rows.append({"student_id": _escaped(student_id), "assignment": assignment, "item": item.name,
                         "score": _number(item.score), "max_score": _number(item.max_score), "status": status})
        rows.append({"student_id": _escaped(student_id), "assignment": assignment, "item": "total",
                     "score": _number(sum(i.score for i in items)),
                     "max_score": _number(sum(i.max_score for i in items)), "status": status})
    rows.sort(key=lambda row: (row["assignment"], row["student_id"]))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomically(path, text.getvalue())
    return path


class GradebookWriter:
    """Scores into nbgrader's gradebook, under the grade_ids of the notebook's test cells.

    Opened once for the whole run (opening costs a subprocess in nbgrader); close() at the end.
    """

    def __init__(self, db_url, assignment):
        """db_url -- an SQLAlchemy URL: sqlite:///path/gradebook.db, postgresql://user:password@host/db, ..."""
        self.db_url = db_url
        self.assignment = assignment
        self.notebook_id = Path(assignment.notebook).stem
        self.gradebook = None

    def open(self):
        # nbgrader's Gradebook runs `alembic` from PATH: the one installed beside this interpreter.
        bin_folder = str(Path(sys.executable).parent)
        if bin_folder not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"
        self.gradebook = Gradebook(self.db_url)
        self._register()

    def close(self):
        if self.gradebook is not None:
            self.gradebook.close()

    def _register(self):
        """Record the assignment's cells as nbgrader's generate_assignment would (once)."""
        try:
            self.gradebook.find_notebook(self.notebook_id, self.assignment.name)
            return
        except MissingEntry:
            self.gradebook.update_or_create_assignment(self.assignment.name)
        notebook = nbformat.read(self.assignment.source_notebook, as_version=4)
        resources = {"nbgrader": {"notebook": self.notebook_id, "assignment": self.assignment.name,
                                  "db_url": self.db_url}}
        notebook, resources = ComputeChecksums().preprocess(notebook, resources)
        SaveCells().preprocess(notebook, resources)

    def record(self, student_id, items):
        gradebook = self.gradebook
        with warnings.catch_warnings():
            # nbgrader's add_submission triggers SQLAlchemy autoflush warnings that are harmless.
            warnings.simplefilter("ignore", SAWarning)
            gradebook.update_or_create_student(student_id)
            gradebook.update_or_create_submission(self.assignment.name, student_id)
        for item in items:
            grade = gradebook.find_grade(f"test_{item.name}", self.notebook_id, self.assignment.name, student_id)
            grade.auto_score = item.score
        gradebook.db.commit()


def table(graded, functions, labels):
    """A text table of scores, one row per student, one column per function (titled by labels)."""
    titles = [labels.get(name, name) for name in functions]
    width = max([len("student")] + [len(student) for student, _ in graded])
    header = f"{'student':<{width}}  " + "  ".join(titles) + "  total"
    lines = [header, "-" * len(header)]
    for (student, _), items in sorted(graded.items()):
        scores = {item.name: item for item in items}
        cells = "  ".join(f"{_number(scores[name].score):>{len(title)}}" for name, title in zip(functions, titles))
        total = f"{_number(sum(i.score for i in items))}/{_number(sum(i.max_score for i in items))}"
        lines.append(f"{student:<{width}}  {cells}  {total:>5}")
    return "\n".join(lines)
