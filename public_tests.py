"""Visible tests of the four graded functions, run by the notebook's test cells.

Each ``<function>_test(target)`` calls your function on the documented inputs
of testCases.py and checks, in this order, the type, the shape and the values
of what it returns against ``testCases.expected_outputs``. When everything
matches it prints the values and "All tests passed."; otherwise it raises
``TestFailure`` with a message that names the function and the quantity,
shows what was expected and what was found and, when it recognises the
mistake, says what probably caused it.

The ``check_<function>`` functions hold the comparisons and the diagnoses;
they take the expected values as an argument, so other inputs can be checked
the same way.
"""

import traceback

import numpy as np

import testCases
from reg_utils import backward_propagation, compute_cost, forward_propagation, relu

RTOL, ATOL = 1e-5, 1e-7
STILL_NONE = ("a variable is still None: replace each `None` between START CODE HERE and "
              "END CODE HERE with your code")


class TestFailure(AssertionError):
    """A graded function does not do what its test expects."""


# ---------------------------------------------------------------------------
# Comparisons shared by every check
# ---------------------------------------------------------------------------

def close(found, candidate):
    """True when found has candidate's shape and values (within the tests' tolerance)."""
    try:
        found = np.asarray(found, dtype=float)
    except (TypeError, ValueError):
        return False
    candidate = np.asarray(candidate, dtype=float)
    return found.shape == candidate.shape and bool(np.allclose(found, candidate, rtol=RTOL, atol=ATOL))


def _show(value):
    """A value as numpy prints it, indented under its label when it spans several lines."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8)
    else:
        text = repr(float(value) if isinstance(value, np.floating) else value)
    return text.replace("\n", "\n            ")


def describe_value(value):
    """What a value is, for a message about a wrong type."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def compare(function, quantity, found, expected, causes=()):
    """Compare one returned quantity with its expected value.

    Arguments:
    function -- name of the graded function, for the message
    quantity -- name of the quantity (e.g. "dW2"), for the message
    found -- what the function returned for this quantity
    expected -- the expected value: a float for a scalar, a numpy array otherwise
    causes -- (value, explanation) pairs: the results of likely mistakes;
              when found equals one of them, its explanation is the likely cause

    Returns:
    problem -- None if found matches expected, else a message for the student
    """
    where = f"{function}: {quantity}"
    if found is None:
        return f"{where} is still None."
    if isinstance(expected, float):
        if isinstance(found, np.ndarray) or not isinstance(found, (float, np.floating)):
            return f"{where} should be a float, but it is {describe_value(found)}."
    else:
        if not isinstance(found, np.ndarray):
            return f"{where} should be a numpy array of shape {expected.shape}, but it is {describe_value(found)}."
        if found.shape != expected.shape:
            return f"{where} should have shape {expected.shape}, but it has shape {found.shape}."
        if found.dtype.kind not in "biuf":
            return f"{where} should hold numbers, but its dtype is {found.dtype}."
    if close(found, expected):
        return None
    message = f"{where} has wrong values.\n  expected: {_show(expected)}\n  found:    {_show(found)}"
    if not np.all(np.isfinite(np.asarray(found, dtype=float))):
        message += "\n  Likely cause: it contains NaN or infinity."
    for value, explanation in causes:
        if close(found, value):
            message += f"\n  Likely cause: {explanation}"
            break
    return message


def _expected_array(values):
    return np.array(values)


def _needs_type(function, found, kind, length=None):
    """A message if found is not a kind (dict or tuple) of the given length, else None."""
    if found is None:
        return [f"{function} returned None: keep the return line at the end of the function."]
    if not isinstance(found, kind):
        return [f"{function} should return a {kind.__name__}, but it returned {describe_value(found)}."]
    if length is not None and len(found) != length:
        return [f"{function} should return a {kind.__name__} of {length} items, but it returned {len(found)}."]
    return []


# Backward passes compute their gradients in this order; each dZ and dA feeds the ones after it.
GRADIENT_ORDER = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")
CHAINED = ("dZ3", "dA2", "dZ2", "dA1", "dZ1")


def _compare_gradients(function, gradients, expected, causes):
    """Compare gradients in the order they are computed, stopping at the first wrong dA or dZ.

    causes -- dict mapping some gradient names to their (value, explanation) pairs
    """
    problems = []
    for name in (n for n in GRADIENT_ORDER if n in expected):
        problem = compare(function, name, gradients[name], _expected_array(expected[name]), causes.get(name, ()))
        if problem and name in CHAINED:
            problems.append(problem + f"\n  (The gradients computed from {name} are then wrong too.)")
            break
        if problem:
            problems.append(problem)
    return problems


