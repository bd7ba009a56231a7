"""`python -m autograder gradescope`: an assignment's autograder bundle for Gradescope (autograder.gradescope).

The bundle's own entry, which Gradescope's container runs per submission (`python -m autograder.gradescope run`,
from the bundle's run_autograder), is not a command for people: it stays in autograder.gradescope.
"""

import zipfile
from pathlib import Path

from autograder import assignments, errors
from autograder.commands import arguments
from autograder.errors import BundleError
from autograder.gradescope import build, default_deadline


def add_parser(subparsers):
    parser = arguments.assignment_parser(subparsers, "gradescope", "write the Gradescope autograder bundle (a zip) "
                                         "of an assignment", course=False)
    parser.add_argument("--output", type=Path, default=Path("autograder.zip"), metavar="FILE",
                        help="the zip to write (default: autograder.zip)")
    parser.set_defaults(run=_command)


def _command(args):
    gradescope(args.assignment, args.output)
    return 0


def gradescope(assignment, output=Path("autograder.zip")):
    """Write the bundle of assignment (a name) to the zip output and say what to do with it; returns the zip's path.

    Raises UsageError (a folder, no folder to write into, a broken link among the bundle's files) or AssignmentError.
    """
    try:
        path = build(assignment, output)
    except BundleError as error:
        raise errors.UsageError(str(error)) from None
    except OSError as error:
        raise errors.UsageError(f"cannot write {output}: {error.strerror}") from None
    assignment = assignments.load(assignment)
    with zipfile.ZipFile(path) as archive:
        count = len(archive.namelist())
    print(f"Wrote {path} ({count} files, {path.stat().st_size / 1024:.0f} KB): the Gradescope autograder of "
          f"{assignment.name}, for {assignment.notebook} ({sum(assignment.points.values()):g} points, "
          f"{len(assignment.functions)} graded functions).\n"
          "On Gradescope: a Programming Assignment, Configure Autograder > Zip file upload; base image Ubuntu "
          "(setup.sh installs Python 3.11 where the image's is older); set the autograder timeout above "
          f"{default_deadline(assignment):.0f} s. setup.sh's log shows how student code is isolated in the "
          "container (`doctor`); the build fails where it cannot be.")
    return path
