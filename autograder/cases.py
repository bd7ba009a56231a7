"""What every assignment's hidden tests are made of: cases, the instructor solution's answers, the summary.

An assignment's source/<name>/hidden_tests.py declares ``HIDDEN``, a
``HiddenTests``: its graded functions' labels and cases, each case with its
check. This module holds what they share.
"""

import copy
import functools
from dataclasses import dataclass, field
from typing import Callable

import checking
from autograder.gradcheck import random_problem
from autograder.inside.worker import start_random_state
from autograder.notebook import load_definitions


@dataclass(frozen=True)
class Case:
    """One hidden test of a graded function.

    id -- a short stable name, unique among the function's cases (clauses, answers and failed_cases use it)
    label -- what the case is, for messages (never its code)
    args -- the positional arguments, plain data (see autograder.inside.wire): never a function
    check -- check(case, results) -> list of problems; results holds one result per call
    seed -- numpy's global generator is seeded with it right before the calls (None: put in a state that no
            seeding gives; see worker.start_random_state)
    repeat -- number of calls in a row
    select -- index paths of the parts of each result to send back (empty: the whole result)
    documented -- True for the case students have in public_tests.py: only its messages show values
    draws_random_numbers -- True when the function may draw from numpy's global generator (else the calls
                            must leave it where the seed put it)
    own_arrays -- True when the function promises arrays of its own (none shared with its arguments)
    """
    id: str
    label: str
    args: tuple
    check: Callable = field(compare=False)
    seed: int | None = None
    repeat: int = 1
    select: tuple = ()
    documented: bool = False
    draws_random_numbers: bool = False
    own_arrays: bool = False

    def problems(self, results):
        """check's problems with the results; shown to the student, so without values unless documented.

        A hidden case's expected values, read from feedback, could be typed back in on resubmission.
        """
        if self.documented:
            return self.check(self, results)
        with checking.hiding_values():
            return self.check(self, results)


class Reference:
    """The instructor solution of an assignment, read from its source notebook, and its answers to the cases."""

    def __init__(self, source_notebook):
        self.source_notebook = source_notebook
        self._answers = {}  # (function, case id) -> answer

    @functools.cache
    def definitions(self):
        """The source notebook's imports and function definitions, by name."""
        return load_definitions(self.source_notebook)

    def expected(self, name, case):
        """What the instructor solution's function name returns for a case (its first call), computed once per case.

        Shared by every submission graded in this process: the checks only read it.
        """
        key = (name, case.id)
        if key not in self._answers:
            start_random_state(case.seed)
            self._answers[key] = self.definitions()[name](*copy.deepcopy(case.args))
        return self._answers[key]


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
    label, messages = failures[0]
    return [f"{name} fails {len(failures)} of {total} hidden tests. On {label}:", *map(str, messages)]


@dataclass(frozen=True)
class Clause:
    """One sentence of a graded function's contract, with what proves the hidden tests enforce it.

    text -- the sentence, from the function's docstring or the notebook's text
    cases -- the ids of the hidden cases that fail when the sentence is broken
    mutants -- the mistakes (mutants.py's Variant.mistake) that break this sentence; the tests check that
               each fails at least one of these cases
    """
    text: str
    cases: tuple
    mutants: tuple

    def matching(self, cases):
        """The cases (of the function's cases) that this clause names; raises ValueError for an id none has."""
        by_id = {case.id: case for case in cases}
        unknown = [case_id for case_id in self.cases if case_id not in by_id]
        if unknown:
            raise ValueError(f"the clause {self.text!r} names the case {unknown[0]!r}, which no case has as its id "
                             f"(the ids: {', '.join(by_id)})")
        return [by_id[case_id] for case_id in self.cases]


@dataclass(frozen=True)
class HiddenTests:
    """What an assignment's hidden_tests.py declares as HIDDEN (checked by autograder.assignments when loaded).

    labels -- {graded function: short column title for score tables}, for every graded function of the notebook
    cases -- cases(function) -> tuple of Case, the documented case first, each with a label of its own
    timeout -- default seconds per graded function, wall-clock and CPU, for all its cases
    contracts -- {graded function: its contract, a tuple of Clause}: every sentence of what the function must do,
                 and the cases that enforce it
    summarise -- summarise(function, failures, total) -> the messages of a function that fails some cases
    """
    labels: dict
    cases: Callable
    contracts: dict
    timeout: float = 10.0
    summarise: Callable = summarise
