"""Visible tests of the Tuning assignment, run by the notebook's test cells.

Each ``<function>_test(target)`` calls your function on its documented case
(the ``<function>_test_case()`` builders below) and checks, in this order, the
type, the shape and the values of what it returns against ``EXPECTED``. When
everything matches it prints the values and "All tests passed."; otherwise it
raises ``TestFailure`` with a message that names the function and the
quantity, shows what was expected and what was found and, when it recognises
the mistake, says what probably caused it.

The ``check_<function>`` functions hold the comparisons and the diagnoses;
they take the expected values as an argument, so that the autograder's hidden
tests run them on other cases.

The builders draw from generators of their own (seeds 2, 3 and those of
``tiny_problem``), or build their inputs without random numbers, so a
builder returns the same inputs whenever it is called, whatever ran before it.
"""

import math

import numpy as np

from checking import (TestFailure, as_number, as_numbers, call, close, compare, compare_gradients,  # noqa: F401
                      conclude, describe_value, expected_and_found, holds_none, missing_keys, needs_type,
                      reveal_values)
from reg_utils import backward_propagation, compute_cost, forward_propagation, update_parameters
from testCases import Y_TEST, draw_parameters, tiny_problem

# ---------------------------------------------------------------------------
# The documented cases
# ---------------------------------------------------------------------------

