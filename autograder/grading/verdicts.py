"""What a graded function's hidden cases gave, judged: each case's Problems, the function's Item (all or nothing).

Runs in the grader, on results decoded from the sandbox (autograder.inside.wire): nothing here runs student code.
"""

from dataclasses import dataclass, field

import checking
from autograder.inside import wire

FACTS = ("mutated", "random_state_changed", "aliased")  # what the worker reports of each case's calls




@dataclass
class Item:
    """The grade of one graded function.

    cause -- the likely cause of its failure as data, {"id": ..., "message": ...} (checking.Problem.report_cause),
             or None
    failed_cases -- the ids of the hidden cases it failed (for the instructor's class report)
    """
    name: str
    score: float
    max_score: float
    messages: list = field(default_factory=list)
    cause: dict | None = None
    failed_cases: list = field(default_factory=list)

    def fail(self, problem):
        """Record a Problem that stops the function from being graded further."""
        self.messages.append(str(problem))
        self.cause = problem.report_cause()


def likely_cause(problems):
    """The cause of a failing case, as data: that of its first problem with a cause, else its first problem's
    symptom. Read from the Problems' fields, never from their text."""
    return next((p for p in problems if p.cause is not None), problems[0]).report_cause()


@dataclass
class Outcome:
    """What one hidden case's calls gave: results (decoded), or an error; and whether the inputs changed."""
    results: list | None = None
    error: dict | None = None
    mutated: bool = False
    random_state_changed: bool = False
    aliased: bool = False


def error_problem(name, error):
    """The Problem of an exception raised by a student's function (error as sent by the worker)."""
    where = "".join(f"\n  at {line}" for line in error.get("trace", []))
    return checking.raised(name, error.get("type", "an error"), error.get("message", ""), where)


def judge(name, case, outcome):
    """The Problems of one case's outcome (an empty list when it passes)."""
    if outcome.error is not None:
        return [error_problem(name, outcome.error)]
    odd = wire.contains_unsupported(outcome.results)
    if odd is not None:
        return [checking.Problem(f"{name} returned {odd!r}. Only plain values count: Python numbers, numpy numbers "
                                 "and arrays of numbers, and tuples, lists and dicts of these.", "unsupported-type")]
    try:
        problems = [checking.problem(p) for p in case.problems(outcome.results)]
    except Exception as error:  # what the function returned broke a check (a shape, an overflow...)
        detail = f"{type(error).__name__}: {str(error)[:200]}" if case.documented else type(error).__name__
        problems = [checking.Problem(f"{name} returned something the hidden test on {case.label} could not check "
                                     f"({detail}). Compare the type and shape of what it returns with the "
                                     "docstring.", "uncheckable")]
    # What a call did besides returning: each is the likely cause of wrong values too, so it comes first.
    if case.own_arrays and outcome.aliased:
        problems = [checking.Problem(f"{name} returned arrays that belong to the caller (the same arrays, or views of "
                                     "them), where it promises arrays of its own.", "aliased",
                                     checking.RETURNED_CALLERS_ARRAYS)] + problems
    if not case.draws_random_numbers and outcome.random_state_changed:
        problems = [checking.Problem(f"{name} changed the state of numpy's global random generator: the random "
                                     "numbers the rest of a program draws would depend on it.", "moved-generator",
                                     checking.MOVED_GLOBAL_GENERATOR)] + problems
    if outcome.mutated:
        problems = [checking.changed_arguments(name, "the arrays it was given")] + problems
    return problems


def verdict(assignment, name, outcomes):
    """The Item of a graded function from its cases' outcomes (all or nothing)."""
    cases = assignment.cases(name)
    failures = [(case, problems) for case, outcome in zip(cases, outcomes)
                if (problems := judge(name, case, outcome))]
    points = assignment.points[name]
    if failures:
        messages = assignment.hidden.summarise(name, [(case.label, list(map(str, problems)))
                                                      for case, problems in failures], len(cases))
        return Item(name, 0.0, points, messages, likely_cause(failures[0][1]), [case.id for case, _ in failures])
    return Item(name, points, points, [f"{name} passes all {len(cases)} hidden tests."])
