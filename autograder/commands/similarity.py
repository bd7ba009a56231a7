"""`python -m autograder similarity`: the pairs of submissions whose graded code is alike (autograder.similarity)."""

import sys
from pathlib import Path

from autograder import assignments
from autograder.commands import arguments
from autograder.coursedir import CourseDirectory


def add_parser(subparsers):
    parser = arguments.assignment_parser(subparsers, "similarity", "report pairs of submissions whose graded code "
                                         "is alike: evidence for a person to look at, not a verdict")
    parser.add_argument("--output-dir", type=Path, metavar="DIR", help="default: COURSE_DIR/reports/<assignment>/")
    parser.set_defaults(run=_command)


def _command(args):
    similarity(args.assignment, args.course_dir, args.output_dir)
    return 0


def similarity(assignment, course_dir=Path("."), output_dir=None):
    """Compare the submissions of assignment (a name) in course_dir; write similarity.json and similarity.html into
    output_dir (default: <course_dir>/reports/<assignment>/) and say what was found.

    Returns the autograder.similarity.Analysis. Raises UsageError (no course directory, no submission, no release)
    or AssignmentError (no such assignment).
    """
    from autograder.similarity import analyse, write_report  # here, not above: only this command needs them

    course = Path(course_dir)
    arguments.require_course(course)
    assignment = assignments.load(assignment)
    output_dir = Path(output_dir) if output_dir else CourseDirectory(course).reports(assignment.name)
    progress = None
    if sys.stderr.isatty():
        progress = lambda done, total: print(f"read {done}/{total}", file=sys.stderr, flush=True)  # noqa: E731
    for folder in CourseDirectory(course).skipped(assignment.name):  # not compared: say why
        print(folder.warning(), file=sys.stderr)
    analysis = analyse(assignment, course, progress=progress)
    json_path, html_path = write_report(analysis, output_dir)
    for student, reason in analysis.skipped:
        print(f"warning: {student} not compared: {reason}", file=sys.stderr)
    pairs = {(entry["a"], entry["b"]) for entry in analysis.entries}
    print(f"Compared {len(analysis.submissions)} submission(s) of {assignment.name} ({len(analysis.skipped)} left "
          f"out) in {analysis.seconds:.1f} s: {len(pairs)} pair(s) score at least {analysis.threshold:g}. "
          f"Evidence to look at, not a verdict: {html_path} (scores in {json_path}).")
    return analysis
