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
from dataclasses import replace

import numpy as np

from checking import (Cause, Problem, TestFailure, as_number, as_numbers, call, close, compare,  # noqa: F401
                      compare_gradients, conclude, describe_value, expected_and_found, holds_none, missing_keys,
                      needs_type, RETURNED_CALLERS_ARRAYS, reveal_values)
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


L1_COST_LEAVES_OUT = Cause("l1-cost-leaves-out-{layer}", "the L1 term leaves out {layer}: add the absolute values "
                                                         "of the weights of all three layers.")


def check_compute_cost_with_l1(cost, expected, A3, Y, parameters, lambd):
    """Problems with the cost returned for these inputs (an empty list when it is right)."""
    m = Y.shape[1]
    weights = [parameters[f"W{l}"] for l in (1, 2, 3)]
    absolute = [float(np.sum(np.abs(W))) for W in weights]
    squares = sum(float(np.sum(np.square(W))) for W in weights)
    cross_entropy = compute_cost(A3, Y)
    biases = sum(float(np.sum(np.abs(parameters[f"b{l}"]))) for l in (1, 2, 3))
    causes = [
        (cross_entropy, Cause("l1-cost-missing", "it equals the cross-entropy cost alone: the L1 regularisation "
                                                 "cost is missing or zero.")),
        (cross_entropy + lambd * sum(absolute),
         Cause("l1-cost-no-1/m", "the L1 term is m times too large: did you forget the 1/m?")),
        (cross_entropy + lambd / (2 * m) * sum(absolute),
         Cause("l1-cost-half", "the L1 term is half what it should be: its factor is lambd/m (the 1/2 belongs to "
                               "the L2 cost).")),
        (cross_entropy + lambd / m * squares,
         Cause("l1-cost-squares", "the L1 term squares the weights (that is L2): sum their absolute values, "
                                  "np.sum(np.abs(W1)).")),
        (cross_entropy + lambd / (2 * m) * squares,
         Cause("l1-cost-is-l2-cost", "it is the L2-regularised cost: the L1 term is (lambd/m) times the sum of the "
                                     "absolute values of the weights.")),
        (cross_entropy + lambd / m * (sum(absolute) + biases),
         Cause("l1-cost-biases", "the biases are penalised too: the L1 term sums the absolute values of W1, W2 and "
                                 "W3 only.")),
        (cross_entropy + lambd / m * sum(abs(float(np.sum(W))) for W in weights),
         Cause("l1-cost-abs-of-sum", "the L1 term takes the absolute value of each matrix's sum: sum the absolute "
                                     "values, np.sum(np.abs(W1)).")),
        (cross_entropy + lambd / m * sum(float(np.sum(W)) for W in weights),
         Cause("l1-cost-signed-sum", "the L1 term sums the weights with their signs, so that positive and negative "
                                     "weights cancel out: sum their absolute values, np.sum(np.abs(W1)).")),
        (cross_entropy + lambd / m * sum(float(np.mean(np.abs(W))) for W in weights),
         Cause("l1-cost-mean", "the L1 term uses np.mean, which divides by the number of weights: sum with "
                               "np.sum.")),
    ]
    for l in range(3):
        causes.append((cross_entropy + lambd / m * (sum(absolute) - absolute[l]),
                       L1_COST_LEAVES_OUT.format(layer=f"W{l + 1}")))
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
        given = {"name": name, "layer": layer}
        causes[name] = [(value, cause.format(**given)) for value, cause in (
            (plain[name], Cause("l1-backward-no-term-{name}", "{name} differs from the expected value by exactly "
                                "(lambd/m)*np.sign({layer}): did you forget the regularisation term?")),
            (plain[name] + lambd / m * W, Cause("l1-backward-l2-term-{name}", "the term is (lambd/m)*{layer}, the "
                                                "gradient of the L2 cost: the L1 cost's is "
                                                "(lambd/m)*np.sign({layer}).")),
            (plain[name] + lambd * sign, Cause("l1-backward-lambd-{name}", "the term is lambd*np.sign({layer}): "
                                               "divide it by m.")),
            (plain[name] + lambd / (2 * m) * sign,
             Cause("l1-backward-half-{name}", "the term is (lambd/(2m))*np.sign({layer}): the L1 cost has no 1/2, "
                   "its gradient is (lambd/m)*np.sign({layer}).")),
            (plain[name] - lambd / m * sign, Cause("l1-backward-subtracted-{name}", "the term is subtracted: add "
                                                   "(lambd/m)*np.sign({layer}).")),
            (plain[name] + lambd / m * np.abs(W),
             Cause("l1-backward-abs-{name}", "the term uses np.abs({layer}): the derivative of |w| is the sign of w, "
                   "np.sign({layer}).")),
            (plain[name] + lambd / m * np.where(W >= 0, 1, -1), L1_BACKWARD_SIGN_AT_ZERO),
            (plain[name] + lambd / m * np.where(W > 0, 1, -1), L1_BACKWARD_SIGN_AT_ZERO),
        )]
        if np.any(W == 0):
            with np.errstate(invalid="ignore"):
                causes[name].append((plain[name] + lambd / m * (np.abs(W) / W),
                                     L1_BACKWARD_NAN_AT_ZERO.format(**given)))
    for l, b in ((1, cache[3]), (2, cache[7]), (3, cache[11])):
        causes[f"db{l}"] = [(plain[f"db{l}"] + lambd / m * np.sign(b), L1_BACKWARD_BIAS_TERM.format(name=f"db{l}"))]
    return compare_gradients(function, gradients, expected, causes)


