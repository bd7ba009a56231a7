"""Hidden tests run inside a notebook's kernel, for `nbgrader autograde` and the instructor notebooks.

The test cells of the source notebooks call ``hidden.test(name, function)``
between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``; nbgrader
removes those lines from the release and puts them back when it grades. The
cases and checks are the autograder's (the spec module of the assignment that
grades the function: autograder.regularization, autograder.tuning), but here
the student's function runs in the same process as the checks, as nbgrader
does it: `python -m autograder grade` runs it in a separate worker instead.
"""

import copy
import importlib

import numpy as np

from autograder import grading
from autograder.worker import describe, select, unchanged


def spec_of(name):
    """The spec module of the assignment whose graded functions include name."""
    for module in grading.ASSIGNMENTS.values():
        spec = importlib.import_module(module)
        if name in spec.GRADED_FUNCTIONS:
            return spec
    raise ValueError(f"no assignment of this course kit grades a function called {name!r}")


def run(name, function):
    """Run the hidden cases of one graded function in this process.

    Returns:
    problems -- list of messages, empty when every case passes
    """
    spec = spec_of(name)
    outcomes = []
    for case in spec.cases(name):
        args = copy.deepcopy(case.args)
        if case.seed is not None:
            np.random.seed(case.seed)
        try:
            with np.errstate(all="ignore"):  # a wrong function's overflows are reported as wrong values
                results = [function(*args) for _ in range(case.repeat)]
        except Exception as error:
            outcomes.append(grading.Outcome(error=describe(error, function.__code__.co_filename)))
            continue
        if case.select:
            results = [select(result, case.select) for result in results]
        outcomes.append(grading.Outcome(results=results, mutated=not unchanged(case.args, args)))
    assignment = grading.load_assignment(spec.NAME)
    item = grading.verdict(assignment, name, outcomes)
    return [] if item.score == item.max_score else item.messages


def test(name, function):
    """Run the hidden cases of a graded function; raise AssertionError if any fails."""
    problems = run(name, function)
    if problems:
        raise AssertionError("\n".join(problems))
    print(f"{name}: hidden tests passed.")
