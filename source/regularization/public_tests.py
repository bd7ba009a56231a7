"""Visible tests of the Regularization assignment, run by the notebook's test cells.

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

The builders draw from their own generator, ``np.random.RandomState(1)``,
which yields the same numbers as ``np.random.seed(1)`` followed by calls to
``np.random.randn`` or ``np.random.rand``, but leaves numpy's global generator
alone: a builder returns the same inputs whenever it is called.
"""

import numpy as np

from checking import (ATOL, RTOL, Cause, Problem, TestFailure, call, close, compare, compare_gradients,  # noqa: F401
                      conclude, missing_keys, needs_type)
from reg_utils import backward_propagation, compute_cost, forward_propagation, relu, sigmoid
from testCases import Y_TEST, draw_parameters

# ---------------------------------------------------------------------------
# The documented cases
# ---------------------------------------------------------------------------

def compute_cost_with_regularization_test_case():
    """Inputs of compute_cost_with_regularization's test (use lambd=0.1).

    Returns:
    A3 -- predicted probabilities, of shape (1, 5)
    Y -- true labels, of shape (1, 5)
    parameters -- dict with W1 (2, 3), b1 (2, 1), W2 (3, 2), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    """
    rng = np.random.RandomState(1)
    parameters = draw_parameters(rng)
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
    parameters = draw_parameters(rng)
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
    parameters = draw_parameters(rng)
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
    parameters = draw_parameters(rng)
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


# The documented expected outputs, those the published exercise documents, rounded to 8 digits
# (compared with np.allclose(found, expected, rtol=1e-5, atol=1e-7)).
EXPECTED = {
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


# ---------------------------------------------------------------------------
# The checks of Regularization's graded functions
# ---------------------------------------------------------------------------

L2_COST_LEAVES_OUT = Cause("l2-cost-leaves-out-{layer}", "the L2 term leaves out {layer}: add the squared weights "
                                                         "of all three layers.")


def check_compute_cost_with_regularization(cost, expected, A3, Y, parameters, lambd):
    """Problems with the cost returned for these inputs (an empty list when it is right)."""
    m = Y.shape[1]
    weights = [parameters[f"W{l}"] for l in (1, 2, 3)]
    squares = [float(np.sum(np.square(W))) for W in weights]
    cross_entropy = compute_cost(A3, Y)
    biases = sum(float(np.sum(np.square(parameters[f"b{l}"]))) for l in (1, 2, 3))
    causes = [
        (cross_entropy, Cause("l2-cost-missing", "it equals the cross-entropy cost alone: the L2 regularisation "
                                                 "cost is missing or zero.")),
        (cross_entropy + lambd / m * sum(squares),
         Cause("l2-cost-no-half", "the L2 term is twice too large: the factor is (1/m) * (lambd/2).")),
        (cross_entropy + lambd / 2 * sum(squares),
         Cause("l2-cost-no-1/m", "the L2 term is m times too large: did you forget the 1/m?")),
        (cross_entropy + lambd / (2 * m) * (sum(squares) + biases),
         Cause("l2-cost-biases", "the biases are regularised too: the L2 term sums the squares of W1, W2 and W3 "
                                 "only.")),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(np.abs(W))) for W in weights),
         Cause("l2-cost-absolute", "the L2 term sums absolute values (that is L1): square the weights with "
                                   "np.square.")),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) ** 2 for W in weights),
         Cause("l2-cost-square-of-sum", "the L2 term squares the sum of each matrix: sum the squares, "
                                        "np.sum(np.square(W1)).")),
        (cross_entropy + lambd / (2 * m) * sum(float(np.mean(np.square(W))) for W in weights),
         Cause("l2-cost-mean", "the L2 term uses np.mean, which divides by the number of weights: sum the squares "
                               "with np.sum.")),
    ]
    for l in range(3):
        causes.append((cross_entropy + lambd / (2 * m) * (sum(squares) - squares[l]),
                       L2_COST_LEAVES_OUT.format(layer=f"W{l + 1}")))
    problem = compare("compute_cost_with_regularization", "cost", cost, float(expected), causes)
    return [problem] if problem else []


