"""The course's assignments, discovered from source/: each is one folder, and each graded function is declared once.

source/<name>/ holds everything an assignment adds:

- its notebook (exactly one .ipynb). A graded function is an nbgrader solution
  cell whose grade_id is the function's name and whose first line is
  ``# GRADED FUNCTION: <name>``, followed by its test cell ``test_<name>``,
  which holds the points;
- public_tests.py: the documented cases, the checks and the visible tests
  (released to students);
- hidden_tests.py: ``HIDDEN``, an ``autograder.cases.HiddenTests`` (never released);
- mutants.py: ``MUTANTS``, ``CORRECT`` and ``EXAMPLES`` (never released; see tools/variants.py);
- links to the course-wide files it uses (reg_utils.py, testCases.py, checking.py, datasets/).

Everything else (release, grading, examples, tests, benchmark) finds the
assignments here. Loading one checks that its notebook and its hidden tests
agree, and says what to fix when they do not.
"""

import ast
import functools
import importlib
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from autograder.cases import HiddenTests
from autograder.cells import MARKER
from autograder.notebook import definitions, read_cells

COURSE = Path(__file__).resolve().parents[1]
SOURCE = COURSE / "source"
PRIVATE = ("hidden_tests.py", "mutants.py")  # files of source/<name>/ that never reach students
PACKAGE = "course_assignments"  # the modules of source/<name>/ are imported as course_assignments.<name>.<module>


class AssignmentError(Exception):
    """An assignment that does not exist, or whose parts disagree: the message says what to fix."""


@dataclass(frozen=True)
class Assignment:
    """One assignment, as its source folder declares it.

    functions -- the graded functions, in notebook order
    points -- {function: points}, from the test cells' metadata
    setup -- the imports and definitions of the notebook's read-only cells, which the graded functions may use
    support -- the helper files the release gives students (resolved paths), bound into each sandbox
    """
    name: str
    source_notebook: Path
    functions: tuple
    points: dict
    hidden: HiddenTests
    setup: str
    support: tuple

    @property
    def notebook(self):
        """The notebook's file name, the same in the source, the release and every submission."""
        return self.source_notebook.name

    @property
    def labels(self):
        """{function: short column title for score tables}."""
        return self.hidden.labels

    def cases(self, function):
        return self.hidden.cases(function)


def names():
    """The assignments: the folders of source/ that hold a notebook."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def module(name, part):
    """The module part (public_tests, hidden_tests, mutants) of an assignment, imported from its folder.

    Each assignment's modules live in a package of their own, so that two public_tests.py never meet.
    """
    package = f"{PACKAGE}.{name}"
    if PACKAGE not in sys.modules:
        sys.modules[PACKAGE] = types.ModuleType(PACKAGE)
        sys.modules[PACKAGE].__path__ = []
    if package not in sys.modules:
        holder = types.ModuleType(package)
        holder.__path__ = [str(SOURCE / name)]
        sys.modules[package] = holder
    return importlib.import_module(f"{package}.{part}")


def _notebook(name):
    folder = SOURCE / name
    if name not in names():
        raise AssignmentError(f"no assignment {name!r} in {SOURCE.relative_to(COURSE)}/ "
                              f"(there are: {', '.join(names()) or 'none'})")
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise AssignmentError(f"{name}: source/{name}/ should hold one notebook, but it holds "
                              f"{', '.join(p.name for p in notebooks)}: keep the assignment's and move the others")
    return notebooks[0]


def declared_points(name, cells):
    """{function: points} for the graded cells of a notebook's cells, in notebook order; raises AssignmentError."""
    where = f"{name}: source/{name}"
    meta = [cell.get("metadata", {}).get("nbgrader", {}) for cell in cells]
    tests = {m["grade_id"]: m for m in meta if m.get("grade") and m.get("grade_id")}
    points = {}
    for cell, m in zip(cells, meta):
        marked = cell["source"].startswith(MARKER)
        function = cell["source"].splitlines()[0].removeprefix(MARKER).strip() if marked else None
        if not marked and not (m.get("solution") and f"test_{m.get('grade_id')}" in tests):
            continue
        if not m.get("solution") or m.get("grade_id") != function:
            raise AssignmentError(
                f"{where}: the cell of {function or m.get('grade_id')} should be an nbgrader solution cell "
                f"(\"Autograded answer\") whose grade_id is the function's name and whose first line is "
                f"`{MARKER}{function or m.get('grade_id')}`: fix its metadata or its first line")
        test = tests.get(f"test_{function}")
        if test is None or not test.get("points"):
            raise AssignmentError(f"{where}: the graded function {function} has no test cell test_{function} with "
                                  "points: add one after it (nbgrader \"Autograder tests\", grade_id "
                                  f"test_{function}) and give it its points")
        points[function] = float(test["points"])
    return points


