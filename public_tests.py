"""Visible tests of the graded functions of both assignments, run by the notebooks' test cells.

Each ``<function>_test(target)`` calls your function on the documented inputs
of testCases.py and checks, in this order, the type, the shape and the values
of what it returns against ``testCases.expected_outputs``. When everything
matches it prints the values and "All tests passed."; otherwise it raises
``TestFailure`` with a message that names the function and the quantity,
shows what was expected and what was found and, when it recognises the
mistake, says what probably caused it.

The ``check_<function>`` functions hold the comparisons and the diagnoses;
they take the expected values as an argument, so other inputs can be checked
the same way. The autograder runs them on hidden cases inside
``hiding_values()``: there a message says what is wrong and why, but shows no
value, since expected values read from feedback could be typed back in.
"""

import contextlib
import contextvars
import copy
import re
import traceback

import numpy as np

import testCases
from reg_utils import backward_propagation, compute_cost, forward_propagation, relu, update_parameters

RTOL, ATOL = 1e-5, 1e-7
STILL_NONE = ("a variable is still None: replace each `None` between START CODE HERE and "
              "END CODE HERE with your code")
CHANGED_ARGUMENTS = ("{function} changed {what} in place: the caller's arrays are not the same after the "
                     "call.\n  Likely cause: an in-place operation on an argument (+=, *=, /=, an item "
                     "assignment, rng.shuffle or np.random.shuffle): compute new arrays instead, e.g. "
                     "X[:, permutation] rather than shuffling X.")


def error_hint(error_type, message):
    """The "Likely cause" line for an exception a student's function raised ("" when none fits)."""
    unbound = re.search(r"cannot access local variable '(\w+)'", message)
    if error_type == "UnboundLocalError" and unbound:
        name = unbound.group(1)
        return (f"\n  Likely cause: a line reads {name} before any line has given it a value, as "
                f"`{name} = {name} + ...` does: no line above computes {name} for you, so write its whole "
                "formula in one line.")
    if "NoneType" in message:
        return f"\n  Likely cause: {STILL_NONE}."
    return ""


class TestFailure(AssertionError):
    """A graded function does not do what its test expects."""


# False while the checks run on a hidden case: messages then show shapes and dtypes, but no
# expected value, no hidden input and none of the student's values (which could echo the inputs).
reveal_values = contextvars.ContextVar("reveal_values", default=True)


@contextlib.contextmanager
def hiding_values():
    """Within this block the checks' messages show no values, only what is wrong and why."""
    token = reveal_values.set(False)
    try:
        yield
    finally:
        reveal_values.reset(token)


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
    return found.shape == candidate.shape and bool(np.allclose(found, candidate, rtol=RTOL, atol=ATOL, equal_nan=True))