# The gradient of the cross-entropy with respect to each W, as the plain backward pass computes it.
PLAIN_DW = {"dW3": "1. / m * np.dot(dZ3, A2.T)", "dW2": "1. / m * np.dot(dZ2, A1.T)",
            "dW1": "1. / m * np.dot(dZ1, X.T)"}


def check_backward_propagation_with_regularization(gradients, expected, X, Y, cache, lambd):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name
    """
    function = "backward_propagation_with_regularization"
    problems = needs_type(function, gradients, dict) or missing_keys(function, gradients, expected)
    if problems:
        return problems
    m = X.shape[1]
    plain = backward_propagation(X, Y, cache)
    causes = {}
    for name, (W, layer) in {"dW1": (cache[2], "W1"), "dW2": (cache[6], "W2"), "dW3": (cache[10], "W3")}.items():
        data_term = PLAIN_DW[name]
        given = {"name": name, "layer": layer, "data_term": data_term}
        causes[name] = [(value, cause.format(**given)) for value, cause in (
            (plain[name], Cause("l2-backward-no-term-{name}", "{name} differs from the expected value by exactly "
                                "(lambd/m)*{layer}: did you forget the regularisation term?")),
            (lambd / m * W, Cause("l2-backward-term-alone-{name}", "{name} is the L2 term alone: add it to the "
                                  "gradient of the cross-entropy, {data_term}.")),
            (m * plain[name] + lambd / m * W, Cause("l2-backward-no-1/m-{name}", "the gradient of the cross-entropy "
                                                    "has no 1/m: it is {data_term}.")),
            (plain[name] + lambd * W, Cause("l2-backward-lambd-{name}", "the regularisation term is lambd*{layer}: "
                                            "divide it by m.")),
            (plain[name] + lambd / (2 * m) * W,
             Cause("l2-backward-half-{name}", "the regularisation term is (lambd/(2m))*{layer}: the derivative of "
                   "(lambd/(2m))*{layer}**2 is (lambd/m)*{layer}.")),
            (plain[name] + 2 * lambd / m * W, Cause("l2-backward-doubled-{name}", "the regularisation term is twice "
                                                    "(lambd/m)*{layer}.")),
            (plain[name] - lambd / m * W, Cause("l2-backward-subtracted-{name}", "the regularisation term is "
                                                "subtracted: add (lambd/m)*{layer}.")),
        )]
    for l, b in ((1, cache[3]), (2, cache[7]), (3, cache[11])):
        causes[f"db{l}"] = [(plain[f"db{l}"] + lambd / m * b, Cause(
            f"l2-backward-bias-term-db{l}", f"db{l} has a regularisation term: L2 regularisation penalises the "
            "weights only, so the biases' gradients stay as in the plain backward pass."))]
    return compare_gradients(function, gradients, expected, causes)


def check_forward_propagation_with_dropout(result, expected, X, parameters, keep_prob, again=None, seed=None):
    """Problems with (A3, cache) returned for these inputs (an empty list when they are right).

    expected -- dict with the expected "A3", "D1" and "D2"
    again -- the result of a second call made right after the first, without reseeding
             (None to skip the check that each call draws new masks; skipped too when keep_prob is 1)
    seed -- the seed numpy's generator got right before the call, if known (to recognise other draws)
    """
    function = "forward_propagation_with_dropout"
    problems = needs_type(function, result, tuple, 2)
    if problems:
        return problems
    A3, cache = result
    problems = needs_type(function + "'s cache", cache, tuple, 14)
    if problems:
        return problems
    if not all(close(cache[i], parameters[key]) for i, key in ((3, "W1"), (8, "W2"), (12, "W3"))) \
            or (_is_mask(cache[2]) and not _is_mask(cache[1])) or (_is_mask(cache[7]) and not _is_mask(cache[6])):
        return [Problem(f"{function}: the cache is not in the order (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, "
                        "W3, b3): keep the function's last lines as they are.", "cache-order")]
    Z1, D1, A1 = cache[0], cache[1], cache[2]
    masks = {"D1": D1, "D2": cache[6]}
    uniform, normal = {}, {}
    if seed is not None:
        # The values the masks are made of when drawn as the notebook says (and with randn instead of rand).
        uniform_stream, normal_stream = np.random.RandomState(seed), np.random.RandomState(seed)
        for name in masks:
            uniform[name] = uniform_stream.rand(*np.shape(expected[name]))
            normal[name] = normal_stream.randn(*np.shape(expected[name]))
    for name, found in masks.items():
        mask = np.array(expected[name])
        reversed_threshold = MASK_REVERSED.format(name=name)
        causes = [(1 - mask, reversed_threshold)]
        if name in uniform:
            causes += [(uniform[name] < 1 - keep_prob, reversed_threshold),
                       (normal[name] < keep_prob, MASK_FROM_RANDN.format(name=name))]
        problem = compare(function, name, found, mask, causes)
        if problem and problem.cause is None and isinstance(found, np.ndarray) and found.shape == mask.shape:
            binary = np.isin(found, (0, 1)).all()
            cause = MASK_OTHER_DRAW if binary else MASK_NOT_BINARY
            problem = problem.because(cause.format(name=name, A=f"A{name[1]}"))
        if problem:
            problems.append(problem)
    expected_A3 = np.array(expected["A3"])
    problem = compare(function, "A3", A3, expected_A3, [(forward_propagation(X, parameters)[0], NO_DROPOUT)])
    if problem and not problems and problem.cause is None and isinstance(A3, np.ndarray):
        # The masks are right, so the mistake is likely in how they were applied.
        ratio = np.divide(A3, expected_A3, out=np.zeros(expected_A3.shape), where=expected_A3 != 0)
        scalings = [(1, NOT_SCALED), (keep_prob, TIMES_KEEP_PROB),
                    (1 / (1 - keep_prob) if keep_prob < 1 else np.inf, BY_ONE_MINUS_KEEP_PROB)]
        for layer, (Z, D, A) in enumerate(((Z1, D1, A1), (cache[5], cache[6], cache[7])), start=1):
            if problem.cause or keep_prob == 1 or not (isinstance(A, np.ndarray) and A.shape == Z.shape):
                continue
            if close(A, relu(Z)):
                problem = problem.because(LAYER_WITHOUT_DROPOUT.format(layer=layer))
            for factor, cause in scalings:
                if problem.cause is None and close(A, relu(Z) * D * factor):
                    problem = problem.because(cause.format(layer=layer))
        if problem.cause is None and np.all(np.isclose(ratio, 0) | np.isclose(ratio, 1 / keep_prob)):
            problem = problem.because(DROPOUT_ON_A3)
    if problem:
        problems.append(problem)
    if not problems and keep_prob < 1 and again is not None and close(first_mask(again), D1):
        problems.append(Problem(f"{function} drew the same mask D1 on two calls in a row.", "same-mask", SAME_MASK))
    return problems


MASK_REVERSED = Cause("mask-reversed-{name}", "{name} keeps units with probability 1 - keep_prob: the threshold is "
                                              "reversed. Keep a unit where its random value is below keep_prob, "
                                              "({name} < keep_prob).")
MASK_FROM_RANDN = Cause("mask-from-randn-{name}", "{name} was drawn with np.random.randn (normal values): use "
                                                  "np.random.rand, uniform in [0, 1), so that a unit is kept with "
                                                  "probability keep_prob.")
MASK_NOT_BINARY = Cause("mask-not-binary-{name}", "{name} should hold only 0s and 1s; step 2 turns the random values "
                                                  "into a mask with ({name} < keep_prob).")
MASK_OTHER_DRAW = Cause("mask-other-draw-{name}", "{name} was drawn differently from np.random.rand({A}.shape[0], "
                                                  "{A}.shape[1]), or after other random draws.")
NO_DROPOUT = Cause("no-dropout", "A3 is the output without dropout: apply the masks D1 and D2 (steps 3 and 4).")
LAYER_WITHOUT_DROPOUT = Cause("no-dropout-A{layer}", "A{layer} in the cache has no dropout: apply D{layer} and the "
                                                     "scale.")
NOT_SCALED = Cause("not-scaled-A{layer}", "A{layer} in the cache is masked but not scaled: step 4 divides it by "
                                          "keep_prob.")
TIMES_KEEP_PROB = Cause("times-keep_prob-A{layer}", "A{layer} in the cache is multiplied by keep_prob: step 4 "
                                                    "divides it by keep_prob.")
BY_ONE_MINUS_KEEP_PROB = Cause("by-1-keep_prob-A{layer}", "A{layer} in the cache is divided by 1 - keep_prob: divide "
                                                          "by keep_prob.")
DROPOUT_ON_A3 = Cause("dropout-on-A3", "dropout was applied to A3 too: only the hidden layers get dropout.")
SAME_MASK = Cause("same-mask", "it reseeds numpy's generator (np.random.seed), or keeps a mask from an earlier call; "
                               "draw both masks afresh in every call (model() seeds once before training, so each "
                               "iteration gets new masks).")


def _is_mask(value):
    """True for an array of 0s and 1s."""
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and bool(np.isin(value, (0, 1)).all())


def first_mask(result):
    """D1 from a result of forward_propagation_with_dropout, or None if it has no such item."""
    try:
        return result[1][1]
    except (TypeError, IndexError, KeyError):
        return None


def check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, keep_prob, again=None):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name (dA1 and dA2 at least)
    again -- the gradients of a second call on the same inputs (None to skip the check that they are the same)
    """
    function = "backward_propagation_with_dropout"
    problems = needs_type(function, gradients, dict) or missing_keys(function, gradients, expected)
    if problems:
        return problems
    if again is not None and keep_prob < 1 and not (
            isinstance(again, dict) and all(close(gradients[name], again.get(name)) for name in expected)):
        return [Problem(f"{function} returned different gradients in two calls on the same cache: it draws random "
                        "numbers.", "not-deterministic", NEW_MASK_IN_BACKWARD)]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dA2 = np.array(expected["dA2"])
    dZ = {"dZ2": dA2 * (A2 > 0), "dZ1": np.array(expected["dA1"]) * (A1 > 0)}
    unmasked = {"dA2": np.dot(W3.T, A3 - Y), "dA1": np.dot(W2.T, dZ["dZ2"])}
    causes = {}
    for name, mask_name, mask in (("dA2", "D2", D2), ("dA1", "D1", D1)):
        raw, dZ_name = unmasked[name], "dZ" + name[2:]
        given = {"name": name, "mask": mask_name, "dZ": dZ_name}
        neither = MASK_ON_DZ if close(gradients.get(dZ_name), dZ[dZ_name]) else NOT_MASKED_NOR_SCALED
        causes[name] = [(value, cause.format(**given)) for value, cause in (
            (raw, neither),
            (raw * mask, Cause("backward-not-scaled-{name}", "{name} is masked but not scaled: step 2 divides it by "
                               "keep_prob.")),
            (raw / keep_prob, Cause("backward-not-masked-{name}", "{name} is scaled but not masked: step 1 multiplies "
                                    "it by {mask}.")),
            (raw * mask * keep_prob, Cause("backward-times-keep_prob-{name}", "{name} is multiplied by keep_prob: "
                                           "divide by it instead.")),
            (raw * mask / (1 - keep_prob), Cause("backward-by-1-keep_prob-{name}", "{name} is divided by 1 - "
                                                 "keep_prob: divide by keep_prob.")),
        )]
        found = gradients[name]
        if isinstance(found, np.ndarray) and found.shape == raw.shape and not close(found, raw * mask / keep_prob):
            other_mask = np.isclose(found, raw / keep_prob, rtol=RTOL, atol=ATOL)
            dropped = (found == 0) & (raw != 0)
            if np.all(other_mask | (found == 0)) and dropped.any() \
                    and np.any(other_mask[mask == 0] & (raw[mask == 0] != 0)):
                causes[name].insert(0, (found, OTHER_MASK.format(**given)))
    return compare_gradients(function, gradients, expected, causes)


