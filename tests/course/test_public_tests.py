"""Regularization's visible tests (source/regularization/public_tests.py): what is specific to them.

test_assignments.py runs the checks every assignment gets (solutions pass, stubs
fail, mutants caught with their causes, correct variants pass).
"""

import re

import pytest

from autograder import assignments, hidden

public_tests = assignments.module("regularization", "public_tests")


def visible_test(name):
    return getattr(public_tests, f"{name}_test")


def test_wrong_types_and_shapes_are_named(solution):
    def float_array_cost(A3, Y, parameters, lambd):
        return solution["compute_cost_with_regularization"](A3, Y, parameters, lambd) * A3[:, :1]

    def transposed(X, Y, cache, lambd):
        gradients = solution["backward_propagation_with_regularization"](X, Y, cache, lambd)
        return {**gradients, "dW3": gradients["dW3"].T}

    def no_cache(X, parameters, keep_prob):
        return solution["forward_propagation_with_dropout"](X, parameters, keep_prob)[0]

    cases = [
        ("compute_cost_with_regularization", float_array_cost,
         "cost should be a float, but it is a numpy array of shape (1, 1)"),
        ("backward_propagation_with_regularization", transposed,
         "dW3 should have shape (1, 3), but it has shape (3, 1)"),
        ("forward_propagation_with_dropout", no_cache, "should return a tuple, but it returned a numpy array"),
    ]
    for name, function, fragment in cases:
        with pytest.raises(public_tests.TestFailure, match=re.escape(fragment)):
            visible_test(name)(function)


def test_an_exception_is_reported_with_the_students_line(solution):
    source = "def backward_propagation_with_dropout(X, Y, cache, keep_prob):\n    return 1 / 0\n"
    scope = {}
    exec(compile(source, "student-cell", "exec"), scope)
    with pytest.raises(public_tests.TestFailure) as failure:
        public_tests.backward_propagation_with_dropout_test(scope["backward_propagation_with_dropout"])
    assert str(failure.value).startswith("backward_propagation_with_dropout raised ZeroDivisionError")
    assert "at line 2 of its cell" in str(failure.value)


def test_hidden_tests_catch_what_the_documented_case_cannot(solution):
    # Right on the documented case, wrong elsewhere: a hard-coded m.
    def fixed_m(A3, Y, parameters, lambd):
        return solution["compute_cost_with_regularization"](A3, Y, parameters, lambd) + (
            0 if Y.shape[1] == 5 else 1)

    def in_place(X, Y, cache, keep_prob):
        gradients = solution["backward_propagation_with_dropout"](X, Y, cache, keep_prob)
        cache[1][...] = 0
        return gradients

    public_tests.compute_cost_with_regularization_test(fixed_m)
    assert hidden.run("compute_cost_with_regularization", fixed_m)[0].startswith(
        "compute_cost_with_regularization fails 3 of 4 hidden tests")
    assert "changed the arrays it was given" in "\n".join(hidden.run("backward_propagation_with_dropout", in_place))