L1_BACKWARD_SIGN_AT_ZERO = Cause("l1-backward-sign-at-0-{name}", "where {layer} is exactly 0 the term should be 0, "
                                                                 "since np.sign(0) is 0, but yours gives lambd/m or "
                                                                 "-lambd/m there: use np.sign.")
L1_BACKWARD_NAN_AT_ZERO = Cause("l1-backward-nan-at-0-{name}", "it is NaN where {layer} is exactly 0: np.abs({layer}) "
                                                               "/ {layer} divides 0 by 0 there. Use np.sign({layer}), "
                                                               "which is 0 at 0.")
L1_BACKWARD_BIAS_TERM = Cause("l1-backward-bias-term-{name}", "{name} has a regularisation term: L1 regularisation "
                                                              "penalises the weights only, so the biases' gradients "
                                                              "stay as in the plain backward pass.")


def _split_positions(X, result):
    """For each of X_train and X_dev in a split's result, the index in X of each column (None if not a column of X)."""
    lookup = {tuple(column): j for j, column in enumerate(np.asarray(X, dtype=float).T)}
    return [[lookup.get(tuple(column)) for column in np.asarray(part, dtype=float).T]
            for part in (result[0], result[2])]


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
            return [Problem(f"{function}: {name} should be a numpy array of shape {shapes[name]}, "
                            f"but it is {describe_value(value)}.", "wrong-type", quantity=name)]
    if [value.shape for value in result] == [shapes[name] for name in ("X_train", "X_dev", "Y_train", "Y_dev")] \
            and shapes["X_dev"] != shapes["Y_train"]:
        return [Problem(f"{function} returns X_train, X_dev, Y_train, Y_dev: return them in the order "
                        "(X_train, Y_train, X_dev, Y_dev).", "wrong-order")]
    for name, value in found.items():
        if value.shape != shapes[name]:
            problem = Problem(f"{function}: {name} should have shape {shapes[name]}, but it has shape {value.shape}.",
                              "wrong-shape", quantity=name)
            columns = value.shape[1] if value.ndim == 2 and value.shape[0] == shapes[name][0] else None
            dev = name.endswith("_dev")
            # Sizes of the dev set that other roundings give, each with the id of its mistake.
            roundings = [(int(dev_fraction * m), "truncated", "int(dev_fraction * m), which truncates"),
                         (math.floor(dev_fraction * m + 0.5), "half-up", "rounding a half up"),
                         (math.ceil(dev_fraction * m), "ceil", "math.ceil, which rounds up"),
                         (m - round((1 - dev_fraction) * m), "train-rounded",
                          "rounding the training set's size instead")]
            size = None if columns is None else (columns if dev else m - columns)
            ways = [(key, way) for rounded, key, way in roundings if rounded == size != m_dev]
            if ways:
                problem = problem.because(SPLIT_DEV_SIZE.format(
                    keys="-or-".join(key for key, _ in ways), size=size, ways=" or ".join(way for _, way in ways),
                    s="s" if len(ways) == 1 else "", m_dev=m_dev))
            elif dev and m_dev == 0 and columns == m:
                problem = problem.because(SPLIT_DEV_FROM_END)
            elif columns is not None and columns == (m_train if dev else m_dev) != shapes[name][1]:
                problem = problem.because(SPLIT_SETS_SWAPPED)
            elif value.shape == shapes[name][::-1]:
                problem = problem.because(SPLIT_TRANSPOSED.format(name=name))
            return [problem]
    positions = _split_positions(X, result)
    for name, indices in zip(("X_train", "X_dev"), positions):
        if None in indices:
            return [Problem(f"{function}: some columns of {name} are not columns of X.", "not-columns-of-X",
                            SPLIT_NOT_WHOLE_COLUMNS, quantity=name)]
    train, dev = positions
    counts = np.bincount(train + dev, minlength=m)
    if not np.all(counts == 1):
        return [Problem(f"{function}: the training and dev sets together should hold each of the {m} examples "
                        f"exactly once, but they do not ({int(np.sum(counts == 0))} missing, "
                        f"{int(np.sum(counts > 1))} there more than once).", "not-a-partition", SPLIT_NOT_A_PARTITION)]
    for name, indices in (("Y_train", train), ("Y_dev", dev)):
        if not close(found[name], Y[:, indices]):
            unshuffled = Y[:, :m_train] if name == "Y_train" else Y[:, m_train:]
            return [Problem(f"{function}: the labels in {name} are not those of the examples in X_{name[2:]}.",
                            "labels-not-with-examples",
                            SPLIT_Y_NOT_SHUFFLED if close(found[name], unshuffled) else SPLIT_Y_OTHER_ORDER,
                            expected_and_found(Y[:, indices], found[name]), quantity=name)]
    if again is not None and not _same_split(result, again):
        return [Problem(f"{function} gave two different splits in two calls with the same seed.", "not-reproducible",
                        SPLIT_NOT_SEEDED)]
    wanted = {name: np.asarray(expected[name], dtype=(X if name.startswith("X") else Y).dtype) for name in found}
    if all(close(found[name], wanted[name]) for name in found):
        return []
    expected_order = _split_positions(X, [wanted[name] for name in RETURNS[function]])
    expected_order = expected_order[0] + expected_order[1]
    problem = Problem(f"{function}: the split is a valid one (each example once, labels with their examples), but "
                      f"not the documented one for seed = {seed}.", "not-the-documented-split",
                      values=expected_and_found(wanted["X_dev"], found["X_dev"], " X_dev"))
    legacy = np.random.RandomState(seed).permutation(m) if isinstance(seed, (int, np.integer)) else None
    if legacy is not None and _same_split(result, _split_by(legacy, m_train, X, Y)):
        return [problem.because(SPLIT_LEGACY_GENERATOR)]
    if _same_split(result, _split_by(expected_order, m_train, X, Y, dev_first=True)):
        return [problem.because(SPLIT_DEV_FIRST)]
    for other in (0, 1, 42):
        if other != seed and _same_split(result, _split_by(np.random.default_rng(other).permutation(m), m_train, X, Y)):
            return [problem.because(SPLIT_OTHER_SEED.format(other=other))]
    return [problem.because(SPLIT_OTHER_ORDER)]


