"""What a class got wrong, for the instructor: `python -m autograder report`.

    python -m autograder report <assignment> [--course-dir DIR] [--output-dir DIR]

Reads what grading recorded (autograded/<student>/<assignment>/results.json:
each function's score, the hidden cases it failed and the likely cause of
its failure, as an identifier and a message: the likely cause the checks
name, else the symptom) and writes, in
reports/<assignment>/ of the course directory:

- index.html: the score distribution (a histogram), each function's pass rate
  (a bar chart), for each function its most frequent likely causes with the
  number and share of students, the hidden cases that fail most, and the
  students with no result or whose grading failed, and the submissions grading
  flagged for a person to look at (a timestamp missing, unreadable, or
  contradicted by what the student cannot write). The figures are embedded:
  the page works offline and can be mailed as one file.
- causes.csv: one row per (function, likely cause), with its count, its share
  of the graded students and the students concerned.

Nothing here runs student code.
"""

import base64
import collections
import csv
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from autograder import errors, templates  # noqa: E402
from autograder.coursedir import CourseDirectory  # noqa: E402
from autograder.outputs import files, grades

TOP_CAUSES = 8  # causes listed per function
TOP_CASES = 10  # hidden cases listed
SHOWN_STUDENTS = 8  # students named per cause
NO_CAUSE = "no likely cause given"


@dataclass
class ClassResults:
    """What grading recorded for a class.

    graded -- {student_id: results.json's content}, status "graded"
    failed -- {student_id: reason}, grading failed
    missing -- student ids with a submission and no results.json (not graded yet, or an unreadable result)
    """
    graded: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)


def read_class(course, assignment):
    """The ClassResults of an assignment in a course directory."""
    found = ClassResults()
    folders = CourseDirectory(course)
    submitted, recorded = folders.submitters(assignment.name), folders.recorded(assignment.name)
    for student_id in sorted(set(submitted) | set(recorded)):
        path = recorded.get(student_id)
        try:
            document = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            document = None
        if not isinstance(document, dict) or not isinstance(document.get("items"), list):
            found.missing.append(student_id)
        elif document.get("status") == "graded":
            found.graded[student_id] = document
        else:
            found.failed[student_id] = str(document.get("reason", "no reason recorded"))
    return found


def _case_label(assignment, function, case_id):
    """What a case id of results.json stands for (results of an older kit recorded labels: shown as they are)."""
    return next((case.label for case in assignment.cases(function) if case.id == case_id), case_id)


def summary(assignment, results):
    """The class's figures: {"scores": [...], "pass_rates": {function: share}, "causes": {function: [(id, message,
    [students])]}, "cases": [(function, label, count)]}, causes and cases most frequent first."""
    scores, passed = [], collections.Counter()
    causes = {function: {} for function in assignment.functions}
    cases = collections.Counter()
    for student_id, document in sorted(results.graded.items()):
        scores.append(float(document.get("score", 0)))
        for item in document["items"]:
            function = item.get("name")
            if function not in causes:
                continue
            if item.get("score") == item.get("max_score"):
                passed[function] += 1
                continue
            cause = item.get("cause") or {"id": "none", "message": NO_CAUSE}
            entry = causes[function].setdefault(cause["id"], [cause["message"], []])
            entry[1].append(student_id)
            for case_id in item.get("failed_cases", []):
                cases[(function, str(case_id))] += 1
    count = max(len(results.graded), 1)
    return {
        "scores": scores,
        "pass_rates": {function: passed[function] / count for function in assignment.functions},
        "causes": {function: sorted(((cause_id, message, students) for cause_id, (message, students)
                                     in found.items()), key=lambda entry: (-len(entry[2]), entry[0]))
                   for function, found in causes.items()},
        "cases": [(function, _case_label(assignment, function, case_id), n) for (function, case_id), n in
                  sorted(cases.items(), key=lambda entry: (-entry[1], entry[0]))],
    }