def _missing_keys(function, gradients, names):
    missing = [name for name in names if name not in gradients]
    if missing:
        return [f"{function}: the gradients dict has no {', '.join(repr(n) for n in missing)}."]
    return []


# ---------------------------------------------------------------------------
# The checks of each graded function
# ---------------------------------------------------------------------------

def check_compute_cost_with_regularization(cost, expected, A3, Y, parameters, lambd):
    """Problems with the cost returned for these inputs (an empty list when it is right)."""
    m = Y.shape[1]
    weights = [parameters[f"W{l}"] for l in (1, 2, 3)]
    squares = [float(np.sum(np.square(W))) for W in weights]
    cross_entropy = compute_cost(A3, Y)
    biases = sum(float(np.sum(np.square(parameters[f"b{l}"]))) for l in (1, 2, 3))
    causes = [
        (cross_entropy, "it equals the cross-entropy cost alone: the L2 regularisation cost is missing or zero."),
        (cross_entropy + lambd / m * sum(squares), "the L2 term is twice too large: the factor is (1/m) * (lambd/2)."),
        (cross_entropy + lambd / 2 * sum(squares), "the L2 term is m times too large: did you forget the 1/m?"),
        (cross_entropy + lambd / (2 * m) * (sum(squares) + biases),
         "the biases are regularised too: the L2 term sums the squares of W1, W2 and W3 only."),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(np.abs(W))) for W in weights),
         "the L2 term sums absolute values (that is L1): square the weights with np.square."),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) ** 2 for W in weights),
         "the L2 term squares the sum of each matrix: sum the squares, np.sum(np.square(W1))."),
        (cross_entropy + lambd / (2 * m) * sum(float(np.mean(np.square(W))) for W in weights),
         "the L2 term uses np.mean, which divides by the number of weights: sum the squares with np.sum."),
    ]
    for l in range(3):
        causes.append((cross_entropy + lambd / (2 * m) * (sum(squares) - squares[l]),
                       f"the L2 term leaves out W{l + 1}: add the squared weights of all three layers."))
    problem = compare("compute_cost_with_regularization", "cost", cost, float(expected), causes)
    return [problem] if problem else []


