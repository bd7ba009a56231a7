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

(or `autograder <command> ...`, the script that installing the kit puts in
the virtual environment). Every operation an instructor runs on a course is a
command here; maintaining the kit is `python -m tools.<name>`.

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

A module per command (grade, export, report, similarity, gradescope,
doctor): its add_parser(subparsers) declares the command's options, and a
plain function of the same name does the work from ordinary arguments, for
the command line and for code alike (commands.grade.grade,
commands.report.report...). arguments holds what several commands share.
"""

import argparse
import sys

from autograder import errors
from autograder.commands import doctor, export, grade, gradescope, report, similarity

COMMANDS = (grade, export, report, similarity, gradescope, doctor)  # in the order `--help` lists them


def parser():
    """The parser of the whole command line: a subcommand per module of COMMANDS."""
    main_parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    subparsers = main_parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return main_parser


def main(argv=None):
    """Run the command that argv (default: the process's arguments) gives; exits with 1 or 2 when it fails.

    Each command's parser has a default `run`: a function of the parsed arguments that returns the exit status.
    """
    args = parser().parse_args(argv)
    try:
        status = args.run(args)
    except (errors.UsageError, errors.AssignmentError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except PermissionError as error:  # the course directory, or a file in it, is not the grader's to use
        print(f"error: permission denied on {error.filename}: run the grader as a user who may read and write the "
              "course directory (nothing was graded from there on).", file=sys.stderr)
        sys.exit(2)
    if status:
        sys.exit(status)
