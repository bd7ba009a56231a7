"""The report's files, similarity.json and similarity.html, and `python -m autograder similarity`, which writes
them.
"""

import json
import sys
from pathlib import Path

from autograder import assignments, errors
from autograder.coursedir import CourseDirectory
from autograder.similarity.analysis import analyse
from autograder.similarity.page import render


def write_report(analysis, output_dir):
    """Write similarity.json and similarity.html into output_dir (created); returns their two paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = output_dir / "similarity.json", output_dir / "similarity.html"
    json_path.write_text(json.dumps(analysis.entries, indent=1) + "\n", encoding="utf-8")
    html_path.write_text(render(analysis), encoding="utf-8")
    return json_path, html_path


def command(args):
    """`python -m autograder similarity`: compare the submissions of args.assignment in args.course_dir and
    write the report into args.output_dir (default: <course_dir>/reports/<assignment>/).

    Returns the Analysis. Raises UsageError (no course directory, no submission, no release) or
    AssignmentError (no such assignment), which the command line turns into exit 2.
    """
    course = Path(args.course_dir)
    if not course.is_dir():
        raise errors.UsageError(f"no course directory at {course} (give one with --course-dir)")
    assignment = assignments.load(args.assignment)
    output_dir = (Path(args.output_dir) if getattr(args, "output_dir", None)
                  else CourseDirectory(course).reports(assignment.name))
    progress = None
    if sys.stderr.isatty():
        progress = lambda done, total: print(f"read {done}/{total}", file=sys.stderr, flush=True)  # noqa: E731
    analysis = analyse(assignment, course, progress=progress)
    json_path, html_path = write_report(analysis, output_dir)
    for student, reason in analysis.skipped:
        print(f"warning: {student} not compared: {reason}", file=sys.stderr)
    pairs = {(entry["a"], entry["b"]) for entry in analysis.entries}
    print(f"Compared {len(analysis.submissions)} submission(s) of {assignment.name} ({len(analysis.skipped)} left "
          f"out) in {analysis.seconds:.1f} s: {len(pairs)} pair(s) score at least {analysis.threshold:g}. "
          f"Evidence to look at, not a verdict: {html_path} (scores in {json_path}).")
    return analysis
