"""Hidden tests of the Regularization assignment, called from the notebook's test cells.

Students never see this module: the calls to it sit between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, which nbgrader removes
from the release and puts back when it grades. Each graded function is called
on the documented case and on cases with other sizes, ``lambd`` and
``keep_prob``; on each, what it returns is compared with what the instructor
solution (read from the source notebook) returns for the same inputs, by the
checks of ``public_tests``, and its inputs must come back unchanged.
"""

import copy
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import public_tests
import testCases
from autograder.notebook import load_definitions
from reg_utils import forward_propagation

SOURCE_NOTEBOOK = Path(__file__).resolve().parents[1] / "source" / "regularization" / "Regularization.ipynb"


@dataclass(frozen=True)
class Case:
    """One call of a graded function.

    label -- what the case is, for messages (it never shows the inputs' code)
    args -- the positional arguments
    seed -- if not None, numpy's global generator is seeded with it right before the call
    """
    label: str
    args: tuple
    seed: int | None = None


def _network(seed, layer_dims, m):
    """Inputs of a random network: X (layer_dims[0], m), Y (1, m) and its parameters."""
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1])
        parameters[f"b{l}"] = rng.randn(layer_dims[l], 1) * 0.1
    X = rng.randn(layer_dims[0], m)
    Y = (rng.rand(1, m) < 0.5).astype(np.int64)
    return X, Y, parameters


@functools.cache
def reference():
    """The instructor solution's definitions, read from the source notebook."""
    return load_definitions(SOURCE_NOTEBOOK)


def _dropout_cache(X, parameters, keep_prob, seed):
    """The cache of the instructor's forward pass with dropout (masks drawn after seeding)."""
    np.random.seed(seed)
    return reference()["forward_propagation_with_dropout"](X, parameters, keep_prob)[1]


def cases(name):
    """The hidden cases of a graded function, the documented one first."""
    X, Y, parameters = _network(10, [4, 5, 3, 1], 7)
    A3, plain_cache = forward_propagation(X, parameters)
    if name == "compute_cost_with_regularization":
        return [Case("the documented case", (*testCases.compute_cost_with_regularization_test_case(), 0.1)),
                Case("a network of sizes 4, 5, 3, 1 with 7 examples, lambd = 0.7", (A3, Y, parameters, 0.7)),
                Case("the same network with lambd = 0", (A3, Y, parameters, 0.0))]
    if name == "backward_propagation_with_regularization":
        return [Case("the documented case", (*testCases.backward_propagation_with_regularization_test_case(), 0.7)),
                Case("a network of sizes 4, 5, 3, 1 with 7 examples, lambd = 0.3", (X, Y, plain_cache, 0.3)),
                Case("the same network with lambd = 0", (X, Y, plain_cache, 0.0))]
    if name == "forward_propagation_with_dropout":
        return [Case("the documented case", (*testCases.forward_propagation_with_dropout_test_case(), 0.7), 1),
                Case("a network of sizes 4, 5, 3, 1 with 7 examples, keep_prob = 0.5", (X, parameters, 0.5), 2),
                Case("the same network with keep_prob = 1", (X, parameters, 1.0), 3)]
    if name == "backward_propagation_with_dropout":
        return [Case("the documented case", (*testCases.backward_propagation_with_dropout_test_case(), 0.8)),
                Case("a network of sizes 4, 5, 3, 1 with 7 examples, keep_prob = 0.6",
                     (X, Y, _dropout_cache(X, parameters, 0.6, 4), 0.6))]
    raise ValueError(f"no hidden tests for {name!r}")


def _unchanged(before, after):
    """True when two argument structures hold the same values."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after)
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _unchanged(before[k], after[k]) for k in before)
    if isinstance(before, (tuple, list)):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    return before == after


def _expected(name, case):
    """What the instructor solution returns for a case, in the form the public checks take."""
    if case.seed is not None:
        np.random.seed(case.seed)
    result = reference()[name](*copy.deepcopy(case.args))
    if name == "forward_propagation_with_dropout":
        A3, cache = result
        return {"A3": A3, "D1": cache[1], "D2": cache[6]}
    return result


def run(name, function):
    """Run the hidden cases of one graded function.

    Arguments:
    name -- name of the graded function
    function -- the function to test

    Returns:
    problems -- list of messages, empty when every case passes
    """
    check = getattr(public_tests, f"check_{name}")
    all_cases = cases(name)
    failed = []
    for case in all_cases:
        args = copy.deepcopy(case.args)
        if case.seed is not None:
            np.random.seed(case.seed)
        try:
            found = public_tests.call(function, *args)
            extra = ()
            if name == "forward_propagation_with_dropout":
                extra = (public_tests.call(function, *args),)
        except public_tests.TestFailure as failure:
            failed.append((case, [str(failure)]))
            continue
        problems = check(found, _expected(name, case), *case.args, *extra)
        if not problems and not _unchanged(case.args, args):
            problems = [f"{name} changed the arrays it was given (with +=, *=, /= or an item "
                        "assignment): compute new arrays instead."]
        if problems:
            failed.append((case, problems))
    if not failed:
        return []
    # The first failing case explains the mistake; the others usually repeat it.
    case, problems = failed[0]
    return [f"{name} fails {len(failed)} of {len(all_cases)} hidden cases. On {case.label}:", *problems]


def test(name, function):
    """Run the hidden cases of a graded function; raise AssertionError if any fails."""
    problems = run(name, function)
    if problems:
        raise AssertionError(public_tests.explain(problems))
    print(f"{name}: hidden tests passed.")
