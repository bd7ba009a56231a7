"""`python -m autograder export`: the gradebook's scores for an LMS or a spreadsheet (autograder.outputs.export)."""

import sys
from pathlib import Path

from autograder import assignments, errors
from autograder.commands import arguments
from autograder.coursedir import CourseDirectory
from autograder.outputs import files, gradebook
from autograder.outputs.export import export_text, read_roster


def add_parser(subparsers):
    parser = arguments.assignment_parser(subparsers, "export",
                                         "write the gradebook's scores for an LMS or a spreadsheet")
    arguments.gradebook_options(parser)
    parser.add_argument("--format", choices=("canvas", "csv", "json"), required=True,
                        help="canvas: Canvas's gradebook import CSV; csv and json: a score per function")
    parser.add_argument("--output", metavar="FILE", help="default: standard output")
    parser.add_argument("--roster", metavar="FILE",
                        help="CSV with student_id and the LMS's Student, ID, SIS User ID, SIS Login ID, Section")
    parser.add_argument("--canvas-id", metavar="ID",
                        help="the Canvas assignment's id, for the column title (without it, Canvas creates "
                             "a new assignment)")
    parser.set_defaults(run=_command)


def _command(args):
    export(args.assignment, args.format, args.course_dir, args.output, args.roster, args.canvas_id, args.db,
           args.db_file)
    return 0


def export(assignment, format, course_dir=Path("."), output=None, roster=None, canvas_id=None, db=None,
           db_file=None):
    """Write the export of assignment (a name) in format ("canvas", "csv" or "json") to output, a path (default:
    standard output); returns its text.

    roster -- a roster CSV's path (see autograder.outputs.export); canvas_id -- the Canvas assignment's id
    db, db_file -- the gradebook's URL, or a file holding it (default: $AUTOGRADER_DB_URL, else the course
    directory's gradebook.db). Raises UsageError, or AssignmentError.
    """
    db_url = arguments.database_url(db, db_file)
    database = CourseDirectory(course_dir).gradebook
    if db_url is None and not database.is_file():
        raise errors.UsageError(f"no gradebook at {database}: grade first, or give --db-file")
    gradebook.add_interpreter_to_path()
    assignment = assignments.load(assignment)
    for folder in CourseDirectory(course_dir).skipped(assignment.name):  # not in the gradebook: say why
        print(folder.warning(), file=sys.stderr)
    text = export_text(assignment, db_url or f"sqlite:///{database.resolve()}", format,
                       read_roster(roster) if roster else None, canvas_id, course=course_dir)
    if output:
        files.write_atomically(Path(output), text)
    else:
        print(text, end="")
    return text
