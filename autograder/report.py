"""What the grader writes: results.json, the feedback page, grades.csv, nbgrader's gradebook, the score table."""

import csv
import html
import io
import json
import os
import re
import stat
import sys
import tempfile
import threading
import warnings
import zipfile
from pathlib import Path

from sqlalchemy.exc import SAWarning

from autograder import grading

NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")  # what release_feedback needs beside a page
CSV_FIELDS = ("student_id", "assignment", "item", "score", "max_score", "status")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads such a cell as a formula


def _umask():
    """The process's umask, read without changing it (another thread may be creating files)."""
    try:
        return int(re.search(r"^Umask:\s+([0-7]+)", Path("/proc/self/status").read_text(), re.M).group(1), 8)
    except (OSError, AttributeError):  # not Linux: read it by setting it, as POSIX allows
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def write_atomically(path, text):
    """Write text to path so that a reader never sees half a file, with the mode the umask gives a new file
    (0644 under the usual 022: feedback is copied to students as it is)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(handle.name, 0o666 & ~_umask())
    os.replace(handle.name, path)


def number(value):
    return int(value) if float(value).is_integer() else value


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: the same for every build


def write_zip(output, entries):
    """Write a zip that is the same, byte for byte, for the same entries: {name in the zip: (bytes, mode)}, sorted,
    with fixed times; written to a temporary file and renamed, so a reader never sees half a zip."""
    output = Path(output)
    partial = output.with_name(f".{output.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for name in sorted(entries):
                data, mode = entries[name]
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.create_system = 3  # Unix: the modes below count
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def results(student_id, assignment, items, failure=None):
    """The content of results.json for one submission (failure: why it could not be graded, or None)."""
    return {
        "student_id": student_id, "assignment": assignment,
        "status": "failed" if failure else "graded", **({"reason": failure} if failure else {}),
        "score": number(sum(item.score for item in items)),
        "max_score": number(sum(item.max_score for item in items)),
        "items": [{"name": item.name, "score": number(item.score), "max_score": number(item.max_score),
                   "messages": item.messages, "cause": item.cause, "failed_cases": item.failed_cases}
                  for item in items],
    }


def write_results(course, student_id, assignment, items, failure=None):
    path = course / "autograded" / student_id / assignment / "results.json"
    write_atomically(path, json.dumps(results(student_id, assignment, items, failure), indent=2) + "\n")
    return path


GENERATOR = "autograder of the regularisation course kit"  # marks the pages this module writes whole
BEGIN, END = "<!-- autograder: begin -->", "<!-- autograder: end -->"  # its section in another tool's page

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="{generator}">
<title>{title}</title>
</head>
<body>
{section}
</body>
</html>
"""

SECTION = """{begin}
<section class="autograder" style="font-family: sans-serif; max-width: 56em; margin: 2em auto; line-height: 1.4;">
<h1>{title}</h1>
<p>Student: <b>{student}</b>. Score: <b>{score} / {max_score}</b>.</p>
{failure}
<p>Each graded function is tested on the documented case and on hidden cases (other sizes and
hyper-parameters); it gets its points when it passes all of them.</p>
<table style="border-collapse: collapse;">
<tr><th style="text-align: left; padding: 0.3em 1em;">function</th>
<th style="text-align: left; padding: 0.3em 1em;">score</th></tr>
{rows}
</table>
{sections}
</section>
{end}"""


def feedback_section(student_id, assignment, notebook, items, failure=None):
    """The grader's feedback as one HTML section: each function's score and messages (no hidden test code)."""
    rows, sections = [], []
    for item in items:
        colour = "#1a7f37" if item.score == item.max_score else "#b42318"
        rows.append(f'<tr><td style="padding: 0.3em 1em;"><code>{html.escape(item.name)}</code></td>'
                    f'<td style="padding: 0.3em 1em; color: {colour};">{number(item.score)} / '
                    f'{number(item.max_score)}</td></tr>')
        messages = "\n\n".join(item.messages) or "No message."
        sections.append(f"<h2><code>{html.escape(item.name)}</code></h2>\n"
                        f'<pre style="background: #f6f8fa; padding: 0.8em; white-space: pre-wrap;">'
                        f"{html.escape(messages)}</pre>")
    failure = (f'<p style="color: #b42318;"><b>This submission could not be graded</b>: {html.escape(failure)}. '
               "It is recorded with 0 points until it is graded again; tell your instructor.</p>") if failure else ""
    return SECTION.format(begin=BEGIN, end=END, title=html.escape(f"{assignment}: {notebook}"),
                          student=html.escape(student_id), failure=failure,
                          score=number(sum(i.score for i in items)), max_score=number(sum(i.max_score for i in items)),
                          rows="\n".join(rows), sections="\n".join(sections))


