"""Hidden tests of the Regularization assignment: the cases each graded function is called on, and their checks.

A case is data: the arguments, the seed numpy's generator gets right before
the call, how many calls in a row, and which parts of the results to send
back. Whoever runs the student's function (a worker process for the
autograder, the student's kernel for nbgrader) returns the results; the
case's check, run by the grader, compares them with what the instructor
solution (read from the source notebook) returns on the same inputs, and with
what the function must do whatever the random stream: numerical gradients
for the backward passes, the statistics of the masks for dropout.

Each function scores all or nothing: its points when every case passes.
"""

import functools
from pathlib import Path

import numpy as np
from scipy import stats

import public_tests
import testCases
from autograder.cases import Case, Reference, sample_problems, summarise  # noqa: F401 (a spec's summarise)
from autograder.gradcheck import gradient_problems, random_problem
from reg_utils import compute_cost, forward_propagation, relu, sigmoid

NAME = "regularization"
NOTEBOOK = "Regularization.ipynb"
SOURCE_NOTEBOOK = Path(__file__).resolve().parents[1] / "source" / NAME / NOTEBOOK
GRADED_FUNCTIONS = (
    "compute_cost_with_regularization",
    "backward_propagation_with_regularization",
    "forward_propagation_with_dropout",
    "backward_propagation_with_dropout",
)
LABELS = {  # short column titles for score tables
    "compute_cost_with_regularization": "L2 cost",
    "backward_propagation_with_regularization": "L2 backward",
    "forward_propagation_with_dropout": "dropout forward",
    "backward_propagation_with_dropout": "dropout backward",
}
TIMEOUT = 10.0  # default seconds per graded function, wall-clock and CPU (each case runs in milliseconds)
GRADIENT_TOLERANCE = 1e-5
MASK_FAILURE_PROBABILITY = 1e-7  # of the statistical test of a correct dropout mask


_solution = Reference(SOURCE_NOTEBOOK, lambda name: cases(name))
reference = _solution.definitions  # the instructor solution's definitions, by name
expected = _solution.expected  # what the instructor solution returns for a case


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def _check_cost(case, results):
    return public_tests.check_compute_cost_with_regularization(
        results[0], expected("compute_cost_with_regularization", case), *case.args)


def _l2_cost(X, Y, lambd):
    cost = reference()["compute_cost_with_regularization"]
    return lambda parameters: cost(forward_propagation(X, parameters)[0], Y, parameters, lambd)


def _gradient_problems(function, cost, parameters, gradients):
    return gradient_problems(function, cost, parameters, gradients, GRADIENT_TOLERANCE)


def _parameters_of(cache, positions):
    return {key: cache[i] for key, i in positions.items()}


def _check_backward_l2(case, results, gradient_check=False):
    name = "backward_propagation_with_regularization"
    gradients = results[0]
    problems = public_tests.check_backward_propagation_with_regularization(
        gradients, expected(name, case), *case.args)
    if not problems and gradient_check:
        X, Y, cache, lambd = case.args
        parameters = _parameters_of(cache, {"W1": 2, "b1": 3, "W2": 6, "b2": 7, "W3": 10, "b3": 11})
        problems = _gradient_problems(name, _l2_cost(X, Y, lambd), parameters, gradients)
    return problems


def forward_with_masks(X, parameters, D1, D2, keep_prob):
    """A3 of the forward pass with dropout, given the masks."""
    A1 = relu(np.dot(parameters["W1"], X) + parameters["b1"]) * D1 / keep_prob
    A2 = relu(np.dot(parameters["W2"], A1) + parameters["b2"]) * D2 / keep_prob
    return sigmoid(np.dot(parameters["W3"], A2) + parameters["b3"])


