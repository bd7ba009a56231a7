"""Validate a filled-in notebook with nbgrader and give a verdict per graded function: `make check NB=...`.

    python -m tools.check path/to/Regularization.ipynb

nbgrader's validator executes the notebook in its folder and reports failing
test cells and edited read-only cells; then one line per graded function says
whether its test passed, with the first line of the test's message when it
did not. Exits 0 only when every test passes and no read-only cell was edited.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.validator import Validator

from tools.execute import kernel_config


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


def verdicts(notebook):
    """One (name, passed, line) per graded function of an executed notebook, in notebook order."""
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
        checksum = test.metadata["nbgrader"].get("checksum")
        if checksum and utils.compute_checksum(test) != checksum:
            results.append((grade_id, False, "its test cell was edited: restore it from the release"))
            continue
        failure = _failure(test)
        if failure is None:
            results.append((grade_id, True, f"{points}/{points} points"))
        else:
            results.append((grade_id, False, f"0/{points} points. {failure}"))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="the notebook to check")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        sys.exit(f"error: no notebook at {args.notebook} (usage: make check NB=path/to/notebook.ipynb)")
    try:
        nbformat.read(args.notebook, as_version=4)
    except Exception as error:  # nbformat raises several kinds of errors for unreadable files
        sys.exit(f"error: {args.notebook} is not a readable notebook ({type(error).__name__}: {error}); "
                 "if you edited it by hand, restore it from your last checkpoint or from the release")

    with tempfile.TemporaryDirectory() as sockets:
        validator = _KeepingValidator(config=kernel_config(sockets))
        validator.validate_and_print(str(args.notebook))
    if validator.executed is None:  # nbgrader stopped before executing (cell types changed)
        sys.exit(1)
    results = verdicts(validator.executed)
    width = max(len(name) for name, _, _ in results)
    print()
    for name, passed, line in results:
        print(f"{'PASS' if passed else 'FAIL'}  {name:<{width}}  {line}")
    if not all(passed for _, passed, _ in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
