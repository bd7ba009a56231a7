"""One test of "the function changed its arguments", and the visible and the hidden tests agree on it."""

import copy

import numpy as np
import pytest

import checking
from autograder import grading
from autograder.cases import Case
from autograder.inside.worker import call_case


def reverse_list(values, array):
    values.reverse()
    return 1.0


def scale_array(values, array):
    array *= 2
    return 1.0


def add_key(values, array, extra=None):
    values.append(0.5)
    return 1.0


def change_a_number(values, array):
    values[0] = 99.0
    return 1.0


def into_ints(values, array):
    values[:] = [int(v) for v in values]
    return 1.0


def honest(values, array):
    return float(sum(values) + array.sum())


def copies(values, array):
    values = sorted(values)
    array = array * 2
    return 1.0


MUTATING = (reverse_list, scale_array, add_key, change_a_number, into_ints)
HONEST = (honest, copies)


def arguments():
    return [3.0, 1.0, 2.0], np.array([1.0, np.nan, 3.0])


def visible_verdict(function):
    try:
        checking.call(function, *arguments())
    except checking.TestFailure as failure:
        assert "changed its argument" in str(failure) and "Likely cause: an in-place" in str(failure)
        return True
    return False


def hidden_verdict(function):
    args = arguments()
    results, facts = call_case(function, copy.deepcopy(args), 1, 1, ())
    case = Case("c", "a case", args, lambda case, results: [])
    problems = grading.judge("f", case, grading.Outcome(results=results, **facts))
    return any(p.kind == "changed-arguments" for p in problems)


@pytest.mark.parametrize("function", MUTATING + HONEST, ids=lambda f: f.__name__)
def test_visible_and_hidden_tests_give_the_same_verdict(function):
    assert visible_verdict(function) == hidden_verdict(function) == (function in MUTATING)


@pytest.mark.parametrize("before, after, expected", [
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), False),
    (np.array([1, 2]), np.array([1, 2]), False),
    ({"a": 1.0}, {"a": 1.0}, False),
    ({"a": 1.0}, {"a": 1.0, "b": 2.0}, True),
    ((1.0, 2.0), [1.0, 2.0], True),
    (float("nan"), float("nan"), False),
    (3, 3.0, True),
])
def test_changed_compares_values_and_types(before, after, expected):
    assert checking.changed(before, after) is expected
