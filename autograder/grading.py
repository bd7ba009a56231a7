"""Grade one submitted notebook: only the graded functions run, each in a child of the worker process.

From the student's notebook the grader takes only the cells marked
``# GRADED FUNCTION: <name>``, and from those only imports and function
definitions (a leftover training call or print is not run). Everything else
the functions need (the imports and helpers of the locked cells) comes from
the instructor's source notebook. Each function runs on the hidden cases in
a process forked by the worker (autograder.worker); the results come back as
plain data and are checked here, where student code cannot reach.
"""

import ast
import functools
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from IPython.core.inputtransformer2 import TransformerManager

import public_tests
from autograder import wire
from autograder.notebook import definitions, read_cells

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = {"regularization": "autograder.regularization", "tuning": "autograder.tuning"}
KIT_PRIVATE = ("source", "autograder", "tests", "examples")  # hidden from student code, with the course's files
MARKER = "# GRADED FUNCTION: "
KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
MAX_RESPONSE_BYTES = 64 * 2**20
MAX_NOTEBOOK_BYTES = 32 * 2**20  # a real submission is well under 1 MB
MUTATED = ("{name} changed the arrays it was given (with +=, *=, /= or an item assignment): "
           "compute new arrays instead.")


class UsageError(Exception):
    """A mistake in how the grader was called (unknown assignment, missing folder...)."""


@dataclass
class Item:
    """The grade of one graded function."""
    name: str
    score: float
    max_score: float
    messages: list = field(default_factory=list)


@dataclass
class Outcome:
    """What one hidden case's calls gave: results (decoded), or an error; and whether the inputs changed."""
    results: list | None = None
    error: dict | None = None
    mutated: bool = False


@dataclass(frozen=True)
class Assignment:
    name: str
    spec: object  # the module with NOTEBOOK, SOURCE_NOTEBOOK, GRADED_FUNCTIONS, cases(), summarise()
    points: dict
    setup: str
    support: tuple  # files the release gives students, copied into each worker's folder

    @property
    def notebook(self):
        return self.spec.NOTEBOOK


@functools.cache
def load_assignment(name):
    """The assignment called name, with its points and setup read from the source notebook."""
    if name not in ASSIGNMENTS:
        raise UsageError(f"no assignment {name!r} in this course kit (there are: {', '.join(sorted(ASSIGNMENTS))})")
    spec = importlib.import_module(ASSIGNMENTS[name])
    cells = read_cells(spec.SOURCE_NOTEBOOK)
    points = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id", "").startswith("test_"):
            points[meta["grade_id"].removeprefix("test_")] = float(meta["points"])
    # The setup is what the locked cells define; not the graded cells, nor the test cells.
    locked = [cell for cell in cells if not cell["source"].startswith(MARKER)
              and not cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    setup = ast.unparse(definitions(locked, spec.SOURCE_NOTEBOOK))
    release = REPO / "release" / name
    support = tuple(sorted(p for p in release.glob("*.py")))
    return Assignment(name, spec, points, setup, support)


def student_code(source, name):
    """The imports and function and class definitions of a graded cell, other statements blanked out.

    Blank lines keep the line numbers of the cell, so tracebacks point at the student's lines.

    Returns:
    code -- the code to run, or None
    problem -- None, or why the cell cannot be used
    """
    source = TransformerManager().transform_cell(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return None, (f"the cell of {name} has a syntax error at line {error.lineno}: {error.msg}. "
                      "Run the cell in Jupyter to see where, and fix it.")
    lines = source.splitlines()
    for node in tree.body:
        if not isinstance(node, KEPT_STATEMENTS):
            for number in range(node.lineno - 1, node.end_lineno):
                lines[number] = ""
    if not any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body):
        return None, f"the cell marked GRADED FUNCTION: {name} does not define a function called {name}."
    return "\n".join(lines) + "\n", None


STUB = re.compile(r"^\s*[A-Za-z_]\w*( *, *[A-Za-z_]\w*)* = None( *, *None)*\s*(#.*)?$")


def not_started(source):
    """True when every statement between START and END CODE HERE is still a `name = None` stub."""
    inside, statements = False, []
    for line in source.splitlines():
        if "### START CODE HERE ###" in line:
            inside = True
        elif "### END CODE HERE ###" in line:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            statements.append(line)
    return bool(statements) and all(STUB.match(line) for line in statements)


def graded_cells(notebook):
    """The source of each graded cell, by function name (a list: a student may duplicate a cell)."""
    cells = {}
    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str) \
                and cell.source.startswith(MARKER):
            name = cell.source.splitlines()[0].removeprefix(MARKER).strip()
            cells.setdefault(name, []).append(cell.source)
    return cells


