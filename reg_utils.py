"""Course-wide helpers that every assignment imports: a 3-layer network in numpy, its data and plots.

The network is LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID with
layer sizes [2, 20, 3, 1]. Examples are columns everywhere: X has shape
(n_x, m) and Y has shape (1, m).

Nothing here seeds numpy's global random generator: the caller does, once,
where reproducibility is wanted (the notebook's ``model`` does it).
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.io

DATA_PATH = Path(__file__).resolve().parent / "datasets" / "data.mat"

# The colours of label 0 (the opponents won the header) and label 1 (our team won it).
CLASS_COLOURS = ("#d1495b", "#2e86ab")


def sigmoid(x):
    """Logistic function.

    Arguments:
    x -- a scalar or numpy array of any shape

    Returns:
    s -- 1 / (1 + exp(-x)), same shape as x
    """
    # exp overflows to inf for x < -709; 1/inf is the correct limit, 0.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def relu(x):
    """Rectified linear unit.

    Arguments:
    x -- a scalar or numpy array of any shape

    Returns:
    s -- max(0, x), same shape as x
    """
    return np.maximum(0, x)


def initialize_parameters(layer_dims):
    """Draw the weights of a fully connected network, scaled by 1/sqrt(fan-in).

    Draws from numpy's global generator, layer by layer: W1, then W2, ...
    Seed it first (``np.random.seed(3)`` gives the course's network).

    Arguments:
    layer_dims -- list of layer sizes [n_0, n_1, ..., n_L], n_0 being the input size

    Returns:
    parameters -- dict with, for l = 1..L:
                    "Wl" -- weight matrix of shape (n_l, n_{l-1})
                    "bl" -- bias vector of shape (n_l, 1), zeros
    """
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        parameters["W" + str(l)] = np.random.randn(n, n_prev) / np.sqrt(n_prev)
        parameters["b" + str(l)] = np.zeros((n, 1))
    return parameters


def forward_propagation(X, parameters):
    """Forward pass of the 3-layer network, without dropout.

    Arguments:
    X -- input data, of shape (2, m)
    parameters -- dict with "W1" (n_1, 2), "b1" (n_1, 1), "W2" (n_2, n_1),
                  "b2" (n_2, 1), "W3" (1, n_2), "b3" (1, 1)

    Returns:
    A3 -- output of the sigmoid, the probability of label 1, of shape (1, m)
    cache -- tuple (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) for the backward pass;
             Z1 and A1 have shape (n_1, m), Z2 and A2 (n_2, m), Z3 and A3 (1, m)
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]

    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)

    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, cache


def backward_propagation(X, Y, cache):
    """Backward pass of the 3-layer network for the cross-entropy cost, without regularisation.

    Arguments:
    X -- input data, of shape (2, m)
    Y -- true labels (0 or 1), of shape (1, m)
    cache -- the 12-tuple returned by forward_propagation

    Returns:
    gradients -- dict of the gradient of the cost with respect to each quantity:
                 "dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1",
                 each of the shape of the quantity it differentiates
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * (A2 > 0)
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * (A1 > 0)
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dZ3": dZ3, "dW3": dW3, "db3": db3,
            "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent.

    Arguments:
    parameters -- dict of "Wl" and "bl" arrays, l = 1..L
    grads -- dict holding "dWl" and "dbl" of the same shapes
    learning_rate -- step size, a positive float

    Returns:
    parameters -- a new dict with Wl - learning_rate * dWl and bl - learning_rate * dbl
    """
    return {name: value - learning_rate * grads["d" + name]
            for name, value in parameters.items()}


def compute_cost(A3, Y):
    """Cross-entropy cost, averaged over the examples.

    Arguments:
    A3 -- predicted probabilities of label 1, of shape (1, m)
    Y -- true labels (0 or 1), of shape (1, m)

    Returns:
    cost -- a Python float
    """
    m = Y.shape[1]
    # Where A3 is exactly 0 or 1, 0 * log(0) gives nan; nansum drops it (0 log 0 = 0).
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    return float(1.0 / m * np.nansum(logprobs))


def predict_dec(parameters, X):
    """Predicted labels as booleans, for plotting decision boundaries.

    Arguments:
    parameters -- dict of the trained network's parameters
    X -- input data, of shape (2, m)

    Returns:
    predictions -- True where the network predicts label 1, of shape (1, m)
    """
    A3, _ = forward_propagation(X, parameters)
    return A3 > 0.5


def boundary_line(predict_fn, x1_values, x2_values):
    """Fit a straight line to a decision boundary that crosses the field from left to right.

    On each vertical line x1 = x1_values[j], the boundary is the middle of the first step of
    x2_values at which the predicted label changes.

    Arguments:
    predict_fn -- function mapping points of shape (2, k) to labels of shape (1, k) or (k,)
    x1_values -- the vertical lines on which the boundary is found, of shape (n1,)
    x2_values -- increasing positions along x2, of shape (n2,); their spacing is the precision

    Returns:
    slope -- slope of the least-squares line x2 = slope * x1 + intercept through the boundary
    intercept -- the line's x2 at x1 = 0
    bend -- largest vertical distance between the boundary and that line (0 for a straight boundary)
    """
    grid1, grid2 = np.meshgrid(x1_values, x2_values)  # both of shape (n2, n1)
    labels = np.asarray(predict_fn(np.vstack([grid1.ravel(), grid2.ravel()]))).reshape(grid1.shape)
    changes = labels[1:] != labels[:-1]  # (n2 - 1, n1): True where the label changes going up
    if not np.all(np.any(changes, axis=0)):
        raise ValueError("the boundary does not cross every vertical line x1 = x1_values[j] within x2_values")
    first = np.argmax(changes, axis=0)
    boundary = (x2_values[first] + x2_values[first + 1]) / 2  # of shape (n1,)
    slope, intercept = np.polyfit(x1_values, boundary, 1)
    bend = np.max(np.abs(boundary - (slope * x1_values + intercept)))
    return float(slope), float(intercept), float(bend)


