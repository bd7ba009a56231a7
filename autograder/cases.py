"""What every assignment's hidden tests are made of: cases, the instructor solution's answers, the summary.

An assignment's spec module (autograder.regularization, autograder.tuning)
lists its cases and their checks; this module holds what they share.
"""

import copy
import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import public_tests
from autograder.gradcheck import random_problem
from autograder.notebook import load_definitions


@dataclass(frozen=True)
class Case:
    """One hidden test of a graded function.

    label -- what the case is, for messages (never its code)
    args -- the positional arguments, plain data (see autograder.wire): never a function
    check -- check(case, results) -> list of problems; results holds one result per call
    seed -- numpy's global generator is seeded with it right before the calls (None: not seeded)
    repeat -- number of calls in a row
    select -- index paths of the parts of each result to send back (empty: the whole result)
    documented -- True for the case students have in testCases.py: only its messages show values
    """
    label: str
    args: tuple
    check: Callable = field(compare=False)
    seed: int | None = None
    repeat: int = 1
    select: tuple = ()
    documented: bool = False

    def problems(self, results):
        """check's problems with the results; shown to the student, so without values unless documented.

        A hidden case's expected values, read from feedback, could be typed back in on resubmission.
        """
        if self.documented:
            return self.check(self, results)
        with public_tests.hiding_values():
            return self.check(self, results)


class Reference:
    """The instructor solution of an assignment, read from its source notebook, and its answers to the cases."""

    def __init__(self, source_notebook, cases):
        """cases -- the spec's cases(name) function, giving the hidden cases of a graded function"""
        self.source_notebook = source_notebook
        self.cases = cases

    @functools.cache
    def definitions(self):
        """The source notebook's imports and function definitions, by name."""
        return load_definitions(self.source_notebook)

    def expected(self, name, case):
        """What the instructor solution returns for a case (its first call), computed once per case.

        Shared by every submission graded in this process: the checks only read it.
        """
        index = next(i for i, known in enumerate(self.cases(name)) if known is case)
        return self._expected(name, index)

    @functools.cache
    def _expected(self, name, index):
        case = self.cases(name)[index]
        if case.seed is not None:
            np.random.seed(case.seed)
        return self.definitions()[name](*copy.deepcopy(case.args))


def sample_problems():
    """The two small random problems that every assignment's hidden tests use, with a label for messages.

    Returns:
    problems -- two tuples (X, Y, parameters, label): 7 examples on a network of sizes 4, 5, 3, 1,
                and 13 examples on one of sizes 3, 7, 4, 1
    """
    return tuple((*random_problem(seed, sizes, m),
                  f"a network of sizes {', '.join(map(str, sizes))} with {m} examples")
                 for seed, sizes, m in ((10, (4, 5, 3, 1), 7), (11, (3, 7, 4, 1), 13)))


def summarise(name, failures, total):
    """The messages of a function that failed some cases: the first failing case explains the mistake."""
    label, problems = failures[0]
    return [f"{name} fails {len(failures)} of {total} hidden tests. On {label}:", *problems]