def _valid_mask(name, mask, shape):
    """A problem if mask is not a 0/1 array of the given shape."""
    function = "forward_propagation_with_dropout"
    if not isinstance(mask, np.ndarray):
        return f"{function}: {name} in the cache should be a numpy array, but it is {public_tests.describe_value(mask)}."
    if mask.shape != shape:
        return (f"{function}: {name} should have shape {shape}, the shape of the activations it masks "
                f"(one entry per unit and example), but it has shape {mask.shape}.")
    if mask.dtype.kind not in "biuf" or not np.isin(mask, (0, 1)).all():
        return (f"{function}: {name} should hold only 0s and 1s (bool or int).\n"
                f"  Likely cause: step 2 turns the random values into a mask with ({name} < keep_prob).")
    return None


def _check_forward_dropout(case, results):
    """Dropout graded by what it is: valid masks, A3 computed from them, new masks at each call.

    The documented values are required only of masks drawn as the notebook instructs.
    """
    name = "forward_propagation_with_dropout"
    X, parameters, keep_prob = case.args
    reference_A3, reference_cache = expected(name, case)
    documented = {"A3": reference_A3, "D1": reference_cache[1], "D2": reference_cache[6]}
    problems = public_tests.check_forward_propagation_with_dropout(
        results[0], documented, X, parameters, keep_prob, results[1] if len(results) > 1 else None, case.seed)
    if not problems:
        return []
    # Not the documented stream: accept any valid masks that A3 is computed from.
    result = results[0]
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], tuple)
            and len(result[1]) == 14 and not any("cache is not in the order" in p for p in problems)):
        return problems
    A3, cache = result
    shapes = {"D1": reference_cache[1].shape, "D2": reference_cache[6].shape}
    mask_problems = [p for p in (_valid_mask(n, cache[i], shapes[n]) for n, i in (("D1", 1), ("D2", 6))) if p]
    if mask_problems or any("np.random.randn" in p for p in problems):
        return mask_problems or problems
    own = forward_with_masks(X, parameters, cache[1], cache[6], keep_prob)
    if not public_tests.close(A3, own):
        return problems
    if len(results) > 1 and keep_prob < 1 and public_tests.close(public_tests.first_mask(results[1]), cache[1]):
        return [p for p in problems if "two calls in a row" in p] or problems
    return []


def _check_mask_statistics(case, results):
    """Each unit kept with probability keep_prob, over all the calls."""
    name = "forward_propagation_with_dropout"
    X, parameters, keep_prob = case.args
    _, reference_cache = expected(name, case)
    problems = []
    for index, mask_name in ((0, "D1"), (1, "D2")):
        shape = reference_cache[1 if mask_name == "D1" else 6].shape
        masks = []
        for result in results:
            mask = result[index] if isinstance(result, list) and len(result) == 2 else None
            problem = _valid_mask(mask_name, mask, shape)
            if problem:
                return [problem]
            masks.append(mask)
        kept = int(sum(int(np.sum(mask)) for mask in masks))
        draws = len(masks) * int(np.prod(shape))
        low = stats.binom.ppf(MASK_FAILURE_PROBABILITY / 2, draws, keep_prob)
        high = stats.binom.isf(MASK_FAILURE_PROBABILITY / 2, draws, keep_prob)
        if not low <= kept <= high:
            rate = kept / draws
            message = (f"{name}: over {len(masks)} calls with keep_prob = {keep_prob}, {mask_name} kept "
                       f"{rate:.3f} of the units, not {keep_prob}.")
            if abs(rate - (1 - keep_prob)) < 0.01:
                message += (f"\n  Likely cause: the threshold is reversed, so units are kept with probability "
                            f"1 - keep_prob: keep a unit where {mask_name} < keep_prob.")
            elif abs(rate - stats.norm.cdf(keep_prob)) < 0.01:
                message += "\n  Likely cause: the random values come from np.random.randn: use np.random.rand."
            problems.append(message)
    return problems


