"""Validate a filled-in notebook with nbgrader and give a verdict per graded function: `make check NB=...`.

    python -m tools.check path/to/Regularization.ipynb

nbgrader's validator executes the notebook and reports failing test cells;
then one line per graded function says whether its test passed, with the
first line of the test's message when it did not. Exits 0 only when every
test passes.

A read-only cell (a test cell, a cell of given code) that was edited counts
for nothing when the notebook is graded: nbgrader's autograde puts the
original back, and `python -m autograder grade` runs only the graded
functions. So this check does the same. When the notebook is one of the
release's, it runs in a copy of its release folder (the release's helpers,
not the student's copies), with every edited read-only cell restored from the
release, and says which ones were edited.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.validator import Validator

from tools.execute import kernel_config

REPO = Path(__file__).resolve().parents[1]


class _KeepingValidator(Validator):
    """nbgrader's Validator, keeping the executed notebook for the verdicts."""

    executed = None

    def _preprocess(self, nb):
        self.executed = super()._preprocess(nb)
        return self.executed


def _failure(cell):
    """The test's message from an executed test cell's error output, or None if it passed."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            lines = [line.strip() for line in output.evalue.splitlines() if line.strip()]
            message = lines[0] if lines else output.ename
            causes = [line for line in lines[1:] if line.startswith("Likely cause:")]
            if output.ename != "TestFailure":  # the public tests' messages already say what failed
                message = f"{output.ename}: {message}"
            return message + (f" {causes[0]}" if causes else "")
    return None


def _edited(cell):
    """True for a read-only cell whose source no longer matches the checksum the release gave it."""
    meta = cell.metadata.get("nbgrader", {})
    checksum = meta.get("checksum")
    return (meta.get("locked") or (meta.get("grade") and not meta.get("solution"))) and bool(checksum) \
        and utils.compute_checksum(cell) != checksum


def release_folder(notebook_path):
    """The folder release/<assignment>/ that holds a notebook of this file name, or None."""
    matches = sorted(REPO.glob(f"release/*/{notebook_path.name}"))
    return matches[0].parent if len(matches) == 1 else None


def restore_read_only_cells(notebook, original):
    """Put back the source of each edited read-only cell from the original; return their grade ids."""
    sources = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in original.cells
               if "grade_id" in cell.metadata.get("nbgrader", {})}
    restored = []
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if _edited(cell) and grade_id in sources:
            cell.source = sources[grade_id]
            restored.append(grade_id)
    return restored


def verdicts(notebook, restored=()):
    """One (name, passed, line) per graded function of an executed notebook, in notebook order.

    restored -- grade ids of the read-only cells that were edited and have been restored
    """
    cells = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
             if "nbgrader" in cell.metadata and "grade_id" in cell.metadata["nbgrader"]}
    results = []
    for grade_id, cell in cells.items():
        if not utils.is_solution(cell) or cell.cell_type != "code":
            continue
        test = cells.get(f"test_{grade_id}")
        if test is None:
            results.append((grade_id, False, "its test cell is missing: restore it from the release"))
            continue
        points = test.metadata["nbgrader"].get("points", 0)
        if _edited(test):
            results.append((grade_id, False, "its test cell was edited: restore it from the release"))
            continue
        failure = _failure(test)
        note = (" (your edits to its test cell do not count: this is the release's test, as in grading)"
                if f"test_{grade_id}" in restored else "")
        if failure is None:
            results.append((grade_id, True, f"{points}/{points} points{note}"))
        else:
            results.append((grade_id, False, f"0/{points} points{note}. {failure}"))
    return results


def validate(path, config):
    """Run nbgrader's validator on the notebook at path, print its report, and return the executed notebook."""
    validator = _KeepingValidator(config=config)
    validator.width = 10_000  # hints are shown whole, never cut at 90 characters
    validator.validate_and_print(str(path))
    return validator.executed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="the notebook to check")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        sys.exit(f"error: no notebook at {args.notebook} (usage: make check NB=path/to/notebook.ipynb)")
    try:
        notebook = nbformat.read(args.notebook, as_version=4)
    except Exception as error:  # nbformat raises several kinds of errors for unreadable files
        sys.exit(f"error: {args.notebook} is not a readable notebook ({type(error).__name__}: {error}); "
                 "if you edited it by hand, restore it from your last checkpoint or from the release")

    release = release_folder(args.notebook)
    with tempfile.TemporaryDirectory() as scratch:
        restored = []
        path = args.notebook
        if release is not None:
            restored = restore_read_only_cells(notebook, nbformat.read(release / path.name, as_version=4))
            if restored:
                print(f"{len(restored)} read-only cell(s) of {path.name} were edited ({', '.join(restored)}). "
                      "Grading puts the originals back, so this check runs the release's cells instead; "
                      f"restore them from {release.relative_to(REPO) / path.name} to see what grading sees.\n")
            copy = Path(scratch) / "notebook"
            shutil.copytree(release, copy)
            path = copy / args.notebook.name
            nbformat.write(notebook, path)
        executed = validate(path, kernel_config(scratch))
    if executed is None:  # nbgrader stopped before executing (cell types changed)
        sys.exit(1)
    results = verdicts(executed, restored)
    width = max(len(name) for name, _, _ in results)
    print()
    for name, passed, line in results:
        print(f"{'PASS' if passed else 'FAIL'}  {name:<{width}}  {line}")
    if not all(passed for _, passed, _ in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
