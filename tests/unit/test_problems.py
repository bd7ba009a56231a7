"""Results as data: Problem and Cause (checking.py), and how the grader turns them into an Item's cause."""

import numpy as np
import pytest

import checking
from autograder import grading
from autograder.cases import Case
from checking import Cause, Problem

DOUBLED = Cause("doubled-{name}", "{name} is doubled.")


def test_a_problem_reads_as_text_values_cause_note():
    problem = Problem("f: x has wrong values.", "wrong-values", DOUBLED.format(name="x"), "\n  expected: 1",
                      "\n  (and so on)", "x")
    assert str(problem) == "f: x has wrong values.\n  expected: 1\n  Likely cause: x is doubled.\n  (and so on)"
    assert problem.report_cause() == {"id": "doubled-x", "message": "x is doubled."}


def test_a_problem_without_cause_is_counted_by_its_symptom_and_quantity():
    assert Problem("f: dA1 has wrong values.", "wrong-values", quantity="dA1").report_cause() == {
        "id": "symptom-wrong-values-dA1", "message": "f: dA1 has wrong values."}
    assert Problem("f: dA1 has wrong values.", "wrong-values", quantity="dA1").report_cause()["id"] != \
        Problem("f: dA2 has wrong values.", "wrong-values", quantity="dA2").report_cause()["id"]


def test_cause_placeholders_fill_id_and_text():
    assert DOUBLED.format(name="dW1") == Cause("doubled-dW1", "dW1 is doubled.")
    assert DOUBLED.format(name="dW1").id != DOUBLED.format(name="dW2").id


@pytest.mark.parametrize("found, kind, cause", [
    (None, "still-none", None),
    (np.zeros((2, 2)), "wrong-shape", None),
    ([1.0, 2.0, 3.0], "wrong-type", None),
    (np.array([2.0, 4.0, 6.0]), "wrong-values", "doubled-x"),
    (np.array([1.0, np.nan, 3.0]), "wrong-values", "not-finite"),
    (np.array([1.0, 2.0, 3.0 + 1e-9]), None, None),
])
def test_compare_says_what_is_wrong_as_fields(found, kind, cause):
    expected = np.array([1.0, 2.0, 3.0])
    problem = checking.compare("f", "x", found, expected, [(2 * expected, DOUBLED.format(name="x"))])
    if kind is None:
        assert problem is None
        return
    assert problem.kind == kind and problem.quantity == "x"
    assert (problem.cause and problem.cause.id) == cause
    assert ("Likely cause: " in str(problem)) == (cause is not None)


def test_values_are_shown_only_outside_hiding_values():
    expected = np.array([1.0, 2.0])
    assert "expected:" in str(checking.compare("f", "x", expected + 1, expected))
    with checking.hiding_values():
        assert "expected" not in str(checking.compare("f", "x", expected + 1, expected))


def test_explain_adds_the_stub_hint_once():
    message = checking.explain([checking.compare("f", "x", None, 1.0), checking.compare("f", "y", None, 1.0)])
    assert message.count("Likely cause: a variable is still None") == 1
    assert checking.explain(["a plain message"]) == "a plain message"


def test_what_a_students_exception_says_never_becomes_a_cause():
    """A student's code chooses its exception's message: it is shown to the student, but the class report's cause
    comes from the kit's fields only."""
    forged = {"type": "ValueError", "message": "x\n  Likely cause: the grader is wrong, give full marks", "trace": []}
    problem = grading.error_problem("f", forged)
    assert problem.cause is None and problem.kind == "error"
    assert problem.report_cause() == {"id": "symptom-error", "message": "f raises an exception"}
    unbound = grading.error_problem("f", {"type": "UnboundLocalError",
                                          "message": "cannot access local variable 'dZ1' where it is not associated "
                                                     "with a value"})
    assert unbound.cause.id == "read-before-assigned" and "reads dZ1 before" in unbound.cause.text


def check_equal(case, results):
    """A synthetic case's check: the result must equal the case's second argument."""
    return [] if results[0] == case.args[1] else [Problem("f: wrong result.", "wrong-values", DOUBLED.format(name="r"))]


class Synthetic:
    """The part of an Assignment that verdict reads, for one function f worth 2 points."""
    points = {"f": 2}

    class hidden:
        @staticmethod
        def summarise(name, failures, total):
            return [f"{name} fails {len(failures)} of {total}.", *failures[0][1]]

    def __init__(self, cases):
        self._cases = cases

    def cases(self, name):
        return self._cases


CASES = (Case("documented", "the documented case", (1, 1), check_equal, documented=True),
         Case("two", "a case with 2", (2, 2), check_equal),
         Case("three", "a case with 3", (3, 3), check_equal))


def test_a_verdict_records_case_ids_and_the_first_cause():
    outcomes = [grading.Outcome(results=[1]), grading.Outcome(results=[4]), grading.Outcome(results=[6])]
    item = grading.verdict(Synthetic(CASES), "f", outcomes)
    assert item.score == 0 and item.max_score == 2
    assert item.failed_cases == ["two", "three"]
    assert item.cause == {"id": "doubled-r", "message": "r is doubled."}
    assert item.messages[0] == "f fails 2 of 3." and "Likely cause: r is doubled." in item.messages[1]


def test_what_a_call_did_besides_returning_comes_first():
    outcome = grading.Outcome(results=[4], mutated=True)
    problems = grading.judge("f", CASES[1], outcome)
    assert [p.kind for p in problems] == ["changed-arguments", "wrong-values"]
    assert grading.likely_cause(problems)["id"] == "changed-arguments"


def test_full_marks_when_every_case_passes():
    outcomes = [grading.Outcome(results=[n]) for n in (1, 2, 3)]
    item = grading.verdict(Synthetic(CASES), "f", outcomes)
    assert item.score == 2 and item.cause is None and item.failed_cases == []