def describe_error(name, error):
    """A message for an exception raised by a student's function (error as sent by the worker)."""
    message = f"{name} raised {error.get('type', 'an error')}: {error.get('message', '')}"
    for line in error.get("trace", []):
        message += f"\n  at {line}"
    if "NoneType" in message:
        message += f"\n  Likely cause: {public_tests.STILL_NONE}."
    return message


def judge(name, case, outcome):
    """The problems of one case's outcome (an empty list when it passes)."""
    if outcome.error is not None:
        return [describe_error(name, outcome.error)]
    odd = wire.contains_unsupported(outcome.results)
    if odd is not None:
        return [f"{name} returned {odd!r}. Only plain values count: Python numbers, numpy numbers and arrays "
                "of numbers, and tuples, lists and dicts of these."]
    problems = case.check(case, outcome.results)
    if not problems and outcome.mutated:
        problems = [MUTATED.format(name=name)]
    return problems


def verdict(assignment, name, outcomes):
    """The Item of a graded function from its cases' outcomes (all or nothing)."""
    cases = assignment.spec.cases(name)
    failures = [(case.label, problems) for case, outcome in zip(cases, outcomes)
                if (problems := judge(name, case, outcome))]
    points = assignment.points[name]
    if failures:
        return Item(name, 0.0, points, assignment.spec.summarise(name, failures, len(cases)))
    return Item(name, points, points, [f"{name} passes all {len(cases)} hidden tests."])