SPLIT_DEV_SIZE = Cause("split-dev-size-{keys}", "the dev set has {size} examples, what {ways} give{s}: m_dev = "
                                                "round(dev_fraction * m) = {m_dev} (Python rounds a half to the even "
                                                "neighbour, round(2.5) = 2), and m_train = m - m_dev.")
SPLIT_DEV_FROM_END = Cause("split-dev-from-end", "with m_dev = 0, X_shuffled[:, -m_dev:] is X_shuffled[:, 0:], every "
                                                 "example: take the dev set from m_train, X_shuffled[:, m_train:].")
SPLIT_SETS_SWAPPED = Cause("split-sets-swapped", "the training and dev sets are swapped: the dev set is the last "
                                                 "round(dev_fraction * m) shuffled examples, the training set the "
                                                 "others.")
SPLIT_TRANSPOSED = Cause("split-transposed-{name}", "it is transposed: examples are the columns.")
SPLIT_NOT_WHOLE_COLUMNS = Cause("split-not-whole-columns", "the examples are the columns of X: move whole columns, "
                                                           "X[:, permutation], never rows or single entries.")
SPLIT_NOT_A_PARTITION = Cause("split-not-a-partition", "draw the order with rng.permutation(m), which uses each index "
                                                       "once, and cut it in two parts that do not overlap: "
                                                       "[:, :m_train] and [:, m_train:].")