def _show(value):
    """A value as numpy prints it, indented under its label when it spans several lines."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8)
    else:
        text = repr(float(value) if isinstance(value, np.floating) else value)
    return text.replace("\n", "\n            ")


def _expected_and_found(expected, found, quantity=""):
    """The lines of a message that show an expected and a found value ("" while values are hidden)."""
    if not reveal_values.get():
        return ""
    expected_label, found_label = f"expected{quantity}:", f"found{quantity}:"
    width = max(len(expected_label), len(found_label)) + 1
    return f"\n  {expected_label:<{width}}{_show(expected)}\n  {found_label:<{width}}{_show(found)}"


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
    message = f"{where} has wrong values." + _expected_and_found(expected, found)
    explanation = next((explanation for value, explanation in causes if close(found, value)), None)
    if explanation is None and not np.all(np.isfinite(np.asarray(found, dtype=float))):
        explanation = "it contains NaN or infinity."
    return message + (f"\n  Likely cause: {explanation}" if explanation else "")


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
# The checks of Regularization's graded functions
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


# The gradient of the cross-entropy with respect to each W, as the plain backward pass computes it.
PLAIN_DW = {"dW3": "1. / m * np.dot(dZ3, A2.T)", "dW2": "1. / m * np.dot(dZ2, A1.T)", "dW1": "1. / m * np.dot(dZ1, X.T)"}


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
        data_term = PLAIN_DW[name]
        causes[name] = [
            (plain[name], f"{name} differs from the expected value by exactly (lambd/m)*{layer}: "
                          "did you forget the regularisation term?"),
            (lambd / m * W, f"{name} is the L2 term alone: add it to the gradient of the cross-entropy, "
                            f"{data_term}."),
            (m * plain[name] + lambd / m * W, f"the gradient of the cross-entropy has no 1/m: it is {data_term}."),
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
    uniform, normal = {}, {}
    if seed is not None:
        # The values the masks are made of when drawn as the notebook says (and with randn instead of rand).
        uniform_stream, normal_stream = np.random.RandomState(seed), np.random.RandomState(seed)
        for name in masks:
            uniform[name] = uniform_stream.rand(*np.shape(expected[name]))
            normal[name] = normal_stream.randn(*np.shape(expected[name]))
    for name, found in masks.items():
        mask = _expected_array(expected[name])
        reversed_threshold = (f"{name} keeps units with probability 1 - keep_prob: the threshold is reversed. Keep a "
                              f"unit where its random value is below keep_prob, ({name} < keep_prob).")
        causes = [(1 - mask, reversed_threshold)]
        if name in uniform:
            causes += [(uniform[name] < 1 - keep_prob, reversed_threshold),
                       (normal[name] < keep_prob, f"{name} was drawn with np.random.randn (normal values): use "
                                                  "np.random.rand, uniform in [0, 1), so that a unit is kept with "
                                                  "probability keep_prob.")]
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
                        "  Likely cause: it reseeds numpy's generator (np.random.seed), or keeps a mask from an "
                        "earlier call; draw both masks afresh in every call (model() seeds once before training, "
                        "so each iteration gets new masks).")
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


def check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, keep_prob, again=None):
    """Problems with the gradients returned for these inputs (an empty list when they are right).

    expected -- dict of the expected values of some of the gradients, by name (dA1 and dA2 at least)
    again -- the gradients of a second call on the same inputs (None to skip the check that they are the same)
    """
    function = "backward_propagation_with_dropout"
    problems = _needs_type(function, gradients, dict) or _missing_keys(function, gradients, expected)
    if problems:
        return problems
    if again is not None and keep_prob < 1 and not (
            isinstance(again, dict) and all(close(gradients[name], again.get(name)) for name in expected)):
        return [f"{function} returned different gradients in two calls on the same cache: it draws random numbers.\n"
                "  Likely cause: a new mask drawn in the backward pass. The backward pass must reuse the masks "
                "D1 and D2 of the cache, never draw a new one."]
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
    problems = _needs_type(function, gradients, dict) or _missing_keys(function, gradients, expected)
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
    return _compare_gradients(function, gradients, expected, causes)


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
    problems = _needs_type(function, result, tuple, 4)
    if problems:
        return problems
    found = named(function, result)
    m = X.shape[1]
    m_dev = np.shape(expected["X_dev"])[1]
    m_train = m - m_dev
    shapes = {"X_train": (X.shape[0], m_train), "Y_train": (Y.shape[0], m_train),
              "X_dev": (X.shape[0], m_dev), "Y_dev": (Y.shape[0], m_dev)}
    unfinished = [problem for name, value in found.items() if (problem := _holds_none(function, name, value))]
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
            truncated = int(dev_fraction * m)
            if columns is not None and columns == (truncated if dev else m - truncated) != shapes[name][1]:
                message += (f"\n  Likely cause: the dev set has int(dev_fraction * m) = {truncated} examples: "
                            f"round to the nearest integer instead, round(dev_fraction * m) = {m_dev}.")
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
                       + _expected_and_found(Y[:, indices], found[name]))
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
               f"documented one for seed = {seed}." + _expected_and_found(wanted["X_dev"], found["X_dev"], " X_dev"))
    legacy = np.random.RandomState(seed).permutation(m) if isinstance(seed, (int, np.integer)) else None
    if legacy is not None and _same_split(result, _split_by(legacy, m_train, X, Y)):
        message += ("\n  Likely cause: it shuffles with numpy's global generator, reseeded (np.random.seed(seed), "
                    "then np.random.permutation): draw from rng = np.random.default_rng(seed) and leave the global "
                    "generator alone.")
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


def _holds_none(function, name, value):
    """A message when value is None or a list or tuple holding None (a stub not yet replaced), else None."""
    if value is None:
        return f"{function}: {name} is still None."
    if isinstance(value, (list, tuple)) and any(item is None for item in value):
        return f"{function}: {name} holds None: a variable it is made of is still None."
    return None


def _numbers(value):
    """value as a 1-D float array when it is a list, tuple or 1-D array of numbers, else None."""
    if isinstance(value, np.ndarray) and value.ndim != 1:
        return None
    if not isinstance(value, (list, tuple, np.ndarray)):
        return None
    if not all(isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
               for x in value):
        return None
    return np.array(value, dtype=float)


def _number(value):
    """value as a float when it is an int or float (Python or numpy), else None."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return None