NEW_MASK_IN_BACKWARD = Cause("new-mask-in-backward", "a new mask drawn in the backward pass. The backward pass must "
                                                     "reuse the masks D1 and D2 of the cache, never draw a new one.")
NOT_MASKED_NOR_SCALED = Cause("backward-not-masked-nor-scaled-{name}", "{name} is neither masked nor scaled: multiply "
                                                                       "it by {mask}, then divide by keep_prob.")
MASK_ON_DZ = Cause("backward-mask-on-{dZ}", "{name} is neither masked nor scaled, but {dZ} is right: the mask and the "
                                            "scale were applied to {dZ} instead of {name}. Apply them to {name}, as "
                                            "in the forward pass.")
OTHER_MASK = Cause("backward-other-mask-{name}", "{name} is masked with a mask other than {mask}: the backward pass "
                                                 "must reuse the cached mask, never draw a new one.")


# ---------------------------------------------------------------------------
# The visible tests the notebook runs
# ---------------------------------------------------------------------------

def compute_cost_with_regularization_test(target):
    """Test compute_cost_with_regularization on the documented case (lambd = 0.1)."""
    __tracebackhide__ = True  # noqa: F841
    A3, Y, parameters = compute_cost_with_regularization_test_case()
    cost = call(target, A3, Y, parameters, 0.1)
    expected = EXPECTED["compute_cost_with_regularization"]["cost"]
    conclude(check_compute_cost_with_regularization(cost, expected, A3, Y, parameters, 0.1), {"cost": cost})


