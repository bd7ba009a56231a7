"""Grade one notebook as grading will, in its sandbox, and give a verdict per graded function: `make check NB=...`.

    python -m tools.check path/to/Regularization.ipynb [--assignment NAME]

The notebook is code someone else wrote, so it never runs here. The check
makes a private course directory in a new temporary folder (mode 700), puts
the notebook in it as the one submission, submitted/check/<assignment>/
under the assignment's notebook name, and grades it with `python -m
autograder grade --quiet`: the grader's own path, in its sandbox, refused as
`grade` refuses where no isolation layer can be had. Each graded function's
verdict, its points and the first of its messages, is read from the
results.json that grading writes, never from the notebook's outputs. The
folder is removed afterwards; $AUTOGRADER_DB_URL is not passed on, so that
no class's gradebook receives the check's scores.

The assignment is --assignment, else the one whose graded functions the
notebook's nbgrader cells (grade ids) name, else the one whose notebook has
the same file name; the check stops when it cannot tell.

Read-only cells (test cells, given code) whose nbgrader checksum no longer
matches are named: grading runs only the graded functions, with the
instructor's setup, so such edits count for nothing. The checksums are
computed from the cells' text; nothing in the notebook is run to find them.

Exit status: 0 when every graded function gets its points; 1 when some do not,
or the notebook could not be graded; 2 on a usage error (no notebook, not a
notebook, an assignment that cannot be told, no sandbox on this machine).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder import assignments, errors
from autograder.coursedir import CourseDirectory
from autograder.outputs.files import number

KIT = Path(__file__).resolve().parents[1]
STUDENT = "check"  # the one student of the private course directory
SHOWN_MESSAGES = 2  # messages shown per failing function: the summary line and the first case's problem
DB_VARIABLE = "AUTOGRADER_DB_URL"  # the gradebook grading would otherwise write to


def read_notebook(path):
    """The bytes of the notebook at path and the notebook they hold (parsed, never run); raises UsageError."""
    path = Path(path)
    if not path.is_file():
        raise errors.UsageError(f"no notebook at {path} (usage: make check NB=path/to/notebook.ipynb)")
    data = path.read_bytes()
    try:
        return data, nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # nbformat raises several kinds of errors for unreadable files
        raise errors.UsageError(f"{path} is not a readable notebook ({type(error).__name__}: {error}); if you "
                                "edited it by hand, restore it from your last checkpoint or from the release") from None


def find_assignment(notebook, file_name, name=None):
    """The Assignment a notebook is for: name (--assignment), else the one whose graded functions its solution
    cells' grade ids name, else the one whose notebook is called file_name. Raises UsageError (AssignmentError
    for an unknown name)."""
    if name:
        return assignments.load(name)
    ids = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells
           if cell.metadata.get("nbgrader", {}).get("solution")}
    every = [assignments.load(candidate) for candidate in assignments.names()]
    by_cells = [assignment for assignment in every if ids & set(assignment.functions)]
    if len(by_cells) == 1:
        return by_cells[0]
    by_name = [assignment for assignment in (by_cells or every) if assignment.notebook == file_name]
    if len(by_name) == 1:
        return by_name[0]
    found = (f"its graded cells are those of {' and '.join(a.name for a in by_cells)}" if by_cells else
             "none of its cells is a graded function of an assignment, and no assignment's notebook has its name")
    raise errors.UsageError(f"cannot tell which assignment {file_name} is for ({found}): give it with "
                            f"--assignment NAME (make check NB=... ASSIGNMENT=NAME), one of: "
                            f"{', '.join(assignments.names())}")


def edited_read_only_cells(notebook):
    """The grade ids of the read-only cells whose source no longer matches the checksum the release gave them
    (nbgrader's checksums, computed from the cells' text: nothing is run)."""
    from nbgrader import utils
    edited = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        read_only = meta.get("locked") or (meta.get("grade") and not meta.get("solution"))
        if read_only and meta.get("checksum") and utils.compute_checksum(cell) != meta["checksum"]:
            edited.append(meta.get("grade_id", "?"))
    return edited


def grade(assignment, data):
    """Grade the notebook's bytes as the one submission of a private course directory; returns its results.json
    content. Raises UsageError when grading refuses (exit status 2: no sandbox...), KitError when it wrote no
    result."""
    with tempfile.TemporaryDirectory(prefix="check-") as scratch:
        course = Path(scratch)
        os.chmod(course, 0o700)  # as mkdtemp makes it: only this user reaches the submission and its results
        folders = CourseDirectory(course)
        submitted = folders.format_path("submitted", STUDENT, assignment.name)
        submitted.mkdir(parents=True)
        (submitted / assignment.notebook).write_bytes(data)
        environment = {key: value for key, value in os.environ.items() if key != DB_VARIABLE}
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", assignment.name, "--course-dir",
                               str(course), "--quiet", "--jobs", "1"],
                              cwd=KIT, env=environment, capture_output=True, text=True)
        told = "\n".join(line for line in (done.stderr + done.stdout).splitlines() if line.startswith("error:"))
        if done.returncode == 2:
            raise errors.UsageError(told.removeprefix("error: ") or f"grading refused (exit status 2): "
                                                                     f"{done.stderr.strip()}")
        try:
            return json.loads(folders.results(STUDENT, assignment.name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise errors.KitError(f"grading wrote no result (exit status {done.returncode}): "
                                  f"{told or done.stderr.strip() or done.stdout.strip()}") from None


def verdicts(document):
    """The lines that give each graded function's verdict from results.json's content, and whether all passed."""
    if document.get("status") != "graded":
        return [f"FAIL  could not be graded: {document.get('reason', 'no reason recorded')}"], False
    items = document.get("items", [])
    width = max((len(item["name"]) for item in items), default=0)
    lines, passed = [], True
    for item in items:
        full = item["score"] == item["max_score"]
        passed &= full
        points = f"{number(item['score'])}/{number(item['max_score'])}"
        messages = item.get("messages") or []
        lines.append(f"{'PASS' if full else 'FAIL'}  {item['name']:<{width}}  {points:>5}"
                     + (f"  {messages[0]}" if full and messages else ""))
        if not full:
            lines += ["      " + line for message in messages[:SHOWN_MESSAGES] for line in message.splitlines()]
    lines.append(f"Score: {number(document['score'])}/{number(document['max_score'])}")
    return lines, passed


def check(path, assignment_name=None):
    """Grade the notebook at path in the sandbox and print a verdict per graded function; returns True when all
    pass. Raises UsageError (or AssignmentError), or KitError when grading wrote no result."""
    path = Path(path)
    data, notebook = read_notebook(path)
    assignment = find_assignment(notebook, path.name, assignment_name)
    named = "" if path.name == assignment.notebook else (
        f", checked as {assignment.notebook}, the name grading expects: submit it under that name")
    print(f"{path.name}: {assignment.name}{named}. Graded as `python -m autograder grade` grades it, in its "
          "sandbox, on the hidden tests.")
    edited = edited_read_only_cells(notebook)
    if edited:
        print(f"{len(edited)} read-only cell(s) were edited ({', '.join(edited)}): grading runs only the graded "
              "functions, with the instructor's setup, so these edits count for nothing.")
    lines, passed = verdicts(grade(assignment, data))
    print()
    print("\n".join(lines))
    return passed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="the notebook to check")
    parser.add_argument("--assignment", metavar="NAME",
                        help="the assignment it is for (default: told from its graded cells, or its file name)")
    args = parser.parse_args(argv)
    try:
        passed = check(args.notebook, args.assignment)
    except errors.UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except errors.KitError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