def feedback_page(student_id, assignment, notebook, items, failure=None):
    """A readable HTML page with each function's score and messages (no hidden test code)."""
    return PAGE.format(generator=GENERATOR, title=html.escape(f"{assignment}: {notebook}"),
                       section=feedback_section(student_id, assignment, notebook, items, failure))


def merged(page, section):
    """Another tool's page (nbgrader's generate_feedback) with the grader's section in it: in place of the
    section an earlier run put there, else at the start of its body."""
    if BEGIN in page and END in page.split(BEGIN, 1)[1]:
        before, rest = page.split(BEGIN, 1)
        return before + section + rest.split(END, 1)[1]
    body = re.search(r"<body[^>]*>", page, re.IGNORECASE)
    at = body.end() if body else 0
    return page[:at] + "\n" + section + "\n" + page[at:]


def write_feedback(course, student_id, assignment, notebook, items, failure=None):
    """Write the feedback page at nbgrader's place for it, feedback/<student>/<assignment>/<notebook>.html.

    A page there that another tool wrote (nbgrader's generate_feedback) is kept, with the grader's section added
    in it. The submission's timestamp.txt and submission_secret.txt (from nbgrader's collect) are copied beside
    the page, where nbgrader's release_feedback reads them.
    """
    folder = course / "feedback" / student_id / assignment
    path = folder / (Path(notebook).stem + ".html")
    page = feedback_page(student_id, assignment, notebook, items, failure)
    if path.exists():
        existing = path.read_text(encoding="utf-8", errors="replace")
        if f'content="{GENERATOR}"' not in existing:
            page = merged(existing, feedback_section(student_id, assignment, notebook, items, failure))
    write_atomically(path, page)
    for name in NBGRADER_FILES:
        text = submitted_text(course, student_id, assignment, name)
        if text is not None:
            write_atomically(folder / name, text)
    return path


def submitted_text(course, student_id, assignment, name):
    """A small text file of a submission (nbgrader's timestamp.txt, submission_secret.txt), read as the notebook
    is (grading.read_submitted: no links, at most 4 KB); None when there is no such readable file."""
    try:
        return grading.read_submitted(course, student_id, assignment, name, 4096).decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def submission_timestamp(course, student_id, assignment):
    """The text of the timestamp.txt that nbgrader's submit and collect put in a submission, or None."""
    return (submitted_text(course, student_id, assignment, "timestamp.txt") or "").strip()[:100] or None


def parse_timestamp(text):
    """A timestamp.txt's text as nbgrader reads it (a naive UTC datetime), or None when it is not one."""
    from nbgrader.utils import parse_utc
    try:
        return parse_utc(text).replace(tzinfo=None) if text else None
    except (ValueError, OverflowError):
        return None


def escaped(text):
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
            rows.append({"student_id": escaped(student_id), "assignment": assignment, "item": item.name,
                         "score": number(item.score), "max_score": number(item.max_score), "status": status})
        rows.append({"student_id": escaped(student_id), "assignment": assignment, "item": "total",
                     "score": number(sum(i.score for i in items)),
                     "max_score": number(sum(i.max_score for i in items)), "status": status})
    rows.sort(key=lambda row: (row["assignment"], row["student_id"]))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(path, text.getvalue())
    return path


