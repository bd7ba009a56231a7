"""`python -m autograder report`: the class report of an assignment (autograder.outputs.classreport)."""

import sys
from pathlib import Path

from autograder import assignments
from autograder.commands import arguments
from autograder.coursedir import CourseDirectory


def add_parser(subparsers):
    parser = arguments.assignment_parser(subparsers, "report", "write the class report: score distribution, pass "
                                         "rates, the most frequent likely causes, the hidden cases that fail most")
    parser.add_argument("--output-dir", type=Path, metavar="DIR", help="default: COURSE_DIR/reports/<assignment>/")
    parser.set_defaults(run=_command)


def _command(args):
    report(args.assignment, args.course_dir, args.output_dir)
    return 0


def report(assignment, course_dir=Path("."), output_dir=None):
    """Write the class report of assignment (a name), from the results in course_dir, and say where it is.

    output_dir -- default: <course_dir>/reports/<assignment>/
    Returns the folder written (index.html and causes.csv). Raises UsageError, or AssignmentError.
    """
    from autograder.outputs import classreport  # here, not above: matplotlib is slow to import

    assignment = assignments.load(assignment)
    arguments.require_course(course_dir)
    for skipped in CourseDirectory(course_dir).skipped(assignment.name):  # left out of the report: say why
        print(skipped.warning(), file=sys.stderr)
    folder = classreport.write(assignment, Path(course_dir), output_dir)
    print(f"Class report of {assignment.name}: {folder / 'index.html'} (and {folder / 'causes.csv'})")
    return folder