def check_backward_propagation_with_regularization(gradients, expected, X, Y, cache, lambd):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name
    """
    function = "backward_propagation_with_regularization"
    problems = _needs_type(function, gradients, dict) or _missing_keys(function, gradients, expected)
    if problems:
        return problems
    m = X.shape[1]
    plain = backward_propagation(X, Y, cache)
    causes = {}
    for name, (W, layer) in {"dW1": (cache[2], "W1"), "dW2": (cache[6], "W2"), "dW3": (cache[10], "W3")}.items():
        causes[name] = [
            (plain[name], f"{name} differs from the expected value by exactly (lambd/m)*{layer}: "
                          "did you forget the regularisation term?"),
            (plain[name] + lambd * W, f"the regularisation term is lambd*{layer}: divide it by m."),
            (plain[name] + lambd / (2 * m) * W,
             f"the regularisation term is (lambd/(2m))*{layer}: the derivative of (lambd/(2m))*{layer}**2 "
             f"is (lambd/m)*{layer}."),
            (plain[name] + 2 * lambd / m * W, f"the regularisation term is twice (lambd/m)*{layer}."),
            (plain[name] - lambd / m * W, f"the regularisation term is subtracted: add (lambd/m)*{layer}."),
        ]
    for l, b in ((1, cache[3]), (2, cache[7]), (3, cache[11])):
        causes[f"db{l}"] = [(plain[f"db{l}"] + lambd / m * b,
                             f"db{l} has a regularisation term: L2 regularisation penalises the weights only, "
                             "so the biases' gradients stay as in the plain backward pass.")]
    return _compare_gradients(function, gradients, expected, causes)


def check_forward_propagation_with_dropout(result, expected, X, parameters, keep_prob, again=None, seed=None):
    """Problems with (A3, cache) returned for these inputs (an empty list when they are right).

    expected -- dict with the expected "A3", "D1" and "D2"
    again -- the result of a second call made right after the first, without reseeding
             (None to skip the check that each call draws new masks; skipped too when keep_prob is 1)
    seed -- the seed numpy's generator got right before the call, if known (to recognise other draws)
    """
    function = "forward_propagation_with_dropout"
    problems = _needs_type(function, result, tuple, 2)
    if problems:
        return problems
    A3, cache = result
    problems = _needs_type(function + "'s cache", cache, tuple, 14)
    if problems:
        return problems
    if not all(close(cache[i], parameters[key]) for i, key in ((3, "W1"), (8, "W2"), (12, "W3"))) \
            or (_is_mask(cache[2]) and not _is_mask(cache[1])) or (_is_mask(cache[7]) and not _is_mask(cache[6])):
        return [f"{function}: the cache is not in the order (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3): "
                "keep the function's last lines as they are."]
    Z1, D1, A1 = cache[0], cache[1], cache[2]
    masks = {"D1": D1, "D2": cache[6]}
    drawn = {}
    if seed is not None:
        rng = np.random.RandomState(seed)
        drawn = {name: rng.randn(*np.shape(expected[name])) < keep_prob for name in masks}
    for name, found in masks.items():
        mask = _expected_array(expected[name])
        causes = [(1 - mask, f"{name} keeps units with probability 1 - keep_prob: the mask is ({name} < keep_prob).")]
        if name in drawn:
            causes.append((drawn[name], f"{name} was drawn with np.random.randn (normal values): use np.random.rand, "
                                        "uniform in [0, 1), so that a unit is kept with probability keep_prob."))
        problem = compare(function, name, found, mask, causes)
        if problem and "Likely cause" not in problem and isinstance(found, np.ndarray) and found.shape == mask.shape:
            if not np.isin(found, (0, 1)).all():
                problem += (f"\n  Likely cause: {name} should hold only 0s and 1s; step 2 turns the random values "
                            f"into a mask with ({name} < keep_prob).")
            else:
                problem += (f"\n  Likely cause: {name} was drawn differently from np.random.rand(A{name[1]}.shape[0], "
                            f"A{name[1]}.shape[1]), or after other random draws.")
        if problem:
            problems.append(problem)
    expected_A3 = _expected_array(expected["A3"])
    problem = compare(function, "A3", A3, expected_A3, [
        (forward_propagation(X, parameters)[0],
         "A3 is the output without dropout: apply the masks D1 and D2 (steps 3 and 4)."),
    ])
    if problem and not problems and "Likely cause" not in problem and isinstance(A3, np.ndarray):
        # The masks are right, so the mistake is likely in how they were applied.
        ratio = np.divide(A3, expected_A3, out=np.zeros(expected_A3.shape), where=expected_A3 != 0)
        scalings = [(1, "masked but not scaled: step 4 divides it by keep_prob"),
                    (keep_prob, "multiplied by keep_prob: step 4 divides it by keep_prob"),
                    (1 / (1 - keep_prob) if keep_prob < 1 else np.inf, "divided by 1 - keep_prob: divide by keep_prob")]
        for layer, (Z, D, A) in enumerate(((Z1, D1, A1), (cache[5], cache[6], cache[7])), start=1):
            if "Likely cause" in problem or keep_prob == 1 or not (isinstance(A, np.ndarray) and A.shape == Z.shape):
                continue
            if close(A, relu(Z)):
                problem += f"\n  Likely cause: A{layer} in the cache has no dropout: apply D{layer} and the scale."
            for factor, explanation in scalings:
                if "Likely cause" not in problem and close(A, relu(Z) * D * factor):
                    problem += f"\n  Likely cause: A{layer} in the cache is {explanation}."
        if "Likely cause" not in problem and np.all(np.isclose(ratio, 0) | np.isclose(ratio, 1 / keep_prob)):
            problem += "\n  Likely cause: dropout was applied to A3 too: only the hidden layers get dropout."
    if problem:
        problems.append(problem)
    if not problems and keep_prob < 1 and again is not None and close(first_mask(again), D1):
        problems.append(f"{function} drew the same mask D1 on two calls in a row.\n"
                        "  Likely cause: it reseeds numpy's generator (np.random.seed); remove that call, "
                        "model() seeds once before training so each iteration gets new masks.")
    return problems


def _is_mask(value):
    """True for an array of 0s and 1s."""
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and bool(np.isin(value, (0, 1)).all())


def first_mask(result):
    """D1 from a result of forward_propagation_with_dropout, or None if it has no such item."""
    try:
        return result[1][1]
    except (TypeError, IndexError, KeyError):
        return None


def check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, keep_prob):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name (dA1 and dA2 at least)
    """
    function = "backward_propagation_with_dropout"
    problems = _needs_type(function, gradients, dict) or _missing_keys(function, gradients, expected)
    if problems:
        return problems
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dA2 = _expected_array(expected["dA2"])
    dZ = {"dZ2": dA2 * (A2 > 0), "dZ1": _expected_array(expected["dA1"]) * (A1 > 0)}
    unmasked = {"dA2": np.dot(W3.T, A3 - Y), "dA1": np.dot(W2.T, dZ["dZ2"])}
    causes = {}
    for name, mask_name, mask in (("dA2", "D2", D2), ("dA1", "D1", D1)):
        raw, dZ_name = unmasked[name], "dZ" + name[2:]
        neither = f"{name} is neither masked nor scaled: multiply it by {mask_name}, then divide by keep_prob."
        if close(gradients.get(dZ_name), dZ[dZ_name]):
            neither = (f"{name} is neither masked nor scaled, but {dZ_name} is right: the mask and the scale were "
                       f"applied to {dZ_name} instead of {name}. Apply them to {name}, as in the forward pass.")
        causes[name] = [
            (raw, neither),
            (raw * mask, f"{name} is masked but not scaled: step 2 divides it by keep_prob."),
            (raw / keep_prob, f"{name} is scaled but not masked: step 1 multiplies it by {mask_name}."),
            (raw * mask * keep_prob, f"{name} is multiplied by keep_prob: divide by it instead."),
            (raw * mask / (1 - keep_prob), f"{name} is divided by 1 - keep_prob: divide by keep_prob."),
        ]
        found = gradients[name]
        if isinstance(found, np.ndarray) and found.shape == raw.shape and not close(found, raw * mask / keep_prob):
            other_mask = np.isclose(found, raw / keep_prob, rtol=RTOL, atol=ATOL)
            dropped = (found == 0) & (raw != 0)
            if np.all(other_mask | (found == 0)) and dropped.any() \
                    and np.any(other_mask[mask == 0] & (raw[mask == 0] != 0)):
                causes[name].insert(0, (found, f"{name} is masked with a mask other than {mask_name}: the backward "
                                               "pass must reuse the cached mask, never draw a new one."))
    return _compare_gradients(function, gradients, expected, causes)