class GradebookWriter:
    """Scores into nbgrader's gradebook, under the grade_ids of the notebook's test cells.

    Opened once for the whole run: open() there and then, or start() to open it in a background thread while the
    workers start (importing nbgrader and its alembic subprocess take seconds), then wait() before the first
    record(); close() at the end.
    """

    def __init__(self, db_url, assignment, course=None):
        """db_url -- an SQLAlchemy URL: sqlite:///path/gradebook.db, postgresql://user:password@host/db, ...
        course -- the course directory, whose nbgrader_config.py sets the late-submission plugin (default: none)
        """
        self.db_url = db_url
        self.assignment = assignment
        self.notebook_id = Path(assignment.notebook).stem
        self.course = course
        self.gradebook = self.late = None
        self._opening, self._error = None, None

    def open(self):
        add_interpreter_to_path()
        from nbgrader.api import Gradebook
        self.late = late_submission_plugin(self.course)
        self.gradebook = Gradebook(self.db_url)
        self._register()

    def start(self):
        """Open the gradebook in a background thread; wait() returns when it is open."""
        def opening():
            try:
                self.open()
            except BaseException as error:  # raised again by wait(), in the thread that records
                self._error = error
        self._opening = threading.Thread(target=opening, name="open-gradebook", daemon=True)
        self._opening.start()

    def started(self):
        """True once open() or start() was called."""
        return self._opening is not None or self.gradebook is not None

    def opened(self):
        """True when the gradebook is open, or failed to open in start()'s thread (wait() then raises why)."""
        if self._opening is None:
            return self.gradebook is not None
        return not self._opening.is_alive()

    def settled(self):
        """Return when no thread of this writer runs (its gradebook is open, or failed to open)."""
        if self._opening is not None:
            self._opening.join()

    def wait(self):
        """Return when the gradebook that start() opens is open; raise what opening it raised."""
        self.settled()
        if self._error is not None:
            raise self._error

    def close(self):
        self.settled()
        if self.gradebook is not None:
            self.gradebook.close()

    def _register(self):
        """Record the assignment's cells as nbgrader's generate_assignment would (once)."""
        import nbformat  # here, not above: with jsonschema, it takes a second to import
        from nbgrader.api import MissingEntry
        from nbgrader.preprocessors import ComputeChecksums, SaveCells
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

    def record(self, student_id, items, timestamp=None):
        """Record a submission's scores, its timestamp (timestamp.txt's text, or None) and, when that is after the
        due date, the late penalty that nbgrader's plugin gives, as nbgrader's autograde does.

        Returns:
        penalty -- the late penalty in points (0 when on time)
        """
        gradebook = self.gradebook
        with warnings.catch_warnings():
            # nbgrader's add_submission triggers SQLAlchemy autoflush warnings that are harmless.
            warnings.simplefilter("ignore", SAWarning)
            gradebook.update_or_create_student(student_id)
            when = parse_timestamp(timestamp)
            submission = gradebook.update_or_create_submission(
                self.assignment.name, student_id, **({"timestamp": when} if when else {}))
        for item in items:
            grade = gradebook.find_grade(f"test_{item.name}", self.notebook_id, self.assignment.name, student_id)
            grade.auto_score = item.score
        gradebook.db.commit()
        notebook = gradebook.find_submission_notebook(self.notebook_id, self.assignment.name, student_id)
        penalty = None
        if submission.total_seconds_late > 0:
            penalty = self.late.late_submission_penalty(student_id, notebook.score, submission.total_seconds_late)
            penalty = None if penalty is None else min(max(float(penalty), 0.0), notebook.score)
        notebook.late_submission_penalty = penalty
        gradebook.db.commit()
        return penalty or 0.0


def add_interpreter_to_path():
    """nbgrader's Gradebook runs `alembic` from PATH: put the one installed beside this interpreter first."""
    bin_folder = str(Path(sys.executable).parent)
    if bin_folder not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"


def late_submission_plugin(course):
    """nbgrader's late-submission plugin as the course's nbgrader_config.py sets it (default: no penalty)."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config, PyFileConfigLoader
    config = Config()
    if course is not None and (Path(course) / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    preprocessor = AssignLatePenalties(config=config)
    return preprocessor.plugin_class(parent=preprocessor)


def table(graded, functions, labels):
    """A text table of scores, one row per student, one column per function (titled by labels)."""
    titles = [labels.get(name, name) for name in functions]
    width = max([len("student")] + [len(student) for student, _ in graded])
    header = f"{'student':<{width}}  " + "  ".join(titles) + "  total"
    lines = [header, "-" * len(header)]
    for (student, _), items in sorted(graded.items()):
        scores = {item.name: item for item in items}
        cells = "  ".join(f"{number(scores[name].score):>{len(title)}}" for name, title in zip(functions, titles))
        total = f"{number(sum(i.score for i in items))}/{number(sum(i.max_score for i in items))}"
        lines.append(f"{student:<{width}}  {cells}  {total:>5}")
    return "\n".join(lines)