def check_choose_lambda(result, expected, train, dev, lambdas, parameters, num_iterations, learning_rate):
    """Problems with (best_lambd, train_accuracies, dev_accuracies) returned for these inputs (empty when right).

    expected -- dict with the expected "best_lambd", "train_accuracies" and "dev_accuracies"
    """
    function = "choose_lambda"
    problems = _needs_type(function, result, tuple, 3)
    if problems:
        return problems
    found = named(function, result)
    unfinished = [problem for name, value in found.items() if (problem := _holds_none(function, name, value))]
    if unfinished:
        return unfinished
    expected_accuracies = {name: np.array(expected[name], dtype=float)
                           for name in ("train_accuracies", "dev_accuracies")}
    accuracies = {}
    for name, other in (("train_accuracies", "dev_accuracies"), ("dev_accuracies", "train_accuracies")):
        values = _numbers(found[name])
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
    if _number(best) is None:
        problems.append(f"{function}: best_lambd should be a number, one of lambdas, but it is {describe_value(best)}.")
        return problems
    if close(_number(best), float(expected["best_lambd"])):
        return problems
    dev_accuracies = expected_accuracies["dev_accuracies"]
    train_accuracies = expected_accuracies["train_accuracies"]
    best_dev = np.flatnonzero(dev_accuracies == dev_accuracies.max())
    best_train = np.flatnonzero(train_accuracies == train_accuracies.max())
    right = int(best_dev[-1])
    causes = [
        (float(right), "best_lambd is the position of the best lambd in lambdas: return the value, lambdas[index]."),
        (lambdas[int(best_dev[0])], f"{len(best_dev)} values of lambd tie for the best dev accuracy, and ties go to "
                                    "the largest of them (the most regularised, simplest model), not the first."),
        (lambdas[int(best_train[-1])], "best_lambd has the best training accuracy: choose lambd by its dev accuracy."),
        (lambdas[int(best_train[0])], "best_lambd has the best training accuracy: choose lambd by its dev accuracy."),
    ]
    problem = compare(function, "best_lambd", _number(best), float(expected["best_lambd"]),
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
    problems = _needs_type(function, result, tuple, 3)
    if problems:
        return problems
    found = named(function, result)
    unfinished = [problem for name, value in found.items() if (problem := _holds_none(function, name, value))]
    if unfinished:
        return unfinished
    path = _gradient_descent(X_train, Y_train, parameters, num_iterations, learning_rate)
    wanted_costs = np.array(expected["dev_costs"], dtype=float)
    costs = _numbers(found["dev_costs"])
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
# The visible tests the notebooks run
# ---------------------------------------------------------------------------

def _changed(before, after):
    """True when an argument (array, or dict, tuple or list of them) no longer holds what its copy holds."""
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after))
    if isinstance(before, dict):
        return before.keys() != after.keys() or any(_changed(before[key], after[key]) for key in before)
    if isinstance(before, (tuple, list)):
        return len(before) != len(after) or any(_changed(b, a) for b, a in zip(before, after))
    return False


def call(target, *args):
    """Call the function under test; explain an exception it raises, or a change to its arguments, as a TestFailure."""
    __tracebackhide__ = True  # noqa: F841 (IPython hides this frame from tracebacks)
    copies = copy.deepcopy(args)
    try:
        result = target(*args)
    except Exception as error:
        where = ""
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == target.__code__.co_filename]
        if frames:
            line = frames[-1].line
            where = f"\n  at line {frames[-1].lineno} of its cell" + (f": {line}" if line else "")
        message = f"{target.__name__} raised {type(error).__name__}: {error}{where}"
        failure = TestFailure(message + error_hint(type(error).__name__, str(error)))
    else:
        names = target.__code__.co_varnames[:len(args)]
        changed = [name for name, before, after in zip(names, copies, args) if _changed(before, after)]
        if not changed:
            return result
        what = f"its argument{'s' if len(changed) > 1 else ''} {' and '.join(changed)}"
        failure = TestFailure(CHANGED_ARGUMENTS.format(function=target.__name__, what=what))
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
        separator = " = \n" if isinstance(value, np.ndarray) and value.ndim > 1 and value.shape[0] > 1 else " = "
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
    again = call(target, X, Y, cache, 0.8)
    expected = testCases.expected_outputs["backward_propagation_with_dropout"]
    problems = check_backward_propagation_with_dropout(gradients, expected, X, Y, cache, 0.8, again)
    _conclude(problems, {name: gradients[name] for name in ("dA1", "dA2")} if not problems else {})


