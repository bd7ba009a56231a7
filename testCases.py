"""Inputs and documented expected outputs of the four graded functions' tests.

Each builder draws from its own generator, ``np.random.RandomState(1)``,
which yields the same numbers as ``np.random.seed(1)`` followed by calls to
``np.random.randn`` or ``np.random.rand``, but leaves numpy's global
generator alone. So a builder returns the same inputs whenever it is called,
whatever ran before it.
"""

import numpy as np

from reg_utils import forward_propagation, relu, sigmoid

Y_TEST = np.array([[1, 1, 0, 1, 0]])


def _draw_parameters(rng):
    """Draw W1, b1, W2, b2, W3, b3 in that order (sizes 3 -> 2 -> 3 -> 1)."""
    return {
        "W1": rng.randn(2, 3), "b1": rng.randn(2, 1),
        "W2": rng.randn(3, 2), "b2": rng.randn(3, 1),
        "W3": rng.randn(1, 3), "b3": rng.randn(1, 1),
    }


def compute_cost_with_regularization_test_case():
    """Inputs of compute_cost_with_regularization's test (use lambd=0.1).

    Returns:
    A3 -- predicted probabilities, of shape (1, 5)
    Y -- true labels, of shape (1, 5)
    parameters -- dict with W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    """
    rng = np.random.RandomState(1)
    parameters = _draw_parameters(rng)
    A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    return A3, Y_TEST.copy(), parameters


def backward_propagation_with_regularization_test_case():
    """Inputs of backward_propagation_with_regularization's test (use lambd=0.7).

    Returns:
    X -- input data, of shape (3, 5)
    Y -- true labels, of shape (1, 5)
    cache -- the 12-tuple of forward_propagation(X, parameters), without dropout
    """
    rng = np.random.RandomState(1)
    X = rng.randn(3, 5)
    parameters = _draw_parameters(rng)
    _, cache = forward_propagation(X, parameters)
    return X, Y_TEST.copy(), cache


def forward_propagation_with_dropout_test_case():
    """Inputs of forward_propagation_with_dropout's test (use keep_prob=0.7).

    Call ``np.random.seed(1)`` right before the function under test, so that
    its masks are the documented ones.

    Returns:
    X -- input data, of shape (3, 5)
    parameters -- dict with W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    """
    rng = np.random.RandomState(1)
    X = rng.randn(3, 5)
    parameters = _draw_parameters(rng)
    return X, parameters


def backward_propagation_with_dropout_test_case():
    """Inputs of backward_propagation_with_dropout's test (use keep_prob=0.8).

    The cache is a forward pass with dropout at keep_prob=0.5, its masks drawn
    with ``np.random.rand`` from a generator seeded with 1 (D1, then D2).
    The test then calls the backward function with keep_prob=0.8: the
    function only applies the cached masks and a scale, so any keep_prob
    tests it.

    Returns:
    X -- input data, of shape (3, 5)
    Y -- true labels, of shape (1, 5)
    cache -- the 14-tuple (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    """
    rng = np.random.RandomState(1)
    X = rng.randn(3, 5)
    parameters = _draw_parameters(rng)
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]

    keep_prob = 0.5
    masks = np.random.RandomState(1)
    Z1 = np.dot(W1, X) + b1
    D1 = (masks.rand(*Z1.shape) < keep_prob).astype(np.int64)
    A1 = relu(Z1) * D1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    D2 = (masks.rand(*Z2.shape) < keep_prob).astype(np.int64)
    A2 = relu(Z2) * D2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return X, Y_TEST.copy(), cache


# The expected outputs the published exercise documents, rounded to 8 digits
# (compare with np.allclose(found, expected, rtol=1e-5, atol=1e-7)).
expected_outputs = {
    "compute_cost_with_regularization": {
        "cost": 1.7864859451590758,
    },
    "backward_propagation_with_regularization": {
        "dW1": [[-0.25604646, 0.12298827, -0.28297129],
                [-0.17706303, 0.34536094, -0.4410571]],
        "dW2": [[0.79276486, 0.85133918],
                [-0.0957219, -0.01720463],
                [-0.13100772, -0.03750433]],
        "dW3": [[-1.77691347, -0.11832879, -0.09397446]],
        "dZ3": [[-0.59317598, -0.98370716, 0.16722898, -0.89881889, 0.40682402]],
        "db3": [[-0.3803298]],
        "db2": [[0.26135226], [0.0], [0.0]],
        "db1": [[0.11845855], [0.21236874]],
    },
    "forward_propagation_with_dropout": {
        "A3": [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]],
        "D1": [[1, 0, 1, 1, 1], [1, 1, 1, 1, 1]],
        "D2": [[1, 1, 1, 0, 1], [1, 1, 1, 1, 1], [0, 0, 1, 1, 0]],
    },
    "backward_propagation_with_dropout": {
        "dA1": [[0.36544439, 0.0, -0.00188233, 0.0, -0.17408748],
                [0.65515713, 0.0, -0.00337459, 0.0, -0.0]],
        "dA2": [[0.58180856, 0.0, -0.00299679, 0.0, -0.27715731],
                [0.0, 0.53159854, -0.0, 0.53159854, -0.34089673],
                [0.0, 0.0, -0.00292733, 0.0, -0.0]],
        "dW3": [[-0.06951191, 0.0, 0.0]],
        "db3": [[-0.2715031]],
        "db1": [[-0.00037647], [-0.00067492]],
    },
}
