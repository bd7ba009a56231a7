"""Hidden tests run inside a notebook's kernel, for `nbgrader autograde` and the instructor notebooks.

The test cells of the source notebooks call ``hidden.test(name, function)``
between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``; nbgrader
removes those lines from the release and puts them back when it grades. The
cases and checks are those of the assignment that grades the function (its
source/<assignment>/hidden_tests.py), but here the student's function runs in
the same process as the checks, as nbgrader does it: `python -m autograder
grade` runs it in a sandbox's worker instead.
"""

import copy

import numpy as np

from autograder import assignments, grading
from autograder.inside.worker import call_case, error_data


def outcomes(name, function):
    """The Outcome of each hidden case of a graded function, run in this process, in the order of its cases."""
    found = []
    for case in assignments.grading(name).cases(name):
        try:
            with np.errstate(all="ignore"):  # a wrong function's overflows are reported as wrong values
                results, facts = call_case(function, copy.deepcopy(case.args), case.seed, case.repeat, case.select)
        except Exception as error:
            found.append(grading.Outcome(error=error_data(error, function.__code__.co_filename)))
            continue
        found.append(grading.Outcome(results=results, **facts))
    return found


def run(name, function):
    """Run the hidden cases of one graded function in this process.

    Returns:
    problems -- list of messages, empty when every case passes
    """
    item = grading.verdict(assignments.grading(name), name, outcomes(name, function))
    return [] if item.score == item.max_score else item.messages


def failures(name, function):
    """{case id: messages} of the hidden cases of a graded function that fail, run in this process."""
    cases = assignments.grading(name).cases(name)
    return {case.id: list(map(str, problems)) for case, outcome in zip(cases, outcomes(name, function))
            if (problems := grading.judge(name, case, outcome))}


def test(name, function):
    """Run the hidden cases of a graded function; raise AssertionError if any fails."""
    problems = run(name, function)
    if problems:
        raise AssertionError("\n".join(problems))
    print(f"{name}: hidden tests passed.")