# ---------------------------------------------------------------------------
# The visible tests the notebook runs
# ---------------------------------------------------------------------------

def call(target, *args):
    """Call the function under test; explain an exception it raises as a TestFailure."""
    __tracebackhide__ = True  # noqa: F841 (IPython hides this frame from tracebacks)
    try:
        return target(*args)
    except Exception as error:
        where = ""
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == target.__code__.co_filename]
        if frames:
            line = frames[-1].line
            where = f"\n  at line {frames[-1].lineno} of its cell" + (f": {line}" if line else "")
        message = f"{target.__name__} raised {type(error).__name__}: {error}{where}"
        if "NoneType" in str(error):
            message += f"\n  Likely cause: {STILL_NONE}."
        failure = TestFailure(message)
    raise failure


def explain(problems):
    """One message for a list of problems, with the hint for unfilled stubs given once."""
    message = "\n".join(problems)
    if "is still None." in message:
        message += f"\nLikely cause: {STILL_NONE}."
    return message


def _conclude(problems, shown):
    """Raise the problems found, or print the values and 'All tests passed.'"""
    __tracebackhide__ = True  # noqa: F841
    if problems:
        raise TestFailure(explain(problems))
    for name, value in shown.items():
        separator = " = \n" if isinstance(value, np.ndarray) and value.shape[0] > 1 else " = "
        print(name + separator + str(value))
    print("All tests passed.")


def compute_cost_with_regularization_test(target):
    """Test compute_cost_with_regularization on the documented case (lambd = 0.1)."""
    __tracebackhide__ = True  # noqa: F841
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    cost = call(target, A3, Y, parameters, 0.1)
    expected = testCases.expected_outputs["compute_cost_with_regularization"]["cost"]
    _conclude(check_compute_cost_with_regularization(cost, expected, A3, Y, parameters, 0.1), {"cost": cost})


def backward_propagation_with_regularization_test(target):
    """Test backward_propagation_with_regularization on the documented case (lambd = 0.7)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    gradients = call(target, X, Y, cache, 0.7)
    expected = testCases.expected_outputs["backward_propagation_with_regularization"]
    problems = check_backward_propagation_with_regularization(gradients, expected, X, Y, cache, 0.7)
    _conclude(problems, {name: gradients[name] for name in ("dW1", "dW2", "dW3")} if not problems else {})


def forward_propagation_with_dropout_test(target):
    """Test forward_propagation_with_dropout on the documented case (keep_prob = 0.7).

    Seeds numpy's generator with 1 right before the call, so that the masks are the
    documented ones, then calls the function a second time to check it draws new masks.
    """
    __tracebackhide__ = True  # noqa: F841
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    np.random.seed(1)
    result = call(target, X, parameters, 0.7)
    again = call(target, X, parameters, 0.7)
    expected = testCases.expected_outputs["forward_propagation_with_dropout"]
    problems = check_forward_propagation_with_dropout(result, expected, X, parameters, 0.7, again, seed=1)
    _conclude(problems, {"A3": result[0]} if not problems else {})


def backward_propagation_with_dropout_test(target):
    """Test backward_propagation_with_dropout on the documented case (keep_prob = 0.8)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    gradients = call(target, X, Y, cache, 0.8)
    expected = testCases.expected_outputs["backward_propagation_with_dropout"]
    problems = check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, 0.8)
    _conclude(problems, {name: gradients[name] for name in ("dA1", "dA2")} if not problems else {})
