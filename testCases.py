"""Inputs and documented expected outputs of the graded functions' tests, for both assignments.

Regularization's four builders draw from their own generator,
``np.random.RandomState(1)``, which yields the same numbers as
``np.random.seed(1)`` followed by calls to ``np.random.randn`` or
``np.random.rand``, but leaves numpy's global generator alone. Tuning's five
builders do the same with their own seeds (2, 3 and the seeds of
``tiny_problem``), or build their inputs without random numbers. So a builder
returns the same inputs whenever it is called, whatever ran before it.
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


def compute_cost_with_l1_test_case():
    """Inputs of compute_cost_with_l1's test (use lambd=0.1).

    Returns:
    A3 -- predicted probabilities (the forward pass of X = randn(3, 5) with these parameters), of shape (1, 5)
    Y -- true labels, of shape (1, 5)
    parameters -- dict with W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    """
    rng = np.random.RandomState(2)
    X = rng.randn(3, 5)
    parameters = _draw_parameters(rng)
    A3, _ = forward_propagation(X, parameters)
    return A3, Y_TEST.copy(), parameters


def backward_propagation_with_l1_test_case():
    """Inputs of backward_propagation_with_l1's test (use lambd=0.7).

    One weight, W2[0, 1], is exactly 0: there the L1 term of dW2 is 0, as np.sign(0) is.

    Returns:
    X -- input data, of shape (3, 5)
    Y -- true labels, of shape (1, 5)
    cache -- the 12-tuple of forward_propagation(X, parameters)
    """
    rng = np.random.RandomState(3)
    X = rng.randn(3, 5)
    parameters = _draw_parameters(rng)
    parameters["W2"][0, 1] = 0.0
    _, cache = forward_propagation(X, parameters)
    return X, Y_TEST.copy(), cache


def split_dataset_test_case():
    """Inputs of split_dataset's test (use dev_fraction=0.3, seed=1).

    No random numbers: column j of X is (j, 12 + j), so that you can see where each example went.

    Returns:
    X -- input data, of shape (2, 12)
    Y -- labels, of shape (1, 12)
    """
    X = np.arange(24, dtype=np.float64).reshape(2, 12)
    Y = np.array([[1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1]])
    return X, Y


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


def choose_lambda_test_case():
    """Inputs of choose_lambda's test (use num_iterations=300, learning_rate=0.5).

    Returns:
    train -- tuple (X_train, Y_train) of shapes (2, 30) and (1, 30)
    dev -- tuple (X_dev, Y_dev) of shapes (2, 15) and (1, 15)
    lambdas -- the candidate values, in increasing order
    parameters -- initial parameters of a network of sizes 2, 5, 3, 1
    """
    train, dev, parameters = tiny_problem(33, 30, 15, (2, 5, 3, 1))
    return train, dev, [0.0, 0.1, 0.3, 1.0, 3.0, 10.0], parameters


def model_with_early_stopping_test_case():
    """Inputs of model_with_early_stopping's test (use num_iterations=30, learning_rate=1.0).

    Returns:
    X_train, Y_train -- of shapes (2, 20) and (1, 20)
    X_dev, Y_dev -- of shapes (2, 10) and (1, 10)
    parameters -- initial parameters of a network of sizes 2, 6, 4, 1
    """
    (X_train, Y_train), (X_dev, Y_dev), parameters = tiny_problem(0, 20, 10, (2, 6, 4, 1))
    return X_train, Y_train, X_dev, Y_dev, parameters


# The documented expected outputs, rounded to 8 digits (compare with
# np.allclose(found, expected, rtol=1e-5, atol=1e-7)): Regularization's are those the published
# exercise documents; Tuning's are the instructor solution's.
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
    # Tuning
    "compute_cost_with_l1": {
        "cost": 0.9555758688072833,
    },
    "backward_propagation_with_l1": {
        "dW1": [[-0.19433333, -0.13028053, -0.10039393],
                [0.25883515, -0.16456457, -0.28056223]],
        "dW2": [[0.45866763, 1.27648523],
                [0.02025597, 0.8951163],
                [-0.14024815, 0.00422894]],
        "dW3": [[-0.15516468, -1.14804791, -0.76988274]],
        "dZ3": [[-0.98829012, -0.98603849, 0.01482537, -0.98872836, 0.0172511]],
        "db3": [[-0.5861961]],
        "db2": [[0.24591096],
                [0.36720315],
                [0.31229373]],
        "db1": [[-0.02808297],
                [0.03423911]],
    },
    "split_dataset": {
        "X_train": [[8, 11, 4, 7, 5, 0, 1, 9],
                    [20, 23, 16, 19, 17, 12, 13, 21]],
        "Y_train": [[0, 1, 1, 0, 0, 1, 0, 0]],
        "X_dev": [[2, 10, 6, 3],
                  [14, 22, 18, 15]],
        "Y_dev": [[0, 1, 1, 1]],
    },
    "choose_lambda": {
        "best_lambd": 1.0,
        "train_accuracies": [1.0, 1.0, 0.96666667, 0.76666667, 0.53333333, 0.53333333],
        "dev_accuracies": [0.66666667, 0.66666667, 0.73333333, 0.73333333, 0.4, 0.4],
    },
    "model_with_early_stopping": {
        "best_iteration": 7,
        "dev_costs": [0.65593975, 0.58625125, 0.57219041, 0.56780685, 0.56445126, 0.56148888,
                      0.55905336, 0.55891525, 0.56086171, 0.57627154, 0.59774268, 0.6277122,
                      0.70686661, 0.80389241, 0.89534548, 0.96582745, 1.0490995, 1.08620114,
                      1.20557796, 1.21283927, 1.29704497, 1.31651944, 1.40089204, 1.40403091,
                      1.49244396, 1.39409304, 1.62030642, 1.39031212, 1.64873471, 1.36054577,
                      1.69895638],
        "best_parameters": {
            "W1": [[0.68791758, -0.54048599],
                   [-0.6266747, 0.77051258],
                   [-0.2488242, 0.86837472],
                   [-0.15921993, 0.65048378],
                   [0.39485825, 0.53266095],
                   [0.06801041, 1.2724476]],
            "b1": [[-0.07192304],
                   [-0.08478625],
                   [-0.0330004],
                   [0.11443941],
                   [-0.07022021],
                   [-0.11706659]],
            "W2": [[0.02225265, 0.14139888, 0.76271151, -0.54780193, -0.51132733, 0.40024429],
                   [-0.4570824, 0.64776322, -0.2012256, -0.29307305, 0.84438226, 0.65372565],
                   [0.79322351, 0.46869696, -0.33446914, 0.75480418, -0.24529397, 0.26721212],
                   [0.39336168, -0.05913266, 0.24776351, 0.36905597, 0.12957802, -0.4631162]],
            "b2": [[-0.057069],
                   [-0.27608053],
                   [0.14290417],
                   [0.00051777]],
            "W3": [[0.04933849, 0.66182386, -0.47647068, -0.09724045]],
            "b3": [[-0.34995416]],
        },
    },
}
