"""Course-wide builders of the graded functions' test inputs, shared by every assignment's documented cases.

Each assignment's public_tests.py holds its documented cases (the
``<function>_test_case()`` builders and the expected outputs); they, and the
autograder's hidden tests, build on these. Everything is drawn from generators
given as arguments or made from a seed, never from numpy's global generator.
"""

import numpy as np

Y_TEST = np.array([[1, 1, 0, 1, 0]])  # the labels of the documented cases with 5 examples


def network_parameters(normal, layer_dims, scaled=True, bias_scale=None):
    """The parameters of a fully connected network, drawn layer by layer: W1, then b1 (if drawn), then W2...

    The one builder of random networks for every test input of the kit.

    Arguments:
    normal -- normal(shape) draws standard normal values of that shape (from a generator of the caller's)
    layer_dims -- layer sizes (n_0, n_1, ..., n_L)
    scaled -- divide each W by sqrt(fan-in), as the course's initialisation does
    bias_scale -- each b is normal((n_l, 1)) * bias_scale, or zeros (nothing drawn) when None

    Returns:
    parameters -- dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1), for l = 1..L
    """
    parameters = {}
    for l in range(1, len(layer_dims)):
        W = normal((layer_dims[l], layer_dims[l - 1]))
        parameters[f"W{l}"] = W / np.sqrt(layer_dims[l - 1]) if scaled else W
        parameters[f"b{l}"] = (np.zeros((layer_dims[l], 1)) if bias_scale is None
                               else normal((layer_dims[l], 1)) * bias_scale)
    return parameters


def draw_parameters(rng):
    """Draw W1, b1, W2, b2, W3, b3 in that order (sizes 3 -> 2 -> 3 -> 1), from a np.random.RandomState."""
    return network_parameters(lambda shape: rng.randn(*shape), (3, 2, 3, 1), scaled=False, bias_scale=1.0)


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
    parameters = network_parameters(lambda shape: rng.randn(*shape), layer_dims)
    return (X[:, :m_train], Y[:, :m_train]), (X[:, m_train:], Y[:, m_train:]), parameters
