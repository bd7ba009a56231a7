"""The visible tests (public_tests.py) and the hidden tests (autograder.hidden) test the right things.

Solutions pass; the release's stubs fail; every mutant fails, with its likely
cause named by the visible test; every correct variant passes.
"""

import re

import pytest

import public_tests
from autograder import hidden
from autograder.notebook import load_definitions
from conftest import GRADED_FUNCTIONS, REPO, SOURCE_NOTEBOOK
from mutants import CORRECT, MUTANTS, apply

RELEASE_NOTEBOOK = REPO / "release" / "regularization" / "Regularization.ipynb"


def visible_test(name):
    return getattr(public_tests, f"{name}_test")


@pytest.fixture(scope="module")
def stubs():
    return load_definitions(RELEASE_NOTEBOOK)


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_solution_passes_visible_and_hidden_tests(name, solution, capsys):
    visible_test(name)(solution[name])
    assert capsys.readouterr().out.endswith("All tests passed.\n")
    assert hidden.run(name, solution[name]) == []


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_stub_fails_with_a_message_about_none(name, stubs):
    with pytest.raises(public_tests.TestFailure) as failure:
        visible_test(name)(stubs[name])
    message = str(failure.value)
    assert message.startswith(name) and "still None" in message
    assert "replace each `None` between START CODE HERE and END CODE HERE" in message
    assert hidden.run(name, stubs[name])


@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.label)
def test_mutant_fails_and_its_likely_cause_is_named(variant, solution):
    mutant = apply(variant, SOURCE_NOTEBOOK, solution)
    if variant.visible:
        with pytest.raises(public_tests.TestFailure) as failure:
            visible_test(variant.function)(mutant)
        message = str(failure.value)
        assert message.startswith(variant.function)
        if variant.cause:
            assert variant.cause in message, message
        if "has wrong values" in message:
            assert re.search(r"expected: .+\n\s+found: ", message, re.DOTALL), message
    problems = hidden.run(variant.function, mutant)
    assert problems and problems[0].startswith(f"{variant.function} fails ")
    if variant.cause:
        assert variant.cause in "\n".join(problems)


@pytest.mark.parametrize("variant", CORRECT, ids=lambda v: v.label)
def test_correct_variant_passes(variant, solution, capsys):
    function = apply(variant, SOURCE_NOTEBOOK, solution)
    if variant.visible:
        visible_test(variant.function)(function)
        assert capsys.readouterr().out.endswith("All tests passed.\n")
    assert hidden.run(variant.function, function) == []


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