def compute_cost_with_l1_test_case():
    """Inputs of compute_cost_with_l1's test (use lambd=0.1).

    Returns:
    A3 -- predicted probabilities (the forward pass of X = randn(3, 5) with these parameters), of shape (1, 5)
    Y -- true labels, of shape (1, 5)
    parameters -- dict with W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    """
    rng = np.random.RandomState(2)
    X = rng.randn(3, 5)
    parameters = draw_parameters(rng)
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
    parameters = draw_parameters(rng)
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
# The documented expected outputs: the instructor solution's, rounded to 8 digits
# (compared with np.allclose(found, expected, rtol=1e-5, atol=1e-7)).
EXPECTED = {
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


# ---------------------------------------------------------------------------
# The checks of Tuning's graded functions
# ---------------------------------------------------------------------------

# The names of the items that Tuning's functions return as tuples.
RETURNS = {
    "split_dataset": ("X_train", "Y_train", "X_dev", "Y_dev"),
    "choose_lambda": ("best_lambd", "train_accuracies", "dev_accuracies"),
    "model_with_early_stopping": ("best_parameters", "best_iteration", "dev_costs"),
}


def named(function, result):
    """A tuple returned by function as a dict of its items by name (the form the checks take as expected)."""
    return dict(zip(RETURNS[function], result))


def check_compute_cost_with_l1(cost, expected, A3, Y, parameters, lambd):
    """Problems with the cost returned for these inputs (an empty list when it is right)."""
    m = Y.shape[1]
    weights = [parameters[f"W{l}"] for l in (1, 2, 3)]
    absolute = [float(np.sum(np.abs(W))) for W in weights]
    squares = sum(float(np.sum(np.square(W))) for W in weights)
    cross_entropy = compute_cost(A3, Y)
    biases = sum(float(np.sum(np.abs(parameters[f"b{l}"]))) for l in (1, 2, 3))
    causes = [
        (cross_entropy, "it equals the cross-entropy cost alone: the L1 regularisation cost is missing or zero."),
        (cross_entropy + lambd * sum(absolute), "the L1 term is m times too large: did you forget the 1/m?"),
        (cross_entropy + lambd / (2 * m) * sum(absolute),
         "the L1 term is half what it should be: its factor is lambd/m (the 1/2 belongs to the L2 cost)."),
        (cross_entropy + lambd / m * squares,
         "the L1 term squares the weights (that is L2): sum their absolute values, np.sum(np.abs(W1))."),
        (cross_entropy + lambd / (2 * m) * squares,
         "it is the L2-regularised cost: the L1 term is (lambd/m) times the sum of the absolute values of the weights."),
        (cross_entropy + lambd / m * (sum(absolute) + biases),
         "the biases are penalised too: the L1 term sums the absolute values of W1, W2 and W3 only."),
        (cross_entropy + lambd / m * sum(abs(float(np.sum(W))) for W in weights),
         "the L1 term takes the absolute value of each matrix's sum: sum the absolute values, np.sum(np.abs(W1))."),
        (cross_entropy + lambd / m * sum(float(np.sum(W)) for W in weights),
         "the L1 term sums the weights with their signs, so that positive and negative weights cancel out: "
         "sum their absolute values, np.sum(np.abs(W1))."),
        (cross_entropy + lambd / m * sum(float(np.mean(np.abs(W))) for W in weights),
         "the L1 term uses np.mean, which divides by the number of weights: sum with np.sum."),
    ]
    for l in range(3):
        causes.append((cross_entropy + lambd / m * (sum(absolute) - absolute[l]),
                       f"the L1 term leaves out W{l + 1}: add the absolute values of the weights of all three layers."))
    problem = compare("compute_cost_with_l1", "cost", cost, float(expected), causes)
    return [problem] if problem else []


def check_backward_propagation_with_l1(gradients, expected, X, Y, cache, lambd):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name
    """
    function = "backward_propagation_with_l1"
    problems = needs_type(function, gradients, dict) or missing_keys(function, gradients, expected)
    if problems:
        return problems
    m = X.shape[1]
    plain = backward_propagation(X, Y, cache)
    causes = {}
    for name, (W, layer) in {"dW1": (cache[2], "W1"), "dW2": (cache[6], "W2"), "dW3": (cache[10], "W3")}.items():
        sign = np.sign(W)
        at_zero = (f"where {layer} is exactly 0 the term should be 0, since np.sign(0) is 0, but yours gives "
                   "lambd/m or -lambd/m there: use np.sign.")
        causes[name] = [
            (plain[name], f"{name} differs from the expected value by exactly (lambd/m)*np.sign({layer}): "
                          "did you forget the regularisation term?"),
            (plain[name] + lambd / m * W, f"the term is (lambd/m)*{layer}, the gradient of the L2 cost: "
                                          f"the L1 cost's is (lambd/m)*np.sign({layer})."),
            (plain[name] + lambd * sign, f"the term is lambd*np.sign({layer}): divide it by m."),
            (plain[name] + lambd / (2 * m) * sign,
             f"the term is (lambd/(2m))*np.sign({layer}): the L1 cost has no 1/2, its gradient is "
             f"(lambd/m)*np.sign({layer})."),
            (plain[name] - lambd / m * sign, f"the term is subtracted: add (lambd/m)*np.sign({layer})."),
            (plain[name] + lambd / m * np.abs(W),
             f"the term uses np.abs({layer}): the derivative of |w| is the sign of w, np.sign({layer})."),
            (plain[name] + lambd / m * np.where(W >= 0, 1, -1), at_zero),
            (plain[name] + lambd / m * np.where(W > 0, 1, -1), at_zero),
        ]
        if np.any(W == 0):
            with np.errstate(invalid="ignore"):
                causes[name].append((plain[name] + lambd / m * (np.abs(W) / W),
                                     f"it is NaN where {layer} is exactly 0: np.abs({layer}) / {layer} divides 0 by "
                                     f"0 there. Use np.sign({layer}), which is 0 at 0."))
    for l, b in ((1, cache[3]), (2, cache[7]), (3, cache[11])):
        causes[f"db{l}"] = [(plain[f"db{l}"] + lambd / m * np.sign(b),
                             f"db{l} has a regularisation term: L1 regularisation penalises the weights only, "
                             "so the biases' gradients stay as in the plain backward pass.")]
    return compare_gradients(function, gradients, expected, causes)


def _split_positions(X, result):
    """For each of X_train and X_dev in a split's result, the index in X of each column (None if not a column of X)."""
    lookup = {tuple(column): j for j, column in enumerate(np.asarray(X, dtype=float).T)}
    return [[lookup.get(tuple(column)) for column in np.asarray(part, dtype=float).T] for part in (result[0], result[2])]


def _split_by(order, m_train, X, Y, dev_first=False):
    """The split that takes the examples in this order: training set first (or dev set first)."""
    order = np.asarray(order)
    m_dev = len(order) - m_train
    train, dev = (order[m_dev:], order[:m_dev]) if dev_first else (order[:m_train], order[m_train:])
    return X[:, train], Y[:, train], X[:, dev], Y[:, dev]


def _same_split(first, second):
    """True when two results of split_dataset hold the same four arrays."""
    try:
        return all(close(a, b) for a, b in zip(first, second, strict=True))
    except (TypeError, ValueError):
        return False


def check_split_dataset(result, expected, X, Y, dev_fraction, seed, again=None):
    """Problems with the split returned for these inputs (an empty list when it is right).

    The split is checked by what it must be before it is compared with the documented one: four
    arrays of the right shapes, whose columns are columns of X, every example in exactly one part,
    each label with its example, and the same split again for the same seed. Each example is found
    by its column, so the columns of X must all differ.

    expected -- dict with the expected "X_train", "Y_train", "X_dev" and "Y_dev"
    again -- the result of a second call with the same arguments (None to skip that check)
    """
    function = "split_dataset"
    problems = needs_type(function, result, tuple, 4)
    if problems:
        return problems
    found = named(function, result)
    m = X.shape[1]
    m_dev = np.shape(expected["X_dev"])[1]
    m_train = m - m_dev
    shapes = {"X_train": (X.shape[0], m_train), "Y_train": (Y.shape[0], m_train),
              "X_dev": (X.shape[0], m_dev), "Y_dev": (Y.shape[0], m_dev)}
    unfinished = [problem for name, value in found.items() if (problem := holds_none(function, name, value))]
    if unfinished:
        return unfinished
    for name, value in found.items():
        if not isinstance(value, np.ndarray):
            return [f"{function}: {name} should be a numpy array of shape {shapes[name]}, "
                    f"but it is {describe_value(value)}."]
    if [value.shape for value in result] == [shapes[name] for name in ("X_train", "X_dev", "Y_train", "Y_dev")] \
            and shapes["X_dev"] != shapes["Y_train"]:
        return [f"{function} returns X_train, X_dev, Y_train, Y_dev: return them in the order "
                "(X_train, Y_train, X_dev, Y_dev)."]
    for name, value in found.items():
        if value.shape != shapes[name]:
            message = f"{function}: {name} should have shape {shapes[name]}, but it has shape {value.shape}."
            columns = value.shape[1] if value.ndim == 2 and value.shape[0] == shapes[name][0] else None
            dev = name.endswith("_dev")
            # Sizes of the dev set that other roundings give.
            roundings = [(int(dev_fraction * m), "int(dev_fraction * m), which truncates"),
                         (math.floor(dev_fraction * m + 0.5), "rounding a half up"),
                         (math.ceil(dev_fraction * m), "math.ceil, which rounds up"),
                         (m - round((1 - dev_fraction) * m), "rounding the training set's size instead")]
            size = None if columns is None else (columns if dev else m - columns)
            ways = [way for rounded, way in roundings if rounded == size != m_dev]
            if ways:
                message += (f"\n  Likely cause: the dev set has {size} examples, what {' or '.join(ways)} "
                            f"give{'s' if len(ways) == 1 else ''}: m_dev = round(dev_fraction * m) = {m_dev} (Python "
                            "rounds a half to the even neighbour, round(2.5) = 2), and m_train = m - m_dev.")
            elif dev and m_dev == 0 and columns == m:
                message += ("\n  Likely cause: with m_dev = 0, X_shuffled[:, -m_dev:] is X_shuffled[:, 0:], every "
                            "example: take the dev set from m_train, X_shuffled[:, m_train:].")
            elif columns is not None and columns == (m_train if dev else m_dev) != shapes[name][1]:
                message += ("\n  Likely cause: the training and dev sets are swapped: the dev set is the last "
                            "round(dev_fraction * m) shuffled examples, the training set the others.")
            elif value.shape == shapes[name][::-1]:
                message += "\n  Likely cause: it is transposed: examples are the columns."
            return [message]
    positions = _split_positions(X, result)
    for name, indices in zip(("X_train", "X_dev"), positions):
        if None in indices:
            return [f"{function}: some columns of {name} are not columns of X.\n  Likely cause: the examples are "
                    "the columns of X: move whole columns, X[:, permutation], never rows or single entries."]
    train, dev = positions
    counts = np.bincount(train + dev, minlength=m)
    if not np.all(counts == 1):
        return [f"{function}: the training and dev sets together should hold each of the {m} examples exactly "
                f"once, but they do not ({int(np.sum(counts == 0))} missing, {int(np.sum(counts > 1))} there more "
                "than once).\n  Likely cause: draw the order with rng.permutation(m), which uses each index once, "
                "and cut it in two parts that do not overlap: [:, :m_train] and [:, m_train:]."]
    for name, indices in (("Y_train", train), ("Y_dev", dev)):
        if not close(found[name], Y[:, indices]):
            message = (f"{function}: the labels in {name} are not those of the examples in X_{name[2:]}."
                       + expected_and_found(Y[:, indices], found[name]))
            unshuffled = Y[:, :m_train] if name == "Y_train" else Y[:, m_train:]
            if close(found[name], unshuffled):
                message += "\n  Likely cause: Y was not shuffled: shuffle it with the same permutation as X."
            else:
                message += ("\n  Likely cause: Y was shuffled in another order than X: index both with the same "
                            "permutation, X[:, permutation] and Y[:, permutation].")
            return [message]
    if again is not None and not _same_split(result, again):
        return [f"{function} gave two different splits in two calls with the same seed.\n  Likely cause: it draws "
                "from numpy's global generator (np.random.permutation, np.random.shuffle) or from a generator made "
                "without the seed: draw only from rng = np.random.default_rng(seed)."]
    wanted = {name: np.asarray(expected[name], dtype=(X if name.startswith("X") else Y).dtype) for name in found}
    if all(close(found[name], wanted[name]) for name in found):
        return []
    expected_order = _split_positions(X, [wanted[name] for name in RETURNS[function]])
    expected_order = expected_order[0] + expected_order[1]
    message = (f"{function}: the split is a valid one (each example once, labels with their examples), but not the "
               f"documented one for seed = {seed}." + expected_and_found(wanted["X_dev"], found["X_dev"], " X_dev"))
    legacy = np.random.RandomState(seed).permutation(m) if isinstance(seed, (int, np.integer)) else None
    if legacy is not None and _same_split(result, _split_by(legacy, m_train, X, Y)):
        message += ("\n  Likely cause: it shuffles with numpy's legacy generator seeded with seed "
                    "(np.random.RandomState(seed), or np.random.seed(seed) then np.random.permutation): draw from "
                    "rng = np.random.default_rng(seed), and leave the global generator alone.")
    elif _same_split(result, _split_by(expected_order, m_train, X, Y, dev_first=True)):
        message += ("\n  Likely cause: the dev set is taken from the start of the shuffled examples: the training "
                    "set is the first m - round(dev_fraction * m) of them, the dev set the rest.")
    else:
        for other in (0, 1, 42):
            if other != seed and _same_split(
                    result, _split_by(np.random.default_rng(other).permutation(m), m_train, X, Y)):
                message += (f"\n  Likely cause: it is the split of seed = {other}: make the generator from the "
                            "seed argument, np.random.default_rng(seed).")
                break
        else:
            message += ("\n  Likely cause: the order of the examples should be rng.permutation(m), with "
                        "rng = np.random.default_rng(seed), drawn once and used for both X and Y.")
    return [message]


def check_choose_lambda(result, expected, train, dev, lambdas, parameters, num_iterations, learning_rate):
    """Problems with (best_lambd, train_accuracies, dev_accuracies) returned for these inputs (empty when right).

    expected -- dict with the expected "best_lambd", "train_accuracies" and "dev_accuracies"
    """
    function = "choose_lambda"
    problems = needs_type(function, result, tuple, 3)
    if problems:
        return problems
    found = named(function, result)
    unfinished = [problem for name, value in found.items() if (problem := holds_none(function, name, value))]
    if unfinished:
        return unfinished
    expected_accuracies = {name: np.array(expected[name], dtype=float)
                           for name in ("train_accuracies", "dev_accuracies")}
    accuracies = {}
    for name, other in (("train_accuracies", "dev_accuracies"), ("dev_accuracies", "train_accuracies")):
        values = as_numbers(found[name])
        if values is None:
            problems.append(f"{function}: {name} should be a list of {len(lambdas)} numbers, one per lambd, "
                            f"but it is {describe_value(found[name])}.")
            continue
        if len(values) != len(lambdas):
            problems.append(f"{function}: {name} should hold {len(lambdas)} numbers, one per lambd in lambdas, "
                            f"but it holds {len(values)}.")
            continue
        accuracies[name] = values
        wanted = expected_accuracies[name]
        causes = [
            (expected_accuracies[other], f"{name} holds the {other.split('_')[0]} accuracies: train each model on "
                                         "the training set, then measure it on each set."),
            (wanted * 100, f"{name} holds percentages: an accuracy is a fraction, between 0 and 1."),
            (1 - wanted, f"{name} holds error rates: an accuracy is the fraction of examples predicted right."),
        ]
        if name == "dev_accuracies" and close(values, accuracies.get("train_accuracies")) \
                and not close(wanted, expected_accuracies["train_accuracies"]):
            causes.insert(0, (values, "dev_accuracies equals train_accuracies: measure the dev accuracy on "
                                      "X_dev and Y_dev."))
        if len(values) > 1 and np.all(values == values[0]) and not np.all(wanted == wanted[0]):
            causes.append((values, "every lambd gives the same accuracy: pass lambd to train_model, so that each "
                                   "model is trained with its own lambd."))
        problem = compare(function, name, values, wanted, causes)
        if problem:
            problems.append(problem)
    best = found["best_lambd"]
    if as_number(best) is None:
        problems.append(f"{function}: best_lambd should be a number, one of lambdas, but it is {describe_value(best)}.")
        return problems
    if close(as_number(best), float(expected["best_lambd"])):
        return problems
    dev_accuracies = expected_accuracies["dev_accuracies"]
    train_accuracies = expected_accuracies["train_accuracies"]
    best_dev = np.flatnonzero(dev_accuracies == dev_accuracies.max())
    best_train = np.flatnonzero(train_accuracies == train_accuracies.max())
    right = int(best_dev[-1])
    but_last = np.flatnonzero(dev_accuracies[:-1] == dev_accuracies[:-1].max())[-1] if len(lambdas) > 1 else right
    causes = [
        (float(right), "best_lambd is the position of the best lambd in lambdas: return the value, lambdas[index]."),
        (lambdas[int(but_last)], "best_lambd is the best of every lambd but the last: the loop that chooses "
                                 "must go over all of lambdas (range(len(lambdas)), not len(lambdas) - 1)."),
        *[(lambdas[int(np.flatnonzero(np.round(dev_accuracies, digits) == np.round(dev_accuracies, digits).max())[-1])],
           f"best_lambd is chosen by dev accuracies rounded to {digits} decimal(s): compare the accuracies "
           "themselves, unrounded.") for digits in (1, 2)],
        *[(lambdas[int(tied)], f"{len(best_dev)} values of lambd tie for the best dev accuracy, and ties go to the "
                               "largest of them (the most regularised, simplest model), whatever else differs.")
          for tied in best_dev[:-1]],
        (lambdas[int(best_train[-1])], "best_lambd has the best training accuracy: choose lambd by its dev accuracy."),
        (lambdas[int(best_train[0])], "best_lambd has the best training accuracy: choose lambd by its dev accuracy."),
    ]
    problem = compare(function, "best_lambd", as_number(best), float(expected["best_lambd"]),
                      [(value, text) for value, text in causes if not close(value, expected["best_lambd"])])
    problems.append(problem + ("" if "Likely cause" in problem else
                               "\n  (best_lambd is the largest lambd among those with the best dev accuracy.)"))
    return problems


def _gradient_descent(X, Y, parameters, num_iterations, learning_rate):
    """The parameters after 0, 1, ..., num_iterations steps of plain gradient descent (for diagnoses)."""
    path = [parameters]
    for _ in range(num_iterations):
        _, cache = forward_propagation(X, path[-1])
        path.append(update_parameters(path[-1], backward_propagation(X, Y, cache), learning_rate))
    return path


def check_model_with_early_stopping(result, expected, X_train, Y_train, X_dev, Y_dev, parameters, num_iterations,
                                    learning_rate):
    """Problems with (best_parameters, best_iteration, dev_costs) returned for these inputs (empty when right).

    expected -- dict with the expected "best_parameters" (a dict, some or all of W1, ..., b3),
                "best_iteration" and "dev_costs"
    """
    function = "model_with_early_stopping"
    problems = needs_type(function, result, tuple, 3)
    if problems:
        return problems
    found = named(function, result)
    unfinished = [problem for name, value in found.items() if (problem := holds_none(function, name, value))]
    if unfinished:
        return unfinished
    path = _gradient_descent(X_train, Y_train, parameters, num_iterations, learning_rate)
    wanted_costs = np.array(expected["dev_costs"], dtype=float)
    costs = as_numbers(found["dev_costs"])
    if costs is None:
        return [f"{function}: dev_costs should be a list of {num_iterations + 1} numbers, but it is "
                f"{describe_value(found['dev_costs'])}."]
    if len(costs) != num_iterations + 1:
        return [f"{function}: dev_costs should hold {num_iterations + 1} numbers, the dev cost of the initial "
                f"parameters (iteration 0) then one after each of the {num_iterations} iterations, but it holds "
                f"{len(costs)}."]
    train_costs = [compute_cost(forward_propagation(X_train, p)[0], Y_train) for p in path]
    on_training_set = ("dev_costs holds costs on the training set: compute the cost on the dev set, "
                       "compute_cost(forward_propagation(X_dev, parameters)[0], Y_dev).")
    problem = compare(function, "dev_costs", costs, wanted_costs, [
        (train_costs, on_training_set), ([wanted_costs[0]] + train_costs[1:], on_training_set)])
    if problem:
        return [problem + "\n  (best_iteration and best_parameters depend on dev_costs: they are checked once it "
                          "is right.)"]
    iteration = found["best_iteration"]
    wanted = int(expected["best_iteration"])
    if not isinstance(iteration, (int, np.integer)) or isinstance(iteration, (bool, np.bool_)):
        return [f"{function}: best_iteration should be an int, but it is {describe_value(iteration)}."]
    if iteration != wanted:
        ties = np.flatnonzero(wanted_costs == wanted_costs[wanted])
        if reveal_values.get():
            message = (f"{function}: best_iteration should be {wanted}, the first iteration with the smallest dev "
                       f"cost, but it is {iteration}.")
        else:
            message = f"{function}: best_iteration is not the first iteration with the smallest dev cost."
        if len(ties) > 1 and iteration in ties:
            message += (f"\n  Likely cause: {len(ties)} iterations share the smallest dev cost, and the first of them "
                        "is the best: replace the best only when the new dev cost is strictly smaller (<, not <=).")
        elif abs(iteration - wanted) == 1:
            message += ("\n  Likely cause: it is one off: iteration i is the parameters after i updates, so "
                        "dev_costs[best_iteration] must be the smallest value of dev_costs.")
        elif iteration == num_iterations:
            message += ("\n  Likely cause: it is the last iteration: remember the best dev cost so far and change "
                        "best_iteration only when the dev cost improves on it.")
        elif 0 <= iteration <= num_iterations:
            evidence = (f"dev_costs[{iteration}] = {wanted_costs[iteration]:.8f} is not the smallest: "
                        f"dev_costs[{wanted}] = {wanted_costs[wanted]:.8f}" if reveal_values.get() else
                        "dev_costs[best_iteration] is not the smallest dev cost")
            message += (f"\n  Likely cause: {evidence}. Compare each new dev cost with the best so far, "
                        "dev_costs[best_iteration], not with the previous one.")
        return [message]
    best = found["best_parameters"]
    if not isinstance(best, dict):
        return [f"{function}: best_parameters should be a dict of W1, b1, ..., b3, but it is {describe_value(best)}."]
    missing = [key for key in expected["best_parameters"] if key not in best]
    if missing:
        return [f"{function}: best_parameters has no {', '.join(repr(key) for key in missing)}."]
    wanted_parameters = {key: np.array(value) for key, value in expected["best_parameters"].items()}
    if all(close(best[key], wanted_parameters[key]) for key in wanted_parameters):
        return []
    for reference, explanation in (
            (path[-1], f"best_parameters are the parameters after the last iteration, not after iteration {wanted}.\n"
                       "  Likely cause: best_parameters = parameters (or dict(parameters)) keeps the same arrays, "
                       "which the training loop then changes in place: store a copy, copy.deepcopy(parameters)."),
            (path[0], "best_parameters are the initial parameters: copy the parameters each time the dev cost "
                      "improves.")):
        if all(close(best[key], reference[key]) for key in wanted_parameters) and \
                not all(close(reference[key], wanted_parameters[key]) for key in wanted_parameters):
            return [f"{function}: {explanation}"]
    return [problem for key in wanted_parameters
            if (problem := compare(function, f"best_parameters['{key}']", best[key], wanted_parameters[key]))]


# ---------------------------------------------------------------------------
# The visible tests the notebook runs
# ---------------------------------------------------------------------------

def compute_cost_with_l1_test(target):
    """Test compute_cost_with_l1 on the documented case (lambd = 0.1)."""
    __tracebackhide__ = True  # noqa: F841
    A3, Y, parameters = compute_cost_with_l1_test_case()
    cost = call(target, A3, Y, parameters, 0.1)
    expected = EXPECTED["compute_cost_with_l1"]["cost"]
    conclude(check_compute_cost_with_l1(cost, expected, A3, Y, parameters, 0.1), {"cost": cost})


def backward_propagation_with_l1_test(target):
    """Test backward_propagation_with_l1 on the documented case (lambd = 0.7)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = backward_propagation_with_l1_test_case()
    gradients = call(target, X, Y, cache, 0.7)
    expected = EXPECTED["backward_propagation_with_l1"]
    problems = check_backward_propagation_with_l1(gradients, expected, X, Y, cache, 0.7)
    conclude(problems, {name: gradients[name] for name in ("dW1", "dW2", "dW3")} if not problems else {})


def _global_state():
    state = np.random.get_state()
    return state[1].copy(), state[2]


def split_dataset_test(target):
    """Test split_dataset on the documented case (dev_fraction = 0.3, seed = 1).

    Calls it twice, to check that the same seed gives the same split, and checks that
    numpy's global generator is left as it was.
    """
    __tracebackhide__ = True  # noqa: F841
    X, Y = split_dataset_test_case()
    np.random.seed(0)
    before = _global_state()
    result = call(target, X, Y, 0.3, 1)
    again = call(target, X, Y, 0.3, 1)
    after = _global_state()
    expected = EXPECTED["split_dataset"]
    problems = check_split_dataset(result, expected, X, Y, 0.3, 1, again)
    if not problems and not (np.array_equal(before[0], after[0]) and before[1] == after[1]):
        problems.append("split_dataset changed the state of numpy's global generator.\n  Likely cause: it calls "
                        "np.random.seed or draws from np.random: draw only from rng = np.random.default_rng(seed), "
                        "so that the caller's random numbers do not depend on your function.")
    conclude(problems, named("split_dataset", result) if not problems else {})


def choose_lambda_test(target):
    """Test choose_lambda on the documented case (num_iterations = 300, learning_rate = 0.5)."""
    __tracebackhide__ = True  # noqa: F841
    train, dev, lambdas, parameters = choose_lambda_test_case()
    result = call(target, train, dev, lambdas, parameters, 300, 0.5)
    expected = EXPECTED["choose_lambda"]
    problems = check_choose_lambda(result, expected, train, dev, lambdas, parameters, 300, 0.5)
    if problems:
        conclude(problems, {})
    best_lambd, train_accuracies, dev_accuracies = result
    conclude(problems, {"best_lambd": best_lambd, "train_accuracies": np.array(train_accuracies, dtype=float),
                         "dev_accuracies": np.array(dev_accuracies, dtype=float)})


def model_with_early_stopping_test(target):
    """Test model_with_early_stopping on the documented case (num_iterations = 30, learning_rate = 1.0)."""
    __tracebackhide__ = True  # noqa: F841
    X_train, Y_train, X_dev, Y_dev, parameters = model_with_early_stopping_test_case()
    result = call(target, X_train, Y_train, X_dev, Y_dev, parameters, 30, 1.0)
    expected = EXPECTED["model_with_early_stopping"]
    problems = check_model_with_early_stopping(result, expected, X_train, Y_train, X_dev, Y_dev, parameters, 30, 1.0)
    if problems:
        conclude(problems, {})
    # A tie: with learning_rate = 0 the parameters never move, every dev cost is the same, and iteration 0 is best.
    tied = call(target, X_train, Y_train, X_dev, Y_dev, parameters, 5, 0.0)
    start = compute_cost(forward_propagation(X_dev, parameters)[0], Y_dev)
    problems = check_model_with_early_stopping(tied, {"best_parameters": parameters, "best_iteration": 0,
                                                      "dev_costs": [start] * 6},
                                               X_train, Y_train, X_dev, Y_dev, parameters, 5, 0.0)
    on_a_tie = "model_with_early_stopping, on a tie (learning_rate = 0, so every dev cost is the same),"
    if problems:
        conclude([problem.replace("model_with_early_stopping", on_a_tie, 1) for problem in problems], {})
    shared = [key for key, value in tied[0].items()
              if any(np.may_share_memory(value, array) for array in parameters.values())]
    if shared:
        conclude([f"{on_a_tie} returned arrays that belong to the caller as best_parameters ({', '.join(shared)}), "
                  "where it promises arrays of its own.\n  Likely cause: returning the parameters it was given, or a "
                  "shallow copy (dict(parameters)): copy them, copy.deepcopy(parameters)."], {})
    best_parameters, best_iteration, dev_costs = result
    conclude(problems, {"best_iteration": best_iteration, "dev_costs[best_iteration]": dev_costs[best_iteration],
                         "dev_costs[-1]": dev_costs[-1], "best_parameters['W3']": best_parameters["W3"]})