SPLIT_Y_NOT_SHUFFLED = Cause("split-y-not-shuffled", "Y was not shuffled: shuffle it with the same permutation as X.")
SPLIT_Y_OTHER_ORDER = Cause("split-y-other-order", "Y was shuffled in another order than X: index both with the same "
                                                   "permutation, X[:, permutation] and Y[:, permutation].")
SPLIT_NOT_SEEDED = Cause("split-not-seeded", "it draws from numpy's global generator (np.random.permutation, "
                                             "np.random.shuffle) or from a generator made without the seed: draw only "
                                             "from rng = np.random.default_rng(seed).")
SPLIT_LEGACY_GENERATOR = Cause("split-legacy-generator", "it shuffles with numpy's legacy generator seeded with seed "
                                                         "(np.random.RandomState(seed), or np.random.seed(seed) then "
                                                         "np.random.permutation): draw from rng = "
                                                         "np.random.default_rng(seed), and leave the global generator "
                                                         "alone.")
SPLIT_DEV_FIRST = Cause("split-dev-first", "the dev set is taken from the start of the shuffled examples: the training "
                                           "set is the first m - round(dev_fraction * m) of them, the dev set the "
                                           "rest.")
SPLIT_OTHER_SEED = Cause("split-other-seed", "it is the split of seed = {other}: make the generator from the seed "
                                             "argument, np.random.default_rng(seed).")
SPLIT_OTHER_ORDER = Cause("split-other-order", "the order of the examples should be rng.permutation(m), with "
                                               "rng = np.random.default_rng(seed), drawn once and used for both X and "
                                               "Y.")


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
            problems.append(Problem(f"{function}: {name} should be a list of {len(lambdas)} numbers, one per lambd, "
                                    f"but it is {describe_value(found[name])}.", "wrong-type", quantity=name))
            continue
        if len(values) != len(lambdas):
            problems.append(Problem(f"{function}: {name} should hold {len(lambdas)} numbers, one per lambd in "
                                    f"lambdas, but it holds {len(values)}.", "wrong-length", quantity=name))
            continue
        accuracies[name] = values
        wanted = expected_accuracies[name]
        given = {"name": name, "set": other.split("_")[0]}
        causes = [
            (expected_accuracies[other], CHOOSE_OTHER_SET.format(**given)),
            (wanted * 100, CHOOSE_PERCENTAGES.format(**given)),
            (1 - wanted, CHOOSE_ERROR_RATES.format(**given)),
        ]
        if name == "dev_accuracies" and close(values, accuracies.get("train_accuracies")) \
                and not close(wanted, expected_accuracies["train_accuracies"]):
            causes.insert(0, (values, CHOOSE_DEV_ON_TRAINING_SET))
        if len(values) > 1 and np.all(values == values[0]) and not np.all(wanted == wanted[0]):
            causes.append((values, CHOOSE_LAMBD_NOT_PASSED.format(**given)))
        problem = compare(function, name, values, wanted, causes)
        if problem:
            problems.append(problem)
    best = found["best_lambd"]
    if as_number(best) is None:
        problems.append(Problem(f"{function}: best_lambd should be a number, one of lambdas, but it is "
                                f"{describe_value(best)}.", "wrong-type", quantity="best_lambd"))
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
        (float(right), CHOOSE_INDEX),
        (lambdas[int(but_last)], CHOOSE_LAST_LEFT_OUT),
        *[(lambdas[int(np.flatnonzero(np.round(dev_accuracies, digits) == np.round(dev_accuracies, digits).max())[-1])],
           CHOOSE_ROUNDED.format(digits=digits)) for digits in (1, 2)],
        *[(lambdas[int(tied)], CHOOSE_TIE_NOT_LARGEST.format(count=len(best_dev))) for tied in best_dev[:-1]],
        (lambdas[int(best_train[-1])], CHOOSE_BY_TRAINING_ACCURACY),
        (lambdas[int(best_train[0])], CHOOSE_BY_TRAINING_ACCURACY),
    ]
    problem = compare(function, "best_lambd", as_number(best), float(expected["best_lambd"]),
                      [(value, cause) for value, cause in causes if not close(value, expected["best_lambd"])])
    if problem.cause is None:
        problem = replace(problem, note="\n  (best_lambd is the largest lambd among those with the best dev accuracy.)")
    problems.append(problem)
    return problems


CHOOSE_OTHER_SET = Cause("choose-other-set-{name}", "{name} holds the {set} accuracies: train each model on the "
                                                    "training set, then measure it on each set.")
