"""The grader's command line.

    python -m autograder grade <assignment> [--course-dir DIR] [--student ID ...] [--timeout SECONDS]
                               [--db URL | --db-file FILE] [--jobs N | --scheduler ADDRESS] [--table] [--quiet]
                               [--unsafe-no-sandbox]
    python -m autograder export <assignment> [--course-dir DIR] [--db URL | --db-file FILE]
                                --format canvas|csv|json [--output FILE] [--roster FILE] [--canvas-id ID]
    python -m autograder report <assignment> [--course-dir DIR] [--output-dir DIR]
    python -m autograder similarity <assignment> [--course-dir DIR] [--output-dir DIR]
    python -m autograder gradescope <assignment> [--output FILE]
    python -m autograder doctor

Grades every submitted/<student_id>/<assignment>/ folder of the course
directory (nbgrader's layout; default: the current directory) and writes, per
submission, autograded/<student_id>/<assignment>/results.json,
feedback/<student_id>/<assignment>/<notebook>.html and the scores into
nbgrader's gradebook.db; then grades.csv for all. Submissions are graded
--jobs at a time on this machine, or on a Dask cluster (autograder.batch);
this process alone writes the results. The assignments (their
solutions, hidden tests and release) come from this course kit's source/
(autograder.assignments).
Student code runs only in sandboxes (autograder.sandbox), in the best of its
layers the machine allows (namespaces, landlock, uid), which also must fail to
read the course directory; where no layer can be had, `grade` refuses (exit 2)
and says what is missing, unless --unsafe-no-sandbox is given. Exits 0 when every submission was graded,
whatever the scores; 1 when some could not be (their failure is recorded,
never an older grade left standing); 2 on a usage error, with a message that
says what to do. `report` writes the class report (the common mistakes,
autograder.outputs.classreport) and `similarity` the pairs of submissions whose code
is alike (autograder.similarity), both in reports/<assignment>/; `export`
writes the gradebook's scores for an LMS or a spreadsheet
(autograder.outputs.export); `gradescope` writes an assignment's autograder bundle
for Gradescope (autograder.gradescope). `doctor` prints
the active layer and why the others are not used, each protection for
student code with what it holds and what it does not, and what a sandbox
looks like from the inside; `grade` prints the protections when it starts.
"""

import argparse
import contextlib
import fcntl
import importlib
import os
import sys
import time
from pathlib import Path

import sqlalchemy
import tqdm

from autograder import assignments, batch, errors, gradescope, grading, sandbox
from autograder.coursedir import CourseDirectory
from autograder.outputs import export, feedback, gradebook, grades, results, table, timestamps

DB_VARIABLE = "AUTOGRADER_DB_URL"
GRADEBOOK_AFTER = 100  # results graded before the gradebook starts opening (see run)


def submissions(course, assignment, students):
    """The (student_id, folder) pairs to grade, sorted by student."""
    found = CourseDirectory(course).require_submissions(assignment)
    if students:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise errors.UsageError(f"no submission of {assignment!r} by {', '.join(unknown)} "
                                     f"(there are submissions by: {', '.join(found)})")
        found = {student: found[student] for student in students}
    return sorted(found.items())