class Worker:
    """The worker process of a grading run (autograder.worker), which forks a child per job.

    Use as a context manager. The worker runs the setup once; a child runs one student's
    function on its hidden cases, in a folder of its own, within the time limit.
    """

    def __init__(self, assignment, hidden=()):
        """hidden -- paths that student code must not see (the course's grading files)"""
        self.assignment = assignment
        self.process = None
        self.protections = None
        self._support = tempfile.TemporaryDirectory(prefix="grading-")
        for path in assignment.support:
            shutil.copy(path, self._support.name)
        hidden = [str(path.resolve()) for path in (*hidden, *(REPO / name for name in KIT_PRIVATE))]
        self._start_message = json.dumps({"setup": assignment.setup, "hidden": hidden, "cases": {
            name: [{"args": wire.encode(case.args), "seed": case.seed, "repeat": case.repeat,
                    "select": [list(path) for path in case.select]} for case in assignment.spec.cases(name)]
            for name in assignment.spec.GRADED_FUNCTIONS}})

    def __enter__(self):
        self._start()
        return self

    def __exit__(self, *exc_info):
        self._stop()
        self._support.cleanup()

    def _start(self):
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": self._support.name, "MPLBACKEND": "Agg",
                       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
                       "AUTOGRADER_WITHOUT": os.environ.get("AUTOGRADER_WITHOUT", "")}
        self.process = subprocess.Popen([sys.executable, "-I", "-m", "autograder.worker"], cwd=self._support.name,
                                        env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        self._send(self._start_message)
        ready = self.process.stdout.readline()
        if not ready:
            raise RuntimeError("the grading worker could not start: run `python -m autograder doctor` to see why")
        self.protections = json.loads(ready)["protections"]

    def _send(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def _stop(self):
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None

    def run(self, name, code, timeout):
        """Run a student's function on its hidden cases.

        Returns:
        outcomes -- one Outcome per case, or None
        problem -- None, or a message when the function could not be run to the end
        """
        if self.process is None or self.process.poll() is not None:
            self._stop()
            self._start()
        with tempfile.TemporaryDirectory(prefix="job-", ignore_cleanup_errors=True) as folder:
            for path in self.assignment.support:
                shutil.copy(path, folder)
            self._send(json.dumps({"student": code, "function": name, "folder": folder, "timeout": timeout}))
            line = self.process.stdout.readline()
            if not line:
                self._stop()
                return None, f"the grader's worker stopped while running {name}; grade this submission again."
            ending = json.loads(line)
            if ending["status"] == "timeout" or ending == {"status": "signal", "signal": signal.SIGXCPU}:
                return None, (f"{name} did not finish within {timeout:g} seconds on the hidden tests "
                              "(an infinite loop, or a very long computation?).")
            response_path = Path(folder) / "response.json"
            if ending == {"status": "exit", "code": 71}:
                return None, f"the sandbox for {name} could not be set up; run `python -m autograder doctor`."
            if ending != {"status": "exit", "code": 0} or not response_path.is_file():
                how = (f"killed by signal {ending['signal']}" if ending["status"] == "signal"
                       else f"exit status {ending.get('code')}")
                return None, (f"the process running {name} stopped before answering ({how}): the function, "
                              "or code it calls, ended the program or crashed it.")
            if response_path.stat().st_size > MAX_RESPONSE_BYTES:
                return None, f"{name} returned more data than any answer needs."
            response = response_path.read_bytes()
        return _parse_response(name, response, len(self.assignment.spec.cases(name)))


def _parse_response(name, response, count):
    unreadable = None, f"the answer of the process running {name} could not be read."
    if len(response) > MAX_RESPONSE_BYTES:
        return unreadable
    try:
        data = json.loads(response)
        if type(data) is not dict:
            return unreadable
        if "load_error" in data:
            error = data["load_error"]
            return None, describe_error(name, error if type(error) is dict else {}) + \
                "\n  (This happened while the cell's imports and definitions were run.)"
        calls = data["calls"]
        if type(calls) is not list or len(calls) != count:
            return unreadable
        outcomes = []
        for call in calls:
            if type(call) is dict and type(call.get("error")) is dict:
                error = {k: str(v) if k != "trace" else [str(x) for x in v][:5]
                         for k, v in call["error"].items() if k in ("type", "message", "trace")}
                outcomes.append(Outcome(error=error))
            else:
                results = wire.decode(call["results"])
                if type(results) is not list:
                    return unreadable
                outcomes.append(Outcome(results=results, mutated=call.get("mutated") is True))
        return outcomes, None
    except (ValueError, KeyError, TypeError, wire.WireError):
        return unreadable


def read_submission(assignment, folder):
    """The submitted notebook of a submission folder, as bytes, unless it cannot be graded.

    Returns:
    data -- the notebook file's bytes, or None
    items -- None, or the Items of a submission that cannot be graded (no notebook, too large)
    """
    path = folder / assignment.notebook
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        message = (f"no {assignment.notebook} in the submission"
                   + (f" (found: {', '.join(others)}); submit the notebook under its original name."
                      if others else "."))
    elif (size := path.stat().st_size) > MAX_NOTEBOOK_BYTES:
        message = (f"{path.name} is {size / 2**20:.0f} MB, more than any submission needs "
                   f"({MAX_NOTEBOOK_BYTES // 2**20} MB at most): clear its outputs and submit it again.")
    else:
        return path.read_bytes(), None
    return None, [Item(name, 0.0, assignment.points[name], [message]) for name in assignment.spec.GRADED_FUNCTIONS]


def grade_notebook(assignment, data, timeout, worker):
    """Grade a submitted notebook (its file's bytes): one Item per graded function, in the assignment's order."""
    import nbformat  # here, not at the top: kernels that run the hidden tests need not pay its import

    items = {name: Item(name, 0.0, assignment.points[name]) for name in assignment.spec.GRADED_FUNCTIONS}
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = graded_cells(notebook)
    except Exception as error:  # nbformat raises many kinds of errors on damaged files
        reason = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
        for item in items.values():
            item.messages.append(f"{assignment.notebook} could not be read as a notebook ({reason}). "
                                 "Submit the .ipynb file saved by Jupyter.")
        return list(items.values())
    for name, item in items.items():
        sources = cells.get(name)
        if not sources:
            item.messages.append(f"no cell starts with '{MARKER}{name}': restore the cell from the release "
                                 "and write your code in it.")
            continue
        if len(sources) > 1:
            item.messages.append(f"{len(sources)} cells are marked GRADED FUNCTION: {name}; the last one is graded.")
        if not_started(sources[-1]):
            item.messages.append(f"{name} is not done yet: the lines between START CODE HERE and END CODE HERE "
                                 "are still `None`.")
            continue
        code, problem = student_code(sources[-1], name)
        if problem:
            item.messages.append(problem)
            continue
        outcomes, problem = worker.run(name, code, timeout)
        if problem:
            item.messages.append(problem)
            continue
        graded = verdict(assignment, name, outcomes)
        item.score, item.messages = graded.score, item.messages + graded.messages
    return list(items.values())