def _check_backward_dropout(case, results, gradient_check=False):
    name = "backward_propagation_with_dropout"
    gradients = results[0]
    problems = public_tests.check_backward_propagation_with_dropout(gradients, expected(name, case), *case.args)
    if not problems and gradient_check:
        X, Y, cache, keep_prob = case.args
        D1, D2 = cache[1], cache[6]
        parameters = _parameters_of(cache, {"W1": 3, "b1": 4, "W2": 8, "b2": 9, "W3": 12, "b3": 13})
        cost = lambda p: compute_cost(forward_with_masks(X, p, D1, D2, keep_prob), Y)  # noqa: E731
        problems = _gradient_problems(name, cost, parameters, gradients)
    return problems


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def _dropout_cache(X, parameters, keep_prob, seed):
    np.random.seed(seed)
    return reference()["forward_propagation_with_dropout"](X, parameters, keep_prob)[1]


@functools.cache
def cases(name):
    """The hidden cases of a graded function, the documented one first."""
    (XA, YA, net_a, net_a_label), (XB, YB, net_b, net_b_label) = sample_problems()
    if name == "compute_cost_with_regularization":
        return (
            Case("the documented case", (*testCases.compute_cost_with_regularization_test_case(), 0.1), _check_cost),
            Case(f"{net_a_label}, lambd = 0.7", (forward_propagation(XA, net_a)[0], YA, net_a, 0.7), _check_cost),
            Case(f"{net_b_label}, lambd = 2.5", (forward_propagation(XB, net_b)[0], YB, net_b, 2.5), _check_cost),
            Case(f"{net_a_label}, lambd = 0", (forward_propagation(XA, net_a)[0], YA, net_a, 0.0), _check_cost),
        )
    if name == "backward_propagation_with_regularization":
        with_gradients = functools.partial(_check_backward_l2, gradient_check=True)
        return (
            Case("the documented case",
                 (*testCases.backward_propagation_with_regularization_test_case(), 0.7), _check_backward_l2),
            Case(f"{net_a_label}, lambd = 0.3", (XA, YA, forward_propagation(XA, net_a)[1], 0.3), with_gradients),
            Case(f"{net_b_label}, lambd = 1.2", (XB, YB, forward_propagation(XB, net_b)[1], 1.2), with_gradients),
            Case(f"{net_a_label}, lambd = 0", (XA, YA, forward_propagation(XA, net_a)[1], 0.0), _check_backward_l2),
        )
    if name == "forward_propagation_with_dropout":
        XS, _, net_s = random_problem(12, (2, 20, 3, 1), 100)
        return (
            Case("the documented case", (*testCases.forward_propagation_with_dropout_test_case(), 0.7),
                 _check_forward_dropout, seed=1, repeat=2),
            Case(f"{net_a_label}, keep_prob = 0.5", (XA, net_a, 0.5), _check_forward_dropout, seed=2, repeat=2),
            Case(f"{net_b_label}, keep_prob = 0.8", (XB, net_b, 0.8), _check_forward_dropout, seed=3, repeat=2),
            Case(f"{net_a_label}, keep_prob = 1", (XA, net_a, 1.0), _check_forward_dropout, seed=4),
            Case("40 calls on a network of sizes 2, 20, 3, 1 with 100 examples, keep_prob = 0.7",
                 (XS, net_s, 0.7), _check_mask_statistics, seed=5, repeat=40, select=((1, 1), (1, 6))),
        )
    if name == "backward_propagation_with_dropout":
        with_gradients = functools.partial(_check_backward_dropout, gradient_check=True)
        return (
            Case("the documented case",
                 (*testCases.backward_propagation_with_dropout_test_case(), 0.8), _check_backward_dropout),
            Case(f"{net_a_label}, keep_prob = 0.6", (XA, YA, _dropout_cache(XA, net_a, 0.6, 4), 0.6), with_gradients),
            Case(f"{net_b_label}, keep_prob = 0.8", (XB, YB, _dropout_cache(XB, net_b, 0.8, 6), 0.8), with_gradients),
        )
    raise ValueError(f"no hidden tests for {name!r}")
