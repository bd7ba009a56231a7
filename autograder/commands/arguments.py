"""What several commands share: the arguments naming an assignment and a course directory, and the gradebook's."""

import os
from pathlib import Path

import sqlalchemy

from autograder import assignments, errors

DB_VARIABLE = "AUTOGRADER_DB_URL"


def assignment_parser(subparsers, name, help_text, course=True):
    """The parser of a command that works on one assignment (and, with course, on a course directory)."""
    parser = subparsers.add_parser(name, help=help_text)
    parser.add_argument("assignment",
                        help=f"assignment name: a folder of source/ (there: {', '.join(assignments.names())})")
    if course:
        parser.add_argument("--course-dir", type=Path, default=Path("."), help="default: the current directory")
    return parser


def gradebook_options(parser):
    """--db and --db-file: where the gradebook is, when it is not the course directory's gradebook.db."""
    parser.add_argument("--db", metavar="URL",
                        help="nbgrader gradebook URL without a password, e.g. postgresql://user@host/gradebook "
                             f"(default: ${DB_VARIABLE} if set, else sqlite:///COURSE_DIR/gradebook.db)")
    parser.add_argument("--db-file", metavar="FILE",
                        help="a file, readable only by you, holding the gradebook URL (with its password)")


def require_course(course):
    """Raise UsageError unless the course directory course exists."""
    if not Path(course).is_dir():
        raise errors.UsageError(f"no course directory at {course} (give one with --course-dir)")


def database_url(db=None, db_file=None):
    """The gradebook's URL: db (without a password), db_file's content, or $AUTOGRADER_DB_URL; None for the SQLite file.

    db -- the value of --db; db_file -- the value of --db-file (a path). A password never comes from the command
    line, which every process on the machine can read. Raises UsageError.
    """
    if db and db_file:
        raise errors.UsageError("give --db or --db-file, not both")
    if db:
        try:
            url = sqlalchemy.engine.make_url(db)
        except sqlalchemy.exc.ArgumentError as error:
            raise errors.UsageError(f"--db is not a database URL ({error})") from None
        if url.password:
            raise errors.UsageError(f"--db holds a password, which any process on this machine can read from the "
                                     f"command line. Nothing was done: set {DB_VARIABLE} to the URL instead, or "
                                     "write it in a file only you can read (chmod 600) and give --db-file FILE.")
        return db
    if db_file:
        try:
            handle = os.open(db_file, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(handle) as stream:
                mode = os.fstat(stream.fileno()).st_mode
                text = stream.read(4096).strip()
        except OSError as error:
            raise errors.UsageError(f"cannot read --db-file {db_file}: {error.strerror}") from None
        if mode & 0o077:
            raise errors.UsageError(f"{db_file} can be read by other users (mode {mode & 0o777:o}): "
                                     f"run `chmod 600 {db_file}` first")
        return text
    return os.environ.get(DB_VARIABLE) or None