def _hidden(name, functions):
    where = f"{name}: source/{name}/hidden_tests.py"
    if not (SOURCE / name / "hidden_tests.py").exists():
        raise AssignmentError(f"{where} is missing: it declares HIDDEN, the hidden cases of "
                              f"{', '.join(functions)} (see the README, 'Add an assignment')")
    hidden = getattr(module(name, "hidden_tests"), "HIDDEN", None)
    if not isinstance(hidden, HiddenTests):
        raise AssignmentError(f"{where} should define HIDDEN = HiddenTests(labels=..., cases=..., contracts=...), "
                              f"but HIDDEN is {type(hidden).__name__}")
    missing = [f for f in functions if f not in hidden.labels]
    if missing:
        raise AssignmentError(f"{where}: the notebook grades {', '.join(missing)}, which HIDDEN does not: add "
                              "each to HIDDEN.labels and give it cases in cases(); a graded function without "
                              "hidden tests would be left out of the grade")
    extra = [f for f in hidden.labels if f not in functions]
    if extra:
        raise AssignmentError(f"{where}: HIDDEN has cases for {', '.join(extra)}, which the notebook does not "
                              "grade: add its graded cell and its test cell with points to the notebook, or "
                              "remove it from HIDDEN")
    for function in functions:
        cases = hidden.cases(function)
        if not cases or not cases[0].documented:
            raise AssignmentError(f"{where}: cases({function!r}) should return the documented case first "
                                  "(documented=True), then the hidden ones")
        labels = [case.label for case in cases]
        if len(set(labels)) != len(labels):
            raise AssignmentError(f"{where}: two cases of {function} have the same label: give each its own "
                                  "(the label names the case in feedback, and the solution's answer to it)")
        contract = hidden.contracts.get(function)
        if not contract:
            raise AssignmentError(f"{where}: HIDDEN.contracts has no clause for {function}: write its contract as "
                                  "Clause(sentence, cases that enforce it, mutants that break it), one per sentence")
        for clause in contract:
            if not clause.cases or not clause.mutants:
                raise AssignmentError(f"{where}: the clause {clause.text!r} of {function} needs at least one case "
                                      "that enforces it and one mutant that breaks it")
            try:
                clause.matching(cases)
            except ValueError as error:
                raise AssignmentError(f"{where}: {function}: {error}") from None
    return hidden


@functools.cache
def _declared(name):
    """(notebook path, its cells, {function: points}) of an assignment, from its notebook alone."""
    notebook = _notebook(name)
    cells = read_cells(notebook)
    points = declared_points(name, cells)
    if not points:
        raise AssignmentError(f"{name}: {notebook.relative_to(COURSE)} has no graded function")
    return notebook, cells, points


@functools.cache
def load(name):
    """The assignment called name, checked: its notebook's graded functions are the ones its hidden tests grade."""
    notebook, cells, points = _declared(name)
    hidden = _hidden(name, tuple(points))
    # The setup is what the read-only cells define; not the graded cells, nor the test cells.
    locked = [cell for cell in cells if not cell["source"].startswith(MARKER)
              and not cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    setup = ast.unparse(definitions(locked, notebook))
    support = tuple(sorted((p.resolve() for p in notebook.parent.glob("*.py") if p.name not in PRIVATE),
                           key=lambda p: p.name))
    return Assignment(name, notebook, tuple(points), points, hidden, setup, support)


@functools.cache
def grading(function):
    """The assignment that grades a function of this name (function names are unique in the course)."""
    owners = [name for name in names() if function in _declared(name)[2]]
    if len(owners) != 1:
        raise AssignmentError(f"{len(owners)} assignments grade a function called {function!r}"
                              + (f" ({', '.join(owners)}): rename one" if owners else ""))
    return load(owners[0])
