"""The grader's command line.

    python -m autograder grade <assignment> [--course-dir DIR] [--student ID ...] [--timeout SECONDS] [--db URL]
    python -m autograder doctor

Grades every submitted/<student_id>/<assignment>/ folder of the course
directory (nbgrader's layout; default: the current directory) and writes, per
submission, autograded/<student_id>/<assignment>/results.json,
feedback/<student_id>/<assignment>/<notebook>.html and the scores into
nbgrader's gradebook.db; then grades.csv for all. The assignments (their
solutions, hidden tests and release) come from this course kit.
Exits 0 when every submission was graded, whatever the scores; 2 on a usage
error, with a message that says what to do. `doctor` prints which
protections for student code (see autograder.sandbox) work on this machine;
`grade` prints the same report when it starts.
"""

import argparse
import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path

import sqlalchemy

from autograder import grading, report, sandbox

COURSE_PRIVATE = ("gradebook.db", "grades.csv", "submitted", "autograded", "feedback", "source")


def submissions(course, assignment, students):
    """The (student_id, folder) pairs to grade, sorted by student."""
    submitted = course / "submitted"
    found = {p.parent.name: p for p in sorted(submitted.glob(f"*/{assignment}")) if p.is_dir()}
    if not found:
        raise grading.UsageError(f"no submissions of {assignment!r} in {submitted}/ "
                                 f"(expected folders {submitted}/<student_id>/{assignment}/)")
    if students:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise grading.UsageError(f"no submission of {assignment!r} by {', '.join(unknown)} "
                                     f"(there are submissions by: {', '.join(found)})")
        found = {student: found[student] for student in students}
    return sorted(found.items())


def grade_submission(args, course, assignment, gradebook, worker, student_id, folder):
    """Grade one submission folder and write its results, feedback and gradebook entries."""
    notebook = folder / assignment.notebook
    if notebook.is_file():
        items = grading.grade_notebook(assignment, notebook, args.timeout, worker)
    else:
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        message = (f"no {assignment.notebook} in the submission"
                   + (f" (found: {', '.join(others)}); submit the notebook under its original name."
                      if others else "."))
        items = [grading.Item(name, 0.0, assignment.points[name], [message])
                 for name in assignment.spec.GRADED_FUNCTIONS]
    report.write_results(course, student_id, assignment.name, items)
    report.write_feedback(course, student_id, assignment.name, assignment.notebook, items)
    gradebook.record(student_id, items)
    if not args.quiet:
        print(f"{student_id}: {sum(i.score for i in items):g}/{sum(i.max_score for i in items):g}", flush=True)
    return items


def grade(args):
    course = args.course_dir
    if not course.is_dir():
        raise grading.UsageError(f"no course directory at {course} (give one with --course-dir)")
    if args.timeout is not None and args.timeout <= 0:
        raise grading.UsageError("--timeout must be a positive number of seconds")
    assignment = grading.load_assignment(args.assignment)
    if args.timeout is None:
        args.timeout = assignment.spec.TIMEOUT
    todo = submissions(course, assignment.name, args.student)
    with exclusive(course):
        if args.db is None:
            check_gradebook(course / "gradebook.db")
        failed = run(args, course, assignment, todo)
    if failed:
        print(f"error: {len(failed)} submission(s) could not be graded: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


def check_gradebook(path):
    """Refuse a gradebook that is not an SQLite database rather than overwrite it; say when one is created."""
    if not path.exists():
        print(f"No gradebook at {path}: creating one.")
    elif path.stat().st_size and path.read_bytes()[:16] != b"SQLite format 3\x00":
        raise grading.UsageError(f"{path} is not an SQLite database (damaged?). Nothing was changed: restore it "
                                 "from a backup, or move it aside to start a new gradebook.")


@contextlib.contextmanager
def exclusive(course):
    """One grading run at a time per course directory (a lock in autograded/)."""
    lock_path = course / "autograded" / ".grading.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise grading.UsageError(f"another grading run is using {course}; wait for it to finish "
                                     "(nothing was changed)") from None
        yield


def _safe(db_url):
    """A database URL without its password, for messages."""
    return sqlalchemy.engine.make_url(db_url).render_as_string(hide_password=True)


def run(args, course, assignment, todo):
    """Grade the submissions; returns the students that could not be graded."""
    graded, failed = {}, []
    start = time.perf_counter()
    private = [course / name for name in COURSE_PRIVATE]
    db_url = args.db or f"sqlite:///{(course / 'gradebook.db').resolve()}"
    gradebook = report.GradebookWriter(db_url, assignment)
    try:
        gradebook.open()
    except sqlalchemy.exc.SQLAlchemyError as error:
        gradebook.close()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise grading.UsageError(f"cannot use the gradebook at {_safe(db_url)}: {reason}") from None
    with contextlib.closing(gradebook), grading.Worker(assignment, private) as worker:
        print("Protections for student code:\n" + sandbox.describe(worker.protections), flush=True)
        for student_id, folder in todo:
            try:
                graded[(student_id, assignment.name)] = grade_submission(args, course, assignment, gradebook,
                                                                         worker, student_id, folder)
            except Exception as error:  # a bug of the grader's, not the student's: report it, go on
                failed.append(student_id)
                print(f"error: {student_id} could not be graded ({type(error).__name__}: {error}); "
                      "their previous results, if any, are unchanged.", file=sys.stderr, flush=True)
    report.update_grades_csv(course, graded)
    seconds = time.perf_counter() - start
    print(f"Graded {len(graded)} submission(s) of {assignment.name} in {seconds:.1f} s; "
          f"results in {course / 'autograded'}, feedback in {course / 'feedback'}, grades in {course / 'grades.csv'}.")
    if args.table:
        print()
        print(report.table(graded, assignment.spec.GRADED_FUNCTIONS, assignment.spec.LABELS))
    return failed


def parser():
    main_parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    grade_parser = commands.add_parser("grade", help="grade the submissions of an assignment")
    grade_parser.add_argument("assignment", help="assignment name, e.g. regularization")
    grade_parser.add_argument("--course-dir", type=Path, default=Path("."), help="default: the current directory")
    grade_parser.add_argument("--student", nargs="+", metavar="ID", help="grade only these students")
    grade_parser.add_argument("--timeout", type=float,
                              help="seconds of wall-clock and CPU time per graded function "
                                   "(default: the assignment's, 10 for regularization)")
    grade_parser.add_argument("--db", metavar="URL",
                              help="nbgrader gradebook URL, e.g. postgresql://user:password@host/gradebook "
                                   "(default: sqlite:///COURSE_DIR/gradebook.db)")
    grade_parser.add_argument("--table", action="store_true", help="print a table of the scores at the end")
    grade_parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    commands.add_parser("doctor", help="report which protections for student code work on this machine")
    return main_parser


def doctor():
    print("Protections for student code on this machine:\n" + sandbox.describe(sandbox.probe()))


def main(argv=None):
    args = parser().parse_args(argv)
    # nbgrader's gradebook runs `alembic` from PATH: the one installed beside this interpreter.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    try:
        if args.command == "doctor":
            doctor()
        else:
            grade(args)
    except grading.UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