def compute_cost_with_l1_test(target):
    """Test compute_cost_with_l1 on the documented case (lambd = 0.1)."""
    __tracebackhide__ = True  # noqa: F841
    A3, Y, parameters = testCases.compute_cost_with_l1_test_case()
    cost = call(target, A3, Y, parameters, 0.1)
    expected = testCases.expected_outputs["compute_cost_with_l1"]["cost"]
    _conclude(check_compute_cost_with_l1(cost, expected, A3, Y, parameters, 0.1), {"cost": cost})


def backward_propagation_with_l1_test(target):
    """Test backward_propagation_with_l1 on the documented case (lambd = 0.7)."""
    __tracebackhide__ = True  # noqa: F841
    X, Y, cache = testCases.backward_propagation_with_l1_test_case()
    gradients = call(target, X, Y, cache, 0.7)
    expected = testCases.expected_outputs["backward_propagation_with_l1"]
    problems = check_backward_propagation_with_l1(gradients, expected, X, Y, cache, 0.7)
    _conclude(problems, {name: gradients[name] for name in ("dW1", "dW2", "dW3")} if not problems else {})


def _global_state():
    state = np.random.get_state()
    return state[1].copy(), state[2]


def split_dataset_test(target):
    """Test split_dataset on the documented case (dev_fraction = 0.3, seed = 1).

    Calls it twice, to check that the same seed gives the same split, and checks that
    numpy's global generator is left as it was.
    """
    __tracebackhide__ = True  # noqa: F841
    X, Y = testCases.split_dataset_test_case()
    np.random.seed(0)
    before = _global_state()
    result = call(target, X, Y, 0.3, 1)
    again = call(target, X, Y, 0.3, 1)
    after = _global_state()
    expected = testCases.expected_outputs["split_dataset"]
    problems = check_split_dataset(result, expected, X, Y, 0.3, 1, again)
    if not problems and not (np.array_equal(before[0], after[0]) and before[1] == after[1]):
        problems.append("split_dataset changed the state of numpy's global generator.\n  Likely cause: it calls "
                        "np.random.seed or draws from np.random: draw only from rng = np.random.default_rng(seed), "
                        "so that the caller's random numbers do not depend on your function.")
    _conclude(problems, named("split_dataset", result) if not problems else {})


def choose_lambda_test(target):
    """Test choose_lambda on the documented case (num_iterations = 300, learning_rate = 0.5)."""
    __tracebackhide__ = True  # noqa: F841
    train, dev, lambdas, parameters = testCases.choose_lambda_test_case()
    result = call(target, train, dev, lambdas, parameters, 300, 0.5)
    expected = testCases.expected_outputs["choose_lambda"]
    problems = check_choose_lambda(result, expected, train, dev, lambdas, parameters, 300, 0.5)
    if problems:
        _conclude(problems, {})
    best_lambd, train_accuracies, dev_accuracies = result
    _conclude(problems, {"best_lambd": best_lambd, "train_accuracies": np.array(train_accuracies, dtype=float),
                         "dev_accuracies": np.array(dev_accuracies, dtype=float)})


def model_with_early_stopping_test(target):
    """Test model_with_early_stopping on the documented case (num_iterations = 30, learning_rate = 1.0)."""
    __tracebackhide__ = True  # noqa: F841
    X_train, Y_train, X_dev, Y_dev, parameters = testCases.model_with_early_stopping_test_case()
    result = call(target, X_train, Y_train, X_dev, Y_dev, parameters, 30, 1.0)
    expected = testCases.expected_outputs["model_with_early_stopping"]
    problems = check_model_with_early_stopping(result, expected, X_train, Y_train, X_dev, Y_dev, parameters, 30, 1.0)
    if problems:
        _conclude(problems, {})
    # A tie: with learning_rate = 0 the parameters never move, every dev cost is the same, and iteration 0 is best.
    tied = call(target, X_train, Y_train, X_dev, Y_dev, parameters, 5, 0.0)
    start = compute_cost(forward_propagation(X_dev, parameters)[0], Y_dev)
    problems = check_model_with_early_stopping(tied, {"best_parameters": parameters, "best_iteration": 0,
                                                      "dev_costs": [start] * 6},
                                               X_train, Y_train, X_dev, Y_dev, parameters, 5, 0.0)
    on_a_tie = "model_with_early_stopping, on a tie (learning_rate = 0, so every dev cost is the same),"
    if problems:
        _conclude([problem.replace("model_with_early_stopping", on_a_tie, 1) for problem in problems], {})
    best_parameters, best_iteration, dev_costs = result
    _conclude(problems, {"best_iteration": best_iteration, "dev_costs[best_iteration]": dev_costs[best_iteration],
                         "dev_costs[-1]": dev_costs[-1], "best_parameters['W3']": best_parameters["W3"]})
