"""The instructor solutions, read from the notebook: documented outputs, gradients, dropout."""

import numpy as np
import pytest
from conftest import GRADED_FUNCTIONS

from autograder import assignments
from autograder.gradcheck import random_problem, relative_error
from reg_utils import compute_cost, forward_propagation, relu

testCases = assignments.module("regularization", "public_tests")  # the documented cases
EXPECTED = testCases.EXPECTED


def assert_documented(found, expected):
    for name, value in expected.items():
        assert np.allclose(found[name], value, rtol=1e-5, atol=1e-7), f"{name}: {found[name]} != {value}"


def test_notebook_defines_the_four_graded_functions(solution):
    for name in GRADED_FUNCTIONS + ("model",):
        assert callable(solution.get(name)), f"the notebook does not define {name}"


def test_compute_cost_with_regularization_documented(solution):
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    cost = solution["compute_cost_with_regularization"](A3, Y, parameters, lambd=0.1)
    assert_documented({"cost": cost}, EXPECTED["compute_cost_with_regularization"])


def test_backward_propagation_with_regularization_documented(solution):
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    assert np.allclose(cache[0][0], [-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115])
    gradients = solution["backward_propagation_with_regularization"](X, Y, cache, lambd=0.7)
    assert_documented(gradients, EXPECTED["backward_propagation_with_regularization"])


def test_forward_propagation_with_dropout_documented(solution):
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    np.random.seed(1)
    A3, cache = solution["forward_propagation_with_dropout"](X, parameters, keep_prob=0.7)
    assert len(cache) == 14
    assert_documented({"A3": A3, "D1": cache[1], "D2": cache[6]},
                      EXPECTED["forward_propagation_with_dropout"])


def test_backward_propagation_with_dropout_documented(solution):
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    assert np.array_equal(cache[1], [[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]])
    assert np.allclose(cache[2], [[0, 0, 4.27989081, 5.21401307, 0], [0, 8.32019881, 1.58102041, 2.92987024, 0]])
    assert np.allclose(cache[11], [[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]])
    gradients = solution["backward_propagation_with_dropout"](X, Y, cache, keep_prob=0.8)
    assert_documented(gradients, EXPECTED["backward_propagation_with_dropout"])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lambd", [0.0, 0.7, 5.0])
def test_l2_backward_gradient_check(solution, seed, lambd):
    X, Y, parameters = random_problem(seed)
    _, cache = forward_propagation(X, parameters)
    gradients = solution["backward_propagation_with_regularization"](X, Y, cache, lambd)

    def cost(p):
        return solution["compute_cost_with_regularization"](forward_propagation(X, p)[0], Y, p, lambd)

    assert relative_error(cost, parameters, gradients) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("keep_prob", [0.5, 0.86, 1.0])
def test_dropout_backward_gradient_check_with_masks_fixed(solution, seed, keep_prob):
    forward = solution["forward_propagation_with_dropout"]
    X, Y, parameters = random_problem(seed, layer_dims=(2, 6, 5, 1), m=8)

    def run(p):
        np.random.seed(100 + seed)  # the same masks at every call
        return forward(X, p, keep_prob)

    _, cache = run(parameters)
    gradients = solution["backward_propagation_with_dropout"](X, Y, cache, keep_prob)
    assert relative_error(lambda p: compute_cost(run(p)[0], Y), parameters, gradients) < 1e-7


def test_dropout_keeps_units_with_probability_keep_prob(solution):
    X, _, parameters = random_problem(5, layer_dims=(2, 50, 40, 1), m=100)
    keep_prob = 0.7
    np.random.seed(0)
    masks = [solution["forward_propagation_with_dropout"](X, parameters, keep_prob)[1] for _ in range(20)]
    for position, shape in ((1, (50, 100)), (6, (40, 100))):
        drawn = np.array([cache[position] for cache in masks])
        assert drawn.shape == (20,) + shape
        assert set(np.unique(drawn)) <= {0, 1}
        n = drawn.size
        # Six standard deviations: a correct function fails with probability < 1e-8.
        bound = 6 * np.sqrt(keep_prob * (1 - keep_prob) / n)
        assert abs(drawn.mean() - keep_prob) < bound


def test_inverted_dropout_preserves_the_expected_activation(solution):
    X, _, parameters = random_problem(6, layer_dims=(2, 30, 3, 1), m=40)
    keep_prob = 0.6
    A1_plain = relu(parameters["W1"] @ X + parameters["b1"])
    np.random.seed(0)
    calls = 400
    mean_A1 = sum(solution["forward_propagation_with_dropout"](X, parameters, keep_prob)[1][2]
                  for _ in range(calls)) / calls
    # Each entry is A1 * Bernoulli(p) / p: mean A1, variance A1^2 (1-p)/p.
    spread = np.sqrt((1 - keep_prob) / keep_prob / calls) * A1_plain.sum()
    assert abs(mean_A1.sum() - A1_plain.sum()) < 6 * spread
    assert abs(mean_A1.sum() * keep_prob - A1_plain.sum()) > 6 * spread  # scaling matters


def test_dropout_draws_new_masks_and_does_not_reseed(solution):
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    forward = solution["forward_propagation_with_dropout"]
    np.random.seed(42)
    _, first = forward(X, parameters, 0.5)
    _, second = forward(X, parameters, 0.5)
    assert not (np.array_equal(first[1], second[1]) and np.array_equal(first[6], second[6]))
    # The generator moved on by exactly the mask draws: D1 (2x5) and D2 (3x5), twice.
    np.random.seed(42)
    forward(X, parameters, 0.5)
    expected_next = np.random.RandomState(42)
    expected_next.rand(2 * 5 + 3 * 5)
    assert np.random.rand() == expected_next.rand()


def test_dropout_with_keep_prob_one_is_the_plain_forward_pass(solution):
    X, _, parameters = random_problem(7, layer_dims=(2, 20, 3, 1), m=11)
    A3, cache = solution["forward_propagation_with_dropout"](X, parameters, keep_prob=1.0)
    assert np.allclose(A3, forward_propagation(X, parameters)[0])
    assert cache[1].all() and cache[6].all()


def test_model_refuses_two_regularisations_at_once(solution):
    X, Y, _ = random_problem(0)
    with pytest.raises(ValueError, match="one regularisation at a time"):
        solution["model"](X, Y, num_iterations=1, lambd=0.7, keep_prob=0.8)