def _figure_png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(scores, max_score):
    """A PNG (base64) of the distribution of total scores."""
    figure, axes = plt.subplots(figsize=(6, 3))
    bins = [x - 0.5 for x in range(int(max_score) + 2)]
    axes.hist(scores, bins=bins, color="#4c72b0", edgecolor="white")
    axes.set_xlabel(f"score (out of {files.number(max_score)})")
    axes.set_ylabel("students")
    axes.set_title(f"Scores of {len(scores)} graded submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _figure_png(figure)


def pass_rate_chart(pass_rates, labels):
    """A PNG (base64) of each function's share of students with full marks."""
    functions = list(pass_rates)
    figure, axes = plt.subplots(figsize=(6, 0.5 + 0.45 * len(functions)))
    shares = [100 * pass_rates[f] for f in functions]
    axes.barh([labels.get(f, f) for f in functions][::-1], shares[::-1], color="#55a868")
    for y, share in enumerate(shares[::-1]):
        axes.text(min(share + 1, 92), y, f"{share:.0f}%", va="center")
    axes.set_xlim(0, 100)
    axes.set_xlabel("students with full marks (%)")
    axes.set_title("Pass rate per graded function")
    return _figure_png(figure)


def causes_csv(assignment, figures, graded_count):
    """causes.csv's text: one row per (function, likely cause)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["assignment", "function", "cause_id", "cause", "students", "share", "student_ids"])
    for function, entries in figures["causes"].items():
        for cause_id, message, students in entries:
            writer.writerow([assignment.name, function, cause_id, grades.escaped(message), len(students),
                             f"{len(students) / max(graded_count, 1):.3f}",
                             grades.escaped(" ".join(students))])
    return text.getvalue()


def page(assignment, results, figures):
    """index.html's text, rendered from classreport/page.html: every text escaped here, with html.escape."""
    e = html.escape
    scores, count = figures["scores"], max(len(results.graded), 1)
    max_score = sum(assignment.points.values())
    functions = [{"name": e(function), "failed": sum(len(students) for _, _, students in entries),
                  "causes": [{"students": len(students), "share": 100 * len(students) / count, "message": e(message),
                              "who": [e(s) for s in students[:SHOWN_STUDENTS]],
                              "more": len(students) > SHOWN_STUDENTS}
                             for _, message, students in entries[:TOP_CAUSES]]}
                 for function, entries in figures["causes"].items()]
    return templates.render(
        "classreport/page.html", assignment=e(assignment.name), graded=len(results.graded),
        mean=sum(scores) / len(scores) if scores else None, max_score=files.number(max_score),
        histogram=score_histogram(scores, max_score) if scores else None,
        pass_rates=pass_rate_chart(figures["pass_rates"], assignment.labels) if scores else None,
        functions=functions,
        cases=[{"students": n, "function": e(function), "label": e(label)}
               for function, label, n in figures["cases"][:TOP_CASES]],
        failed=[{"id": e(s), "reason": e(reason)} for s, reason in sorted(results.failed.items())],
        missing=[e(s) for s in results.missing],
        flagged=[{"id": e(student), "flag": e(flag_id), "message": e(message), "claimed": e(claimed),
                  "recorded": e(recorded)} for student, flag_id, message, claimed, recorded in flagged(results)])


def flagged(results):
    """[(student_id, flag id, message, claimed time, recorded time)] of the graded submissions grading flagged (a
    timestamp missing, unreadable or contradicted by what the student cannot write), by student."""
    rows = []
    for student_id, document in sorted(results.graded.items()):
        timestamp = document.get("timestamp") if isinstance(document.get("timestamp"), dict) else {}
        for flag in document.get("flags") or []:
            if isinstance(flag, dict):
                rows.append((student_id, str(flag.get("id", "")), str(flag.get("message", "")),
                             str(timestamp.get("claimed") or "none"), str(timestamp.get("recorded") or "none")))
    return rows


def write(assignment, course, output_dir=None):
    """Write index.html and causes.csv; returns the folder."""
    folder = Path(output_dir) if output_dir else CourseDirectory(course).reports(assignment.name)
    results = read_class(course, assignment)
    if not (results.graded or results.failed or results.missing):
        raise errors.UsageError(f"no submission of {assignment.name!r} in {course}: nothing to report")
    figures = summary(assignment, results)
    files.write_atomically(folder / "index.html", page(assignment, results, figures))
    files.write_atomically(folder / "causes.csv", causes_csv(assignment, figures, len(results.graded)))
    return folder
