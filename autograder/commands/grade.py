"""`python -m autograder grade`: grade the submissions of an assignment in a course directory.

grade() checks what it is given (the course directory, the options, the
sandbox, the gradebook), takes the course directory's lock and hands the
submissions to a GradingRun. The run grades them wherever its pool runs
tasks (autograder.batch) and writes, here only, what each got: results.json,
the feedback page, the gradebook's scores, then grades.csv for all. A
submission that cannot be graded is recorded as failed, with 0 points and the
reason, so that an older grade never stays as if it were current.

The run lives here, with its command, rather than in autograder.grading,
which grades one submission: a run is many submissions, their outputs and
the progress the command prints.
"""

import contextlib
import fcntl
import sys
import time
from pathlib import Path

import sqlalchemy
import tqdm

from autograder import assignments, batch, errors, grading, sandbox
from autograder.commands import arguments
from autograder.coursedir import CourseDirectory
from autograder.outputs import feedback, gradebook, grades, results, table, timestamps

GRADEBOOK_AFTER = 100  # results graded before the gradebook starts opening (see GradingRun.flush)


def add_parser(subparsers):
    parser = arguments.assignment_parser(subparsers, "grade", "grade the submissions of an assignment")
    parser.add_argument("--student", nargs="+", metavar="ID", help="grade only these students")
    parser.add_argument("--timeout", type=float,
                        help="seconds of wall-clock and CPU time per graded function "
                             "(default: the timeout of the assignment's hidden tests)")
    arguments.gradebook_options(parser)
    parser.add_argument("--jobs", type=int, metavar="N",
                        help=f"grade N submissions at a time on this machine (default: its cores, {batch.cores()})")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the Dask cluster whose scheduler is at ADDRESS, e.g. tcp://host:8786; "
                             "results are written here")
    parser.add_argument("--table", action="store_true", help="print a table of the scores at the end")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no line per student: only the summary line")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade even where student code cannot be isolated (it can then read the "
                             "solutions and change grades): only for code you trust")
    parser.set_defaults(run=_command)


def _command(args):
    """The command line's grade: exit status 1 when some submission could not be graded."""
    graded = grade(args.assignment, args.course_dir, students=args.student, timeout=args.timeout, db=args.db,
                   db_file=args.db_file, jobs=args.jobs, scheduler=args.scheduler, print_table=args.table,
                   quiet=args.quiet, unsafe=args.unsafe_no_sandbox)
    if graded.failed:
        print(f"error: {len(graded.failed)} submission(s) could not be graded: {', '.join(sorted(graded.failed))}",
              file=sys.stderr)
    if graded.skipped:
        print(f"error: {len(graded.skipped)} folder(s) of submitted/ were left out, their names cannot be student "
              f"ids: {', '.join(folder.shown for folder in graded.skipped)} (see the warnings above)", file=sys.stderr)
    return 1 if graded.failed or graded.skipped else 0