CHOOSE_PERCENTAGES = Cause("choose-percentages-{name}", "{name} holds percentages: an accuracy is a fraction, between "
                                                        "0 and 1.")
CHOOSE_ERROR_RATES = Cause("choose-error-rates-{name}", "{name} holds error rates: an accuracy is the fraction of "
                                                        "examples predicted right.")
CHOOSE_DEV_ON_TRAINING_SET = Cause("choose-dev-on-training-set", "dev_accuracies equals train_accuracies: measure the "
                                                                 "dev accuracy on X_dev and Y_dev.")
CHOOSE_LAMBD_NOT_PASSED = Cause("choose-lambd-not-passed-{name}", "every lambd gives the same accuracy: pass lambd to "
                                                                  "train_model, so that each model is trained with its "
                                                                  "own lambd.")
CHOOSE_INDEX = Cause("choose-index-not-lambd", "best_lambd is the position of the best lambd in lambdas: return the "
                                               "value, lambdas[index].")
CHOOSE_LAST_LEFT_OUT = Cause("choose-last-left-out", "best_lambd is the best of every lambd but the last: the loop "
                                                     "that chooses must go over all of lambdas (range(len(lambdas)), "
                                                     "not len(lambdas) - 1).")
CHOOSE_ROUNDED = Cause("choose-rounded-to-{digits}", "best_lambd is chosen by dev accuracies rounded to {digits} "
                                                     "decimal(s): compare the accuracies themselves, unrounded.")
CHOOSE_TIE_NOT_LARGEST = Cause("choose-tie-not-largest", "{count} values of lambd tie for the best dev accuracy, and "
                                                         "ties go to the largest of them (the most regularised, "
                                                         "simplest model), whatever else differs.")
CHOOSE_BY_TRAINING_ACCURACY = Cause("choose-by-training-accuracy", "best_lambd has the best training accuracy: choose "
                                                                   "lambd by its dev accuracy.")


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
        return [Problem(f"{function}: dev_costs should be a list of {num_iterations + 1} numbers, but it is "
                        f"{describe_value(found['dev_costs'])}.", "wrong-type", quantity="dev_costs")]
    if len(costs) != num_iterations + 1:
        return [Problem(f"{function}: dev_costs should hold {num_iterations + 1} numbers, the dev cost of the initial "
                        f"parameters (iteration 0) then one after each of the {num_iterations} iterations, but it "
                        f"holds {len(costs)}.", "wrong-length", quantity="dev_costs")]
    train_costs = [compute_cost(forward_propagation(X_train, p)[0], Y_train) for p in path]
    problem = compare(function, "dev_costs", costs, wanted_costs, [
        (train_costs, EARLY_COSTS_ON_TRAINING_SET), ([wanted_costs[0]] + train_costs[1:], EARLY_COSTS_ON_TRAINING_SET)])
    if problem:
        return [replace(problem, note="\n  (best_iteration and best_parameters depend on dev_costs: they are checked "
                                      "once it is right.)")]
    iteration = found["best_iteration"]
    wanted = int(expected["best_iteration"])
    if not isinstance(iteration, (int, np.integer)) or isinstance(iteration, (bool, np.bool_)):
        return [Problem(f"{function}: best_iteration should be an int, but it is {describe_value(iteration)}.",
                        "wrong-type", quantity="best_iteration")]
    if iteration != wanted:
        ties = np.flatnonzero(wanted_costs == wanted_costs[wanted])
        summary = f"{function}: best_iteration is not the first iteration with the smallest dev cost."
        if reveal_values.get():
            text = (f"{function}: best_iteration should be {wanted}, the first iteration with the smallest dev "
                    f"cost, but it is {iteration}.")
        else:
            text = summary
        problem = Problem(text, "wrong-values", quantity="best_iteration", summary=summary)
        if len(ties) > 1 and iteration in ties:
            problem = problem.because(EARLY_TIE_NOT_FIRST.format(ties=len(ties)))
        elif abs(iteration - wanted) == 1:
            problem = problem.because(EARLY_ONE_OFF)
        elif iteration == num_iterations:
            problem = problem.because(EARLY_LAST_ITERATION)
        elif 0 <= iteration <= num_iterations:
            evidence = (f"dev_costs[{iteration}] = {wanted_costs[iteration]:.8f} is not the smallest: "
                        f"dev_costs[{wanted}] = {wanted_costs[wanted]:.8f}" if reveal_values.get() else
                        "dev_costs[best_iteration] is not the smallest dev cost")
            problem = problem.because(EARLY_COMPARED_WITH_PREVIOUS.format(evidence=evidence))
        return [problem]
    best = found["best_parameters"]
    if not isinstance(best, dict):
        return [Problem(f"{function}: best_parameters should be a dict of W1, b1, ..., b3, but it is "
                        f"{describe_value(best)}.", "wrong-type", quantity="best_parameters")]
    missing = [key for key in expected["best_parameters"] if key not in best]
    if missing:
        return [Problem(f"{function}: best_parameters has no {', '.join(repr(key) for key in missing)}.",
                        "missing-keys", quantity="best_parameters")]
    wanted_parameters = {key: np.array(value) for key, value in expected["best_parameters"].items()}
    if all(close(best[key], wanted_parameters[key]) for key in wanted_parameters):
        return []
    for reference, diagnosis in (
            (path[-1], Problem(f"{function}: best_parameters are the parameters after the last iteration, not after "
                               f"iteration {wanted}.", "last-parameters", EARLY_NO_COPY, quantity="best_parameters")),
            (path[0], Problem(f"{function}: best_parameters are the initial parameters: copy the parameters each time "
                              "the dev cost improves.", "initial-parameters", quantity="best_parameters"))):
        if all(close(best[key], reference[key]) for key in wanted_parameters) and \
                not all(close(reference[key], wanted_parameters[key]) for key in wanted_parameters):
            return [diagnosis]
    return [problem for key in wanted_parameters
            if (problem := compare(function, f"best_parameters['{key}']", best[key], wanted_parameters[key]))]