def grade(args):
    course = args.course_dir
    if not course.is_dir():
        raise errors.UsageError(f"no course directory at {course} (give one with --course-dir)")
    if args.jobs is not None and args.scheduler:
        raise errors.UsageError("give --jobs or --scheduler, not both: with --scheduler the cluster's workers "
                                 "grade, as many at a time as they have threads")
    if args.jobs is None:
        args.jobs = batch.cores()
    elif args.jobs < 1:
        raise errors.UsageError("--jobs must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise errors.UsageError("--timeout must be a positive number of seconds")
    assignment = assignments.load(args.assignment)
    db_url = database_url(args)
    try:
        sandbox.report(args.unsafe_no_sandbox)
        if not args.unsafe_no_sandbox:  # the course directory is out of the sandbox's reach too: tried, not assumed
            sandbox.check_private([course.resolve()])
    except sandbox.Unavailable as error:
        raise errors.UsageError(f"student code cannot be isolated on this machine, so nothing was graded: {error}. "
                                 "`python -m autograder doctor` shows each protection. To grade anyway, without "
                                 "isolation (student code could read the hidden tests and change grades), "
                                 "add --unsafe-no-sandbox.") from None
    if args.unsafe_no_sandbox:
        print("WARNING: --unsafe-no-sandbox: student code runs WITHOUT isolation. It can read the solutions and "
              "hidden tests and change the gradebook. Use this only for code you trust.", file=sys.stderr)
    if args.timeout is None:
        args.timeout = assignment.hidden.timeout
    todo = submissions(course, assignment.name, args.student)
    with exclusive(course):
        if db_url is None:
            check_gradebook(CourseDirectory(course).gradebook)
        return run(args, course, assignment, todo, db_url)


def check_gradebook(path):
    """Refuse a gradebook that is not an SQLite database rather than overwrite it; say when one is created."""
    if not path.exists():
        print(f"No gradebook at {path}: creating one.")
    elif path.stat().st_size and path.read_bytes()[:16] != b"SQLite format 3\x00":
        raise errors.UsageError(f"{path} is not an SQLite database (damaged?). Nothing was changed: restore it "
                                 "from a backup, or move it aside to start a new gradebook.")


@contextlib.contextmanager
def exclusive(course):
    """One grading run at a time per course directory (a lock in autograded/)."""
    lock_path = CourseDirectory(course).lock
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise errors.UsageError(f"another grading run is using {course}; wait for it to finish "
                                     "(nothing was changed)") from None
        yield


def database_url(args):
    """The gradebook's URL: --db (without a password), --db-file, or $AUTOGRADER_DB_URL; None for the SQLite file.

    A password never comes from the command line, which every process on the machine can read.
    """
    if args.db and args.db_file:
        raise errors.UsageError("give --db or --db-file, not both")
    if args.db:
        try:
            url = sqlalchemy.engine.make_url(args.db)
        except sqlalchemy.exc.ArgumentError as error:
            raise errors.UsageError(f"--db is not a database URL ({error})") from None
        if url.password:
            raise errors.UsageError(f"--db holds a password, which any process on this machine can read from the "
                                     f"command line. Nothing was done: set {DB_VARIABLE} to the URL instead, or "
                                     "write it in a file only you can read (chmod 600) and give --db-file FILE.")
        return args.db
    if args.db_file:
        try:
            handle = os.open(args.db_file, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(handle) as stream:
                mode = os.fstat(stream.fileno()).st_mode
                text = stream.read(4096).strip()
        except OSError as error:
            raise errors.UsageError(f"cannot read --db-file {args.db_file}: {error.strerror}") from None
        if mode & 0o077:
            raise errors.UsageError(f"{args.db_file} can be read by other users (mode {mode & 0o777:o}): "
                                     f"run `chmod 600 {args.db_file}` first")
        return text
    return os.environ.get(DB_VARIABLE) or None


def _safe(db_url):
    """A database URL without its password, for messages."""
    return sqlalchemy.engine.make_url(db_url).render_as_string(hide_password=True)


def gradebook_writer(db_url, course, assignment):
    """nbgrader's gradebook writer (default: the course's gradebook.db), not open yet. A database server that
    cannot be reached is a usage error at once, before anything is graded."""
    db_url = db_url or f"sqlite:///{(course / 'gradebook.db').resolve()}"
    url = sqlalchemy.engine.make_url(db_url)
    if url.get_backend_name() != "sqlite":
        try:
            with sqlalchemy.create_engine(url).connect():
                pass
        except (sqlalchemy.exc.SQLAlchemyError, ImportError) as error:
            raise _unusable(db_url, error) from None
    return gradebook.GradebookWriter(db_url, assignment, course)


def _unusable(db_url, error):
    """The usage error for a gradebook that cannot be used, without the URL's password."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return errors.UsageError(f"cannot use the gradebook at {_safe(db_url)}: {reason}")


def ready(gradebook):
    """Wait for the gradebook to be open; a gradebook that cannot be used is a usage error (nothing recorded)."""
    try:
        gradebook.wait()
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise _unusable(gradebook.db_url, error) from None


def run(args, course, assignment, todo, db_url):
    """Grade the submissions.

    Returns:
    failed -- the students that could not be graded
    received -- (time.time(), batch.Graded) of each graded task, as they came back
    """
    graded, failed, received = {}, [], []
    start = time.perf_counter()
    reports = set()
    bar = tqdm.tqdm(total=len(todo), unit="submission", file=sys.stderr, dynamic_ncols=True,
                    disable=args.quiet or not sys.stderr.isatty())

    def say(text, file=sys.stdout):
        bar.write(text, file=file)
        file.flush()

    waiting = []  # (student_id, items, timestamp): scores for the gradebook, which opens while grading goes on

    def record(student_id, items, failure=None):
        """Write what one submission got (here only: the results of every process come back to this one)."""
        results.write_results(course, student_id, assignment.name, items, failure)
        feedback.write_feedback(course, student_id, assignment.name, assignment.notebook, items, failure)
        graded[(student_id, assignment.name)] = (items, failure)
        waiting.append((student_id, items, timestamps.submission_timestamp(course, student_id, assignment.name)))

    def to_gradebook(block):
        """Record the waiting scores in the gradebook, once it is open (block: wait for it).

        Opening it (importing nbgrader) takes seconds of CPU, which would slow the grading of a small class: it
        starts in a thread after GRADEBOOK_AFTER results (the scores wait in a queue), or at the end.
        """
        if not gradebook.started() and (block or len(graded) >= GRADEBOOK_AFTER):
            gradebook.start()
        if not block and not gradebook.opened():
            return
        ready(gradebook)
        while waiting:
            student_id, items, timestamp = waiting.pop(0)
            try:
                gradebook.record(student_id, items, timestamp)
            except Exception as error:  # a bug of the grader's, or the database's: say so, go on
                if student_id not in failed:
                    failed.append(student_id)
                say(f"error: the scores of {student_id} could not be written to the gradebook "
                    f"({type(error).__name__}: {error}); its results.json and feedback are written: grade it again.",
                    file=sys.stderr)

    def finish(student_id, items):
        try:
            record(student_id, items)
        except Exception as error:  # a bug of the grader's, not the student's: report it, go on
            give_up(student_id, f"{type(error).__name__}: {error}")
            return
        bar.update()
        if not args.quiet:
            say(f"{student_id}: {sum(i.score for i in items):g}/{sum(i.max_score for i in items):g}")
        to_gradebook(block=False)

    def give_up(student_id, reason):
        """A submission that could not be graded: its failure replaces any older grade, with zero points."""
        failed.append(student_id)
        bar.update()
        zero = [grading.Item(name, 0.0, assignment.points[name], [f"not graded: {reason}"])
                for name in assignment.functions]
        try:
            record(student_id, zero, reason)
            kept = "recorded as not graded, with 0 points, in results.json, the gradebook and grades.csv"
        except Exception as error:
            kept = f"and the failure could not be recorded either ({type(error).__name__}: {error})"
        say(f"error: {student_id} could not be graded ({reason}); {kept}.", file=sys.stderr)
        to_gradebook(block=False)

    def tasks():
        for student_id, _ in todo:
            data, items = grading.read_submission(assignment, course, student_id)
            if items is None:
                yield batch.Task(student_id, data)
            else:
                finish(student_id, items)

    gradebook = gradebook_writer(db_url, course, assignment)
    # The gradebook opens in a thread (importing nbgrader takes seconds) after the pool has forked its processes.
    with contextlib.closing(gradebook), \
            batch.Pool(args.jobs, args.scheduler, args.unsafe_no_sandbox, gradebook.settled) as pool, bar:
        for task, result, error in pool.grade(assignment.name, tasks(), args.timeout):
            if error is not None:
                give_up(task.student_id, batch.failure_reason(error))
                continue
            received.append((time.time(), result))
            description = sandbox.protections_text(result.protections)
            if description not in reports:
                reports.add(description)
                say(("Protections for student code" + (" (another worker)" if len(reports) > 1 else "")
                     + ":\n" + description))
            finish(task.student_id, result.items)
        to_gradebook(block=True)
        where = pool.where()
    grades.update_grades_csv(course, graded)
    seconds = time.perf_counter() - start
    print(f"Graded {len(graded) - len(failed)} submission(s) of {assignment.name}, {len(failed)} failed, "
          f"in {seconds:.1f} s "
          f"({where}); results in {course / 'autograded'}, feedback in {course / 'feedback'}, "
          f"grades in {course / 'grades.csv'}.")
    if args.table:
        print()
        print(table.table({key: items for key, (items, _) in graded.items()},
                           assignment.functions, assignment.labels))
    return failed, received


def parser():
    main_parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)

    def command(name, help_text, course=True):
        """A subcommand that works on one assignment (and, with course, on a course directory)."""
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("assignment",
                         help=f"assignment name: a folder of source/ (there: {', '.join(assignments.names())})")
        if course:
            sub.add_argument("--course-dir", type=Path, default=Path("."), help="default: the current directory")
        return sub

    def gradebook_options(sub):
        sub.add_argument("--db", metavar="URL",
                         help="nbgrader gradebook URL without a password, e.g. postgresql://user@host/gradebook "
                              f"(default: ${DB_VARIABLE} if set, else sqlite:///COURSE_DIR/gradebook.db)")
        sub.add_argument("--db-file", metavar="FILE",
                         help="a file, readable only by you, holding the gradebook URL (with its password)")

    grade_parser = command("grade", "grade the submissions of an assignment")
    grade_parser.add_argument("--student", nargs="+", metavar="ID", help="grade only these students")
    grade_parser.add_argument("--timeout", type=float,
                              help="seconds of wall-clock and CPU time per graded function "
                                   "(default: the timeout of the assignment's hidden tests)")
    gradebook_options(grade_parser)
    grade_parser.add_argument("--jobs", type=int, metavar="N",
                              help="grade N submissions at a time on this machine (default: its cores, "
                                   f"{batch.cores()})")
    grade_parser.add_argument("--scheduler", metavar="ADDRESS",
                              help="grade on the Dask cluster whose scheduler is at ADDRESS, e.g. tcp://host:8786; "
                                   "results are written here")
    grade_parser.add_argument("--table", action="store_true", help="print a table of the scores at the end")
    grade_parser.add_argument("--quiet", action="store_true",
                              help="no progress bar and no line per student: only the summary line")
    grade_parser.add_argument("--unsafe-no-sandbox", action="store_true",
                              help="grade even where student code cannot be isolated (it can then read the "
                                   "solutions and change grades): only for code you trust")
    export_parser = command("export", "write the gradebook's scores for an LMS or a spreadsheet")
    gradebook_options(export_parser)
    export_parser.add_argument("--format", choices=("canvas", "csv", "json"), required=True,
                               help="canvas: Canvas's gradebook import CSV; csv and json: a score per function")
    export_parser.add_argument("--output", metavar="FILE", help="default: standard output")
    export_parser.add_argument("--roster", metavar="FILE",
                               help="CSV with student_id and the LMS's Student, ID, SIS User ID, SIS Login ID, Section")
    export_parser.add_argument("--canvas-id", metavar="ID",
                               help="the Canvas assignment's id, for the column title (without it, Canvas creates "
                                    "a new assignment)")
    for name, help_text in (("report", "write the class report: score distribution, pass rates, the most "
                                       "frequent likely causes, the hidden cases that fail most"),
                            ("similarity", "report pairs of submissions whose graded code is alike: evidence "
                                           "for a person to look at, not a verdict")):
        command(name, help_text).add_argument("--output-dir", type=Path, metavar="DIR",
                                              help="default: COURSE_DIR/reports/<assignment>/")
    gradescope_parser = command("gradescope", "write the Gradescope autograder bundle (a zip) of an assignment",
                                course=False)
    gradescope_parser.add_argument("--output", type=Path, default=Path("autograder.zip"), metavar="FILE",
                                   help="the zip to write (default: autograder.zip)")
    commands.add_parser("doctor", help="report which protections for student code work on this machine")
    return main_parser


def export_scores(args):
    """`export`: the gradebook's scores for an LMS or a spreadsheet (autograder.outputs.export)."""
    course = args.course_dir
    db_url = database_url(args)
    database = CourseDirectory(course).gradebook
    if db_url is None and not database.is_file():
        raise errors.UsageError(f"no gradebook at {database}: grade first, or give --db-file")
    gradebook.add_interpreter_to_path()
    export.command(args, db_url or f"sqlite:///{database.resolve()}")


def doctor():
    """Print each protection and the tool behind it, and a sandbox seen from the inside; exit 1 without one."""
    try:
        protections = sandbox.report()
    except sandbox.Unavailable as error:
        print(f"Student code cannot be isolated on this machine: {error}.\n`grade` refuses to grade here "
              "(unless given --unsafe-no-sandbox).")
        sys.exit(1)
    print("Protections for student code on this machine:\n" + sandbox.protections_text(protections))
    inside = sandbox.inspect()
    seen = [f"uid {inside['uid']}", f"pid {inside['pid']}",
            f"{inside['processes']} process(es) visible" if inside["processes"] is not None else "/proc unreadable",
            f"capabilities {inside['cap_eff']}", f"no_new_privs {inside['no_new_privs']}",
            f"seccomp mode {inside['seccomp']}"]
    seen += [f"Landlock ABI {inside['landlock']}"] if inside["landlock"] else []
    root = f"its / holds: {' '.join(inside['root'])}" if inside["root"] is not None else "its / cannot be listed"
    print(f"A sandbox seen from the inside ({protections['layer']}): {', '.join(seen)}; {root}.")


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.command == "doctor":
            doctor()
        elif args.command == "gradescope":
            gradescope.command(args)
        elif args.command in ("report", "similarity"):  # imported here: matplotlib is slow to import
            importlib.import_module({"report": "autograder.outputs.classreport",
                                     "similarity": "autograder.similarity"}[args.command]).command(args)
        elif args.command == "export":
            export_scores(args)
        else:
            failed, _ = grade(args)
            if failed:
                print(f"error: {len(failed)} submission(s) could not be graded: {', '.join(sorted(failed))}",
                      file=sys.stderr)
                sys.exit(1)
    except (errors.UsageError, errors.AssignmentError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except PermissionError as error:  # the course directory, or a file in it, is not the grader's to use
        print(f"error: permission denied on {error.filename}: run the grader as a user who may read and write the "
              "course directory (nothing was graded from there on).", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