def grade(assignment, course_dir=Path("."), students=None, timeout=None, db=None, db_file=None, jobs=None,
          scheduler=None, print_table=False, quiet=False, unsafe=False):
    """Grade the submissions of assignment (a name) in course_dir; returns the finished GradingRun.

    students -- grade only these student ids (default: every submission)
    timeout -- seconds per graded function (default: the hidden tests' timeout)
    db, db_file -- the gradebook's URL, or a file holding it (default: $AUTOGRADER_DB_URL, else gradebook.db)
    jobs -- submissions graded at a time on this machine (default: its cores); scheduler -- a Dask scheduler's
            address instead
    print_table -- print the table of the scores at the end; quiet -- only the summary line
    unsafe -- grade even where no sandbox can be had (--unsafe-no-sandbox)
    Raises UsageError, or AssignmentError, before anything is graded.
    """
    course = Path(course_dir)
    arguments.require_course(course)
    if jobs is not None and scheduler:
        raise errors.UsageError("give --jobs or --scheduler, not both: with --scheduler the cluster's workers "
                                 "grade, as many at a time as they have threads")
    if jobs is None:
        jobs = batch.cores()
    elif jobs < 1:
        raise errors.UsageError("--jobs must be at least 1")
    if timeout is not None and timeout <= 0:
        raise errors.UsageError("--timeout must be a positive number of seconds")
    assignment = assignments.load(assignment)
    db_url = arguments.database_url(db, db_file)
    try:
        sandbox.report(unsafe)
        if not unsafe:  # the course directory is out of the sandbox's reach too: tried, not assumed
            sandbox.check_private([course.resolve()])
    except sandbox.Unavailable as error:
        raise errors.UsageError(f"student code cannot be isolated on this machine, so nothing was graded: {error}. "
                                 "`python -m autograder doctor` shows each protection. To grade anyway, without "
                                 "isolation (student code could read the hidden tests and change grades), "
                                 "add --unsafe-no-sandbox.") from None
    if unsafe:
        print("WARNING: --unsafe-no-sandbox: student code runs WITHOUT isolation. It can read the solutions and "
              "hidden tests and change the gradebook. Use this only for code you trust.", file=sys.stderr)
    todo = submissions(course, assignment.name, students)
    skipped = [] if students else CourseDirectory(course).skipped(assignment.name)
    for folder in skipped:
        print(folder.warning(), file=sys.stderr)
    with exclusive(course):
        if db_url is None:
            check_gradebook(CourseDirectory(course).gradebook)
        graded = GradingRun(course, assignment, todo, db_url, jobs=jobs, scheduler=scheduler, timeout=timeout,
                            unsafe=unsafe, quiet=quiet, skipped=skipped)
        graded.run()
    if print_table:
        print()
        print(graded.table())
    return graded


def submissions(course, assignment, students=None):
    """The (student_id, folder) pairs to grade, sorted by student (students: only these ids)."""
    found = CourseDirectory(course).require_submissions(assignment)
    if students:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise errors.UsageError(f"no submission of {assignment!r} by {', '.join(unknown)} "
                                     f"(there are submissions by: {', '.join(found)})")
        found = {student: found[student] for student in students}
    return sorted(found.items())


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


def _safe(db_url):
    """A database URL without its password, for messages."""
    return sqlalchemy.engine.make_url(db_url).render_as_string(hide_password=True)