EARLY_COSTS_ON_TRAINING_SET = Cause("early-costs-on-training-set", "dev_costs holds costs on the training set: "
                                                                   "compute the cost on the dev set, "
                                                                   "compute_cost(forward_propagation(X_dev, "
                                                                   "parameters)[0], Y_dev).")
EARLY_TIE_NOT_FIRST = Cause("early-tie-not-first", "{ties} iterations share the smallest dev cost, and the first of "
                                                   "them is the best: replace the best only when the new dev cost is "
                                                   "strictly smaller (<, not <=).")
EARLY_ONE_OFF = Cause("early-iteration-one-off", "it is one off: iteration i is the parameters after i updates, so "
                                                 "dev_costs[best_iteration] must be the smallest value of dev_costs.")
EARLY_LAST_ITERATION = Cause("early-last-iteration", "it is the last iteration: remember the best dev cost so far and "
                                                     "change best_iteration only when the dev cost improves on it.")
EARLY_COMPARED_WITH_PREVIOUS = Cause("early-compared-with-previous", "{evidence}. Compare each new dev cost with the "
                                                                     "best so far, dev_costs[best_iteration], not with "
                                                                     "the previous one.")
EARLY_NO_COPY = Cause("early-no-copy", "best_parameters = parameters (or dict(parameters)) keeps the same arrays, "
                                       "which the training loop then changes in place: store a copy, "
                                       "copy.deepcopy(parameters).")


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
        problems.append(Problem("split_dataset changed the state of numpy's global generator.", "moved-generator",
                                SPLIT_MOVED_GENERATOR))
    conclude(problems, named("split_dataset", result) if not problems else {})


SPLIT_MOVED_GENERATOR = Cause("split-moved-global-generator", "it calls np.random.seed or draws from np.random: draw "
                                                              "only from rng = np.random.default_rng(seed), so that "
                                                              "the caller's random numbers do not depend on your "
                                                              "function.")


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
        conclude([replace(problem, text=problem.text.replace("model_with_early_stopping", on_a_tie, 1))
                  for problem in problems], {})
    shared = [key for key, value in tied[0].items()
              if any(np.may_share_memory(value, array) for array in parameters.values())]
    if shared:
        conclude([Problem(f"{on_a_tie} returned arrays that belong to the caller as best_parameters "
                          f"({', '.join(shared)}), where it promises arrays of its own.", "aliased",
                          RETURNED_CALLERS_ARRAYS)], {})
    best_parameters, best_iteration, dev_costs = result
    conclude(problems, {"best_iteration": best_iteration, "dev_costs[best_iteration]": dev_costs[best_iteration],
                         "dev_costs[-1]": dev_costs[-1], "best_parameters['W3']": best_parameters["W3"]})