def backward_propagation_with_regularization_test(target):
    """Test backward_propagation_with_regularization on the documented case (lambd = 0.7)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = backward_propagation_with_regularization_test_case()
    gradients = call(target, X, Y, cache, 0.7)
    expected = EXPECTED["backward_propagation_with_regularization"]
    problems = check_backward_propagation_with_regularization(gradients, expected, X, Y, cache, 0.7)
    conclude(problems, {name: gradients[name] for name in ("dW1", "dW2", "dW3")} if not problems else {})


def forward_propagation_with_dropout_test(target):
    """Test forward_propagation_with_dropout on the documented case (keep_prob = 0.7).

    Seeds numpy's generator with 1 right before the call, so that the masks are the
    documented ones, then calls the function a second time to check it draws new masks.
    """
    __tracebackhide__ = True  # noqa: F841
    X, parameters = forward_propagation_with_dropout_test_case()
    np.random.seed(1)
    result = call(target, X, parameters, 0.7)
    again = call(target, X, parameters, 0.7)
    expected = EXPECTED["forward_propagation_with_dropout"]
    problems = check_forward_propagation_with_dropout(result, expected, X, parameters, 0.7, again, seed=1)
    conclude(problems, {"A3": result[0]} if not problems else {})


def backward_propagation_with_dropout_test(target):
    """Test backward_propagation_with_dropout on the documented case (keep_prob = 0.8)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = backward_propagation_with_dropout_test_case()
    gradients = call(target, X, Y, cache, 0.8)
    again = call(target, X, Y, cache, 0.8)
    expected = EXPECTED["backward_propagation_with_dropout"]
    problems = check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, 0.8, again)
    conclude(problems, {name: gradients[name] for name in ("dA1", "dA2")} if not problems else {})