def _unusable(db_url, error):
    """The usage error for a gradebook that cannot be used, without the URL's password."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return errors.UsageError(f"cannot use the gradebook at {_safe(db_url)}: {reason}")


def gradebook_writer(db_url, course, assignment):
    """nbgrader's gradebook writer (default: the course's gradebook.db), not open yet. A database server that
    cannot be reached is a usage error at once, before anything is graded."""
    db_url = db_url or f"sqlite:///{(Path(course) / 'gradebook.db').resolve()}"
    url = sqlalchemy.engine.make_url(db_url)
    if url.get_backend_name() != "sqlite":
        try:
            with sqlalchemy.create_engine(url).connect():
                pass
        except (sqlalchemy.exc.SQLAlchemyError, ImportError) as error:
            raise _unusable(db_url, error) from None
    return gradebook.GradebookWriter(db_url, assignment, course)


class GradingRun:
    """The grading of some submissions of one assignment, and what each got, written by this process only.

    Whatever runs the submissions (threads, processes, a Dask cluster), their
    results come back here, so a run grades the same with any number of
    processes. Use: GradingRun(...).run(); or, to drive it step by step,
    record, finish and give_up a submission at a time, then flush(block=True)
    and close().

    Attributes, as the run goes on:
    graded -- {(student_id, assignment name): (items, failure or None)}: every submission recorded, failed ones too
    failed -- the student ids that could not be graded, in the order they failed
    received -- (time.time(), batch.Graded) of each task graded, in the order they came back
    waiting -- (student_id, items, timestamp) of the scores recorded but not yet in the gradebook
    flags -- {(student_id, assignment name): the timestamps.Flags of its timestamp} of every submission recorded
    skipped -- the coursedir.SkippedFolders left out (folder names that cannot be student ids)
    seconds -- how long run() took; where -- where its tasks ran, for messages (both None before run())
    """

    def __init__(self, course, assignment, todo, db_url=None, jobs=1, scheduler=None, timeout=None, unsafe=False,
                 quiet=False, skipped=()):
        """course -- the course directory; assignment -- an autograder.assignments.Assignment
        todo -- the (student_id, folder) pairs to grade (submissions())
        db_url -- the gradebook's URL (default: the course's gradebook.db); a server that cannot be reached raises
                  UsageError here
        jobs, scheduler, unsafe -- where and how to grade (batch.Pool)
        timeout -- seconds per graded function (default: the hidden tests' timeout)
        quiet -- print no progress bar and no line per student
        """
        self.course, self.assignment, self.todo = Path(course), assignment, list(todo)
        self.jobs, self.scheduler, self.unsafe, self.quiet = jobs, scheduler, unsafe, quiet
        self.timeout = assignment.hidden.timeout if timeout is None else timeout
        self.graded, self.failed, self.received, self.waiting = {}, [], [], []
        self.seconds = self.where = None
        self._protections = set()  # the protections' descriptions printed so far (one per kind of worker)
        self.gradebook = gradebook_writer(db_url, self.course, assignment)
        self.flags, self.skipped = {}, list(skipped)
        try:  # what a timestamp is checked against (autograder.outputs.timestamps), read once
            self.due_date = self.gradebook.due_date()
        except sqlalchemy.exc.SQLAlchemyError as error:
            raise _unusable(self.gradebook.db_url, error) from None
        self.exchange = timestamps.exchange(self.course, assignment.name)
        self.bar = tqdm.tqdm(total=len(self.todo), unit="submission", file=sys.stderr, dynamic_ncols=True,
                             disable=quiet or not sys.stderr.isatty())

    def say(self, text, file=None):
        """Print a line above the progress bar (default: to standard output)."""
        file = file or sys.stdout
        self.bar.write(text, file=file)
        file.flush()

    def record(self, student_id, items, failure=None):
        """Write what one submission got: results.json and the feedback now, its scores to the gradebook later."""
        name = self.assignment.name
        submitted = timestamps.check(self.course, student_id, name, self.assignment.notebook, self.due_date,
                                     self.exchange)
        results.write_results(self.course, student_id, name, items, failure, submitted)
        feedback.write_feedback(self.course, student_id, name, self.assignment.notebook, items, failure)
        self.graded[(student_id, name)] = (items, failure)
        self.flags[(student_id, name)] = submitted.flags
        self.waiting.append((student_id, items, submitted.recorded))

    def finish(self, student_id, items):
        """A submission graded: record it and say its score (a failure to record it fails it instead)."""
        try:
            self.record(student_id, items)
        except Exception as error:  # a bug of the grader's, not the student's: report it, go on
            self.give_up(student_id, f"{type(error).__name__}: {error}")
            return
        self.bar.update()
        if not self.quiet:
            self.say(f"{student_id}: {sum(i.score for i in items):g}/{sum(i.max_score for i in items):g}")
        self.flush(block=False)

    def give_up(self, student_id, reason):
        """A submission that could not be graded: its failure replaces any older grade, with zero points."""
        self.failed.append(student_id)
        self.bar.update()
        assignment = self.assignment
        zero = [grading.Item(name, 0.0, assignment.points[name], [f"not graded: {reason}"])
                for name in assignment.functions]
        try:
            self.record(student_id, zero, reason)
            kept = "recorded as not graded, with 0 points, in results.json, the gradebook and grades.csv"
        except Exception as error:
            kept = f"and the failure could not be recorded either ({type(error).__name__}: {error})"
        self.say(f"error: {student_id} could not be graded ({reason}); {kept}.", file=sys.stderr)
        self.flush(block=False)

    def flush(self, block):
        """Record the waiting scores in the gradebook, once it is open (block: wait for it to open).

        Opening it (importing nbgrader) takes seconds of CPU, which would slow the grading of a small class: it
        starts in a thread after GRADEBOOK_AFTER results (the scores wait), or at the end. A gradebook that
        cannot be opened is a usage error; a score that cannot be written fails that submission.
        """
        writer = self.gradebook
        if not writer.started() and (block or len(self.graded) >= GRADEBOOK_AFTER):
            writer.start()
        if not block and not writer.opened():
            return
        try:
            writer.wait()
        except sqlalchemy.exc.SQLAlchemyError as error:
            raise _unusable(writer.db_url, error) from None
        while self.waiting:
            student_id, items, timestamp = self.waiting.pop(0)
            try:
                writer.record(student_id, items, timestamp)
            except Exception as error:  # a bug of the grader's, or the database's: say so, go on
                if student_id not in self.failed:
                    self.failed.append(student_id)
                self.say(f"error: the scores of {student_id} could not be written to the gradebook "
                         f"({type(error).__name__}: {error}); its results.json and feedback are written: "
                         "grade it again.", file=sys.stderr)

    def tasks(self):
        """The batch.Tasks of the submissions to grade; one that cannot even be read is finished at once."""
        for student_id, _ in self.todo:
            data, items = grading.read_submission(self.assignment, self.course, student_id)
            if items is None:
                yield batch.Task(student_id, data)
            else:
                self.finish(student_id, items)

    def close(self):
        """Close the gradebook and the progress bar."""
        self.gradebook.close()
        self.bar.close()

    def run(self):
        """Grade every submission of todo, fill the gradebook, write grades.csv and print the summary; returns self."""
        start = time.perf_counter()
        # The gradebook opens in a thread (importing nbgrader takes seconds) after the pool has forked its processes.
        with contextlib.closing(self), \
                batch.Pool(self.jobs, self.scheduler, self.unsafe, self.gradebook.settled) as pool:
            for task, result, error in pool.grade(self.assignment.name, self.tasks(), self.timeout):
                if error is not None:
                    self.give_up(task.student_id, batch.failure_reason(error))
                    continue
                self.received.append((time.time(), result))
                self._show_protections(result.protections)
                self.finish(task.student_id, result.items)
            self.flush(block=True)
            self.where = pool.where()
        grades.update_grades_csv(self.course, self.graded,
                                 {key: [flag.id for flag in flags] for key, flags in self.flags.items()})
        self.seconds = time.perf_counter() - start
        print(f"Graded {len(self.graded) - len(self.failed)} submission(s) of {self.assignment.name}, "
              f"{len(self.failed)} failed, in {self.seconds:.1f} s ({self.where}); results in "
              f"{self.course / 'autograded'}, feedback in {self.course / 'feedback'}, grades in "
              f"{self.course / 'grades.csv'}.")
        flagged = sorted((key, flags) for key, flags in self.flags.items() if flags)
        if flagged:
            print(f"{len(flagged)} submission(s) flagged for you to look at (\"flags\" in results.json, the flags "
                  "column of grades.csv):")
            for (student_id, _), flags in flagged:
                for flag in flags:
                    print(f"  {student_id}: [{flag.id}] {flag.message}")
        return self

    def _show_protections(self, protections):
        """Print the protections of the worker that graded a result, the first time a worker reports them."""
        description = sandbox.protections_text(protections)
        if description not in self._protections:
            self._protections.add(description)
            self.say("Protections for student code" + (" (another worker)" if len(self._protections) > 1 else "")
                     + ":\n" + description)

    def table(self):
        """The table of the scores recorded (autograder.outputs.table)."""
        return table.table({key: items for key, (items, _) in self.graded.items()}, self.assignment.functions,
                           self.assignment.labels)