def predict(X, Y, parameters):
    """Predict labels with a trained network and print its accuracy on (X, Y).

    Arguments:
    X -- input data, of shape (2, m)
    Y -- true labels (0 or 1), of shape (1, m)
    parameters -- dict of the trained network's parameters

    Returns:
    predictions -- predicted labels (0 or 1), integers of shape (1, m)
    """
    predictions = predict_dec(parameters, X).astype(np.int64)
    print("Accuracy: " + str(np.mean(predictions == Y)))
    return predictions


def load_2D_dataset(path=None):
    """Load the football dataset, with examples as columns.

    Arguments:
    path -- a .mat file with keys X (m, 2), y (m, 1), Xval (m_test, 2), yval (m_test, 1);
            default: datasets/data.mat beside this module, whatever the working directory

    Returns:
    train_X -- header positions of the training set, float64 of shape (2, m)
    train_Y -- which team won each header (0 or 1), int64 of shape (1, m)
    test_X -- header positions of the test set, float64 of shape (2, m_test)
    test_Y -- labels of the test set, int64 of shape (1, m_test)
    """
    path = Path(path) if path is not None else DATA_PATH
    if not path.is_file():
        raise FileNotFoundError(
            f"Dataset not found at {path}. Keep the datasets/ folder beside reg_utils.py, "
            "or pass the path of the .mat file to load_2D_dataset(path).")
    data = scipy.io.loadmat(path)
    missing = {"X", "y", "Xval", "yval"} - data.keys()
    if missing:
        raise ValueError(f"{path} lacks the keys {sorted(missing)}; expected X, y, Xval, yval.")
    train_X = np.asarray(data["X"], dtype=np.float64).T
    train_Y = np.asarray(data["y"], dtype=np.int64).T
    test_X = np.asarray(data["Xval"], dtype=np.float64).T
    test_Y = np.asarray(data["yval"], dtype=np.int64).T
    for name, X, Y in (("training", train_X, train_Y), ("test", test_X, test_Y)):
        if X.shape[0] != 2 or Y.shape != (1, X.shape[1]):
            raise ValueError(f"{path}: the {name} set has X of shape {X.T.shape} and y of shape "
                             f"{Y.T.shape}; expected (m, 2) and (m, 1).")
    return train_X, train_Y, test_X, test_Y


def plot_2D_dataset(X, Y, ax=None, title=None):
    """Scatter-plot a 2-D dataset, one colour per label.

    Arguments:
    X -- points, of shape (2, m)
    Y -- labels (0 or 1), of shape (1, m)
    ax -- matplotlib axes to draw on (default: the current axes)
    title -- optional title of the axes

    Returns:
    ax -- the axes drawn on
    """
    ax = ax if ax is not None else plt.gca()
    labels = np.ravel(Y)
    for label, (colour, name) in enumerate(zip(CLASS_COLOURS, ("opponents win", "our team wins"))):
        points = X[:, labels == label]
        ax.scatter(points[0], points[1], s=18, c=colour, edgecolors="k", linewidths=0.3, label=name)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_boundary(predict_fn, X, Y, ax=None, title=None, step=0.01):
    """Shade the regions a classifier assigns to each label and overlay the data.

    Arguments:
    predict_fn -- function mapping points of shape (2, k) to labels of shape (1, k) or (k,)
    X -- points, of shape (2, m)
    Y -- labels (0 or 1), of shape (1, m)
    ax -- matplotlib axes to draw on (default: the current axes)
    title -- optional title of the axes
    step -- spacing of the evaluation grid, in the units of X

    Returns:
    ax -- the axes drawn on
    """
    ax = ax if ax is not None else plt.gca()
    margin = 0.1
    x1 = np.arange(X[0].min() - margin, X[0].max() + margin, step)
    x2 = np.arange(X[1].min() - margin, X[1].max() + margin, step)
    grid1, grid2 = np.meshgrid(x1, x2)
    grid = np.vstack([grid1.ravel(), grid2.ravel()])
    labels = np.asarray(predict_fn(grid), dtype=float).reshape(grid1.shape)
    ax.contourf(grid1, grid2, labels, levels=[-0.5, 0.5, 1.5], colors=CLASS_COLOURS, alpha=0.25)
    ax.contour(grid1, grid2, labels, levels=[0.5], colors="k", linewidths=0.8)
    return plot_2D_dataset(X, Y, ax=ax, title=title)


def plot_costs(costs, every, ax=None, title=None):
    """Plot a learning curve.

    Arguments:
    costs -- list of costs recorded during training
    every -- number of iterations between two recorded costs
    ax -- matplotlib axes to draw on (default: the current axes)
    title -- optional title of the axes

    Returns:
    ax -- the axes drawn on
    """
    ax = ax if ax is not None else plt.gca()
    ax.plot(np.arange(len(costs)) * every, costs)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if title:
        ax.set_title(title)
    return ax
