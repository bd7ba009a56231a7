"""Course-wide builders of the graded functions' test inputs, shared by every assignment's documented cases.

Each assignment's public_tests.py holds its documented cases (the
``<function>_test_case()`` builders and the expected outputs); they, and the
autograder's hidden tests, build on these. Everything is drawn from generators
given as arguments or made from a seed, never from numpy's global generator.
"""

import numpy as np

Y_TEST = np.array([[1, 1, 0, 1, 0]])  # the labels of the documented cases with 5 examples


def draw_parameters(rng):
    """Draw W1, b1, W2, b2, W3, b3 in that order (sizes 3 -> 2 -> 3 -> 1)."""
    return {
        "W1": rng.randn(2, 3), "b1": rng.randn(2, 1),
        "W2": rng.randn(3, 2), "b2": rng.randn(3, 1),
        "W3": rng.randn(1, 3), "b3": rng.randn(1, 1),
    }


def tiny_problem(seed, m_train, m_dev, layer_dims):
    """A small noisy classification problem and the initial parameters of a network for it.

    Points are normal; the label is 1 when the first two coordinates have the same sign, flipped
    for about 15% of the points, so that a network can overfit the training set. Everything is
    drawn from ``np.random.RandomState(seed)``, in this order: X, the flips, then W1, W2, ...

    Arguments:
    seed -- seed of the builder's own generator
    m_train, m_dev -- numbers of training and dev examples
    layer_dims -- layer sizes (n_x, n_1, n_2, 1), n_x at least 2

    Returns:
    train -- tuple (X_train, Y_train) of shapes (n_x, m_train) and (1, m_train)
    dev -- tuple (X_dev, Y_dev) of shapes (n_x, m_dev) and (1, m_dev)
    parameters -- dict of W1, b1, W2, b2, W3, b3: W scaled by 1/sqrt(fan-in), b zero
    """
    rng = np.random.RandomState(seed)
    m = m_train + m_dev
    X = rng.randn(layer_dims[0], m)
    Y = ((X[0] * X[1] > 0) ^ (rng.rand(m) < 0.15)).astype(np.int64).reshape(1, m)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return (X[:, :m_train], Y[:, :m_train]), (X[:, m_train:], Y[:, m_train:]), parameters
