"""Hidden tests of the Tuning assignment: the cases each graded function is called on, and their checks.

Each function is called on its documented case and on other small problems
(other sizes, lambd values, seeds and fractions). The checks, run by the
grader, compare the results with what the instructor solution (read from the
source notebook) returns on the same inputs, with the diagnoses of
their public_tests.py; and with what the function must do whatever the reference
says: the gradients of the L1 cost match centred differences at weights away
from 0, and a split is a partition of the examples with their labels, the
same one for the same seed.

Every case runs well under a second: the networks and datasets are tiny and the
trainings of choose_lambda and model_with_early_stopping a few hundred
iterations at most. Each function scores all or nothing.
"""

import functools
from pathlib import Path

import numpy as np

from autograder.cases import Case, Clause, HiddenTests, Reference, sample_problems
from autograder.gradcheck import gradient_problems
from reg_utils import forward_propagation
from testCases import tiny_problem

from . import public_tests

LABELS = {  # short column titles for score tables
    "compute_cost_with_l1": "L1 cost",
    "backward_propagation_with_l1": "L1 backward",
    "split_dataset": "split",
    "choose_lambda": "choose lambd",
    "model_with_early_stopping": "early stopping",
}
TIMEOUT = 10.0  # default seconds per graded function, wall-clock and CPU (all its cases take well under one)
GRADIENT_TOLERANCE = 1e-5
WEIGHT_MARGIN = 0.05  # gradient checks run where every |weight| is at least this: |w| has a kink at 0

_solution = Reference(Path(__file__).with_name("Tuning.ipynb"))
reference = _solution.definitions  # the instructor solution's definitions, by name
expected = _solution.expected  # what the instructor solution returns for a case


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def _check_cost(case, results):
    return public_tests.check_compute_cost_with_l1(results[0], expected("compute_cost_with_l1", case), *case.args)


def _check_backward(case, results, gradient_check=False):
    name = "backward_propagation_with_l1"
    gradients = results[0]
    problems = public_tests.check_backward_propagation_with_l1(gradients, expected(name, case), *case.args)
    if problems or not gradient_check:
        return problems
    X, Y, cache, lambd = case.args
    parameters = {key: cache[i] for key, i in {"W1": 2, "b1": 3, "W2": 6, "b2": 7, "W3": 10, "b3": 11}.items()}
    cost = reference()["compute_cost_with_l1"]
    return gradient_problems(name, lambda p: cost(forward_propagation(X, p)[0], Y, p, lambd), parameters, gradients,
                             GRADIENT_TOLERANCE)


def _check_named(name, case, results, **options):
    """Check a function that returns a tuple, with the reference's answer by name."""
    check = getattr(public_tests, f"check_{name}")
    return check(results[0], public_tests.named(name, expected(name, case)), *case.args, **options)


def _check_split(case, results):
    return _check_named("split_dataset", case, results, again=results[1] if len(results) > 1 else None)


def _check_choose_lambda(case, results):
    return _check_named("choose_lambda", case, results)


def _check_early_stopping(case, results):
    return _check_named("model_with_early_stopping", case, results)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def _away_from_zero(parameters):
    """The parameters with every weight at least WEIGHT_MARGIN away from 0 (same signs; biases unchanged)."""
    moved = {key: value.copy() for key, value in parameters.items()}
    for key in ("W1", "W2", "W3"):
        W = moved[key]
        small = np.abs(W) < WEIGHT_MARGIN
        W[small] = np.where(W[small] < 0, -WEIGHT_MARGIN, WEIGHT_MARGIN)
    return moved


def _with_zeros(parameters):
    """The parameters with some weights of each layer exactly 0, where the L1 term's subgradient is 0."""
    zeroed = {key: value.copy() for key, value in parameters.items()}
    zeroed["W1"][0, :2] = 0.0
    zeroed["W2"][1, 1] = 0.0
    zeroed["W3"][0, 2] = 0.0
    return zeroed


def _split_problem(seed, n_x, m, distinct_labels=False):
    """Data to split: normal columns (all different) and 0/1 labels, or labels all different."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = np.arange(m).reshape(1, m) if distinct_labels else rng.integers(0, 2, size=(1, m))
    return X, Y


@functools.cache
def cases(name):
    """The hidden cases of a graded function, the documented one first."""
    (XA, YA, net_a, net_a_label), (XB, YB, net_b, net_b_label) = sample_problems()
    if name == "compute_cost_with_l1":
        return (
            Case("documented",
                 "the documented case", (*public_tests.compute_cost_with_l1_test_case(), 0.1), _check_cost,
                 documented=True),
            Case("lambd=0.7",
                 f"{net_a_label}, lambd = 0.7", (forward_propagation(XA, net_a)[0], YA, net_a, 0.7), _check_cost),
            Case("lambd=2.5",
                 f"{net_b_label}, lambd = 2.5", (forward_propagation(XB, net_b)[0], YB, net_b, 2.5), _check_cost),
            Case("lambd=0",
                 f"{net_a_label}, lambd = 0", (forward_propagation(XA, net_a)[0], YA, net_a, 0.0), _check_cost),
        )
    if name == "backward_propagation_with_l1":
        with_gradients = functools.partial(_check_backward, gradient_check=True)
        smooth_a, smooth_b, zeros_a = _away_from_zero(net_a), _away_from_zero(net_b), _with_zeros(net_a)
        return (
            Case("documented",
                 "the documented case", (*public_tests.backward_propagation_with_l1_test_case(), 0.7), _check_backward,
                 documented=True),
            Case("lambd=0.3",
                 f"{net_a_label}, lambd = 0.3", (XA, YA, forward_propagation(XA, smooth_a)[1], 0.3), with_gradients),
            Case("lambd=1.2",
                 f"{net_b_label}, lambd = 1.2", (XB, YB, forward_propagation(XB, smooth_b)[1], 1.2), with_gradients),
            Case("weights-exactly-0", f"{net_a_label} and some weights exactly 0, lambd = 0.5",
                 (XA, YA, forward_propagation(XA, zeros_a)[1], 0.5), _check_backward),
            Case("lambd=0",
                 f"{net_a_label}, lambd = 0", (XA, YA, forward_propagation(XA, net_a)[1], 0.0), _check_backward),
        )
    if name == "split_dataset":
        X20, Y20 = _split_problem(20, 3, 20, distinct_labels=True)
        X13, Y13 = _split_problem(21, 2, 13)
        X10, Y10 = _split_problem(22, 4, 10)
        X12, Y12 = _split_problem(23, 2, 12)
        X9, Y9 = _split_problem(24, 3, 9)
        # Two calls each: the same seed must give the same split.
        return (
            Case("documented",
                 "the documented case, called twice", (*public_tests.split_dataset_test_case(), 0.3, 1), _check_split,
                 seed=0, repeat=2, documented=True),
            Case("labels-all-different",
                 "20 examples with labels all different, dev_fraction = 0.25, seed = 7, called twice",
                 (X20, Y20, 0.25, 7), _check_split, repeat=2),
            Case("same-20-examples", "the same 20 examples, dev_fraction = 0.25, seed = 8, called twice",
                 (X20, Y20, 0.25, 8), _check_split, repeat=2),
            Case("2.6-examples", "13 examples, dev_fraction = 0.2 (2.6 examples), seed = 2024, called twice",
                 (X13, Y13, 0.2, 2024), _check_split, repeat=2),
            Case("4-features-half", "10 examples with 4 features, dev_fraction = 0.5, seed = 3, called twice",
                 (X10, Y10, 0.5, 3), _check_split, repeat=2),
            # Where rounding decides: below a half, exactly a half (round goes to the even neighbour), none.
            Case("4.2-examples", "12 examples, dev_fraction = 0.35 (4.2 examples), seed = 4, called twice",
                 (X12, Y12, 0.35, 4), _check_split, repeat=2),
            Case("2.5-examples",
                 "10 examples with 4 features, dev_fraction = 0.25 (2.5 examples), seed = 5, called twice",
                 (X10, Y10, 0.25, 5), _check_split, repeat=2),
            Case("4.5-examples", "9 examples, dev_fraction = 0.5 (4.5 examples), seed = 6, called twice",
                 (X9, Y9, 0.5, 6), _check_split, repeat=2),
            Case("empty-dev-set",
                 "12 examples, dev_fraction = 0.03 (0.36 examples: an empty dev set), seed = 7, called twice",
                 (X12, Y12, 0.03, 7), _check_split, repeat=2),
            Case("empty-training-set", "9 examples, dev_fraction = 1 (an empty training set), seed = 8, called twice",
                 (X9, Y9, 1.0, 8), _check_split, repeat=2),
        )
    if name == "choose_lambda":
        train_b, dev_b, start_b = tiny_problem(2, 20, 10, (2, 5, 3, 1))
        train_c, dev_c, start_c = tiny_problem(5, 16, 8, (3, 4, 2, 1))
        train_d, dev_d, start_d = tiny_problem(6, 12, 6, (2, 3, 2, 1))
        train_e, dev_e, start_e = tiny_problem(107, 24, 20, (2, 5, 3, 1))
        train_f, dev_f, start_f = tiny_problem(47, 24, 20, (2, 5, 3, 1))
        return (
            Case("documented",
                 "the documented case", (*public_tests.choose_lambda_test_case(), 300, 0.5), _check_choose_lambda,
                 documented=True),
            Case("three-tie",
                 "20 training and 10 dev examples, a network of sizes 2, 5, 3, 1, lambdas 0 to 10 (three tie for "
                 "the best dev accuracy)", (train_b, dev_b, [0.0, 0.3, 1.0, 3.0, 10.0], start_b, 300, 0.5),
                 _check_choose_lambda),
            Case("lambdas-0.05-0.5-5",
                 "16 training and 8 dev examples, a network of sizes 3, 4, 2, 1, lambdas 0.05, 0.5 and 5",
                 (train_c, dev_c, [0.05, 0.5, 5.0], start_c, 200, 0.3), _check_choose_lambda),
            Case("single-lambd", "12 training and 6 dev examples, a single lambd, 0.7",
                 (train_d, dev_d, [0.7], start_d, 100, 0.5), _check_choose_lambda),
            # Ties and near-ties that other rules would settle differently.
            Case("two-tie", "24 training and 20 dev examples, lambdas 0 to 3 (two tie, the smaller with the smaller "
                 "train-dev gap)", (train_e, dev_e, [0.0, 0.1, 0.3, 1.0, 3.0], start_e, 200, 0.5),
                 _check_choose_lambda),
            Case("0.05-apart", "24 training and 20 dev examples, lambdas 0 to 3 (dev accuracies 0.05 apart)",
                 (train_f, dev_f, [0.0, 0.1, 0.3, 1.0, 3.0], start_f, 200, 0.5), _check_choose_lambda),
        )
    if name == "model_with_early_stopping":
        documented = public_tests.model_with_early_stopping_test_case()
        OwnArrays = functools.partial(Case, own_arrays=True)  # best_parameters: "arrays of their own"
        X_b, Y_b, X_b_dev, Y_b_dev, start_b = _flat(tiny_problem(14, 20, 10, (2, 6, 4, 1)))
        X_c, Y_c, X_c_dev, Y_c_dev, start_c = _flat(tiny_problem(3, 15, 8, (3, 5, 3, 1)))
        return (
            OwnArrays("documented",
                      "the documented case", (*documented, 30, 1.0), _check_early_stopping, documented=True),
            OwnArrays("40-iterations", "20 training and 10 dev examples, a network of sizes 2, 6, 4, 1, 40 iterations, "
                      "learning_rate = 0.8",
                      (X_b, Y_b, X_b_dev, Y_b_dev, start_b, 40, 0.8), _check_early_stopping),
            OwnArrays("learning_rate-0",
                      "the documented data with learning_rate = 0, so that every dev cost is the same, 5 iterations",
                      (*documented, 5, 0.0), _check_early_stopping),
            OwnArrays("10-iterations", "15 training and 8 dev examples, a network of sizes 3, 5, 3, 1, 10 iterations, "
                      "learning_rate = 0.05",
                      (X_c, Y_c, X_c_dev, Y_c_dev, start_c, 10, 0.05), _check_early_stopping),
            OwnArrays("no-iterations", "the documented data and no iteration at all (num_iterations = 0)",
                      (*documented, 0, 1.0), _check_early_stopping),
        )
    raise ValueError(f"no hidden tests for {name!r}")


def _flat(problem):
    """tiny_problem's (train, dev, parameters) as X_train, Y_train, X_dev, Y_dev, parameters."""
    (X_train, Y_train), (X_dev, Y_dev), parameters = problem
    return X_train, Y_train, X_dev, Y_dev, parameters


# ---------------------------------------------------------------------------
# Contracts: each sentence a function must honour, the cases that fail when it does not, the mutants that break it
# ---------------------------------------------------------------------------

DOCUMENTED = "documented"
SPLIT_CASES = (DOCUMENTED, "labels-all-different", "same-20-examples", "2.6-examples", "4-features-half",
               "4.2-examples", "2.5-examples", "4.5-examples", "empty-dev-set", "empty-training-set")
CHOOSE_CASES = (DOCUMENTED, "three-tie", "lambdas-0.05-0.5-5", "single-lambd", "two-tie", "0.05-apart")
EARLY_CASES = (DOCUMENTED, "40-iterations", "learning_rate-0", "10-iterations", "no-iterations")
UNCHANGED = "leaves its arguments as they were"
GENERATOR = "leaves numpy's global random generator as it was"
RESEEDED = "numpy's global generator reseeded"

CONTRACTS = {
    "compute_cost_with_l1": (
        Clause("adds an L1 term to the cross-entropy cost", (DOCUMENTED, "lambd=0.7"), ("no L1 term",)),
        Clause("the L1 term is lambd / m times the sum of the absolute values of the weights, with no 1/2",
               (DOCUMENTED, "lambd=0.7", "lambd=2.5"),
               ("missing 1/m", "the 1/2 of L2 kept", "m hard-coded to the documented case's 5")),
        Clause("the absolute value of each weight: not its square, its sign or the absolute value of a sum",
               (DOCUMENTED, "lambd=0.7", "lambd=2.5"),
               ("squares instead of absolute values", "absolute value of the sum", "signed sum, no absolute value")),
        Clause("the weights of all three layers, summed, not averaged", (DOCUMENTED, "lambd=2.5"),
               ("W3 left out", "mean instead of sum")),
        Clause("the biases are not penalised", (DOCUMENTED, "lambd=0.7"), ("biases penalised",)),
        Clause(UNCHANGED, (DOCUMENTED, "lambd=0.7", "lambd=2.5", "lambd=0"),
               ("absolute values of W1 taken in place",)),
        Clause(GENERATOR + " (it draws nothing)", (DOCUMENTED, "lambd=0.7", "lambd=2.5", "lambd=0"),
               (RESEEDED,)),
    ),
    "backward_propagation_with_l1": (
        Clause("each dW adds (lambd / m) * sign(W) to the cross-entropy's gradient",
               (DOCUMENTED, "lambd=0.3", "lambd=1.2"),
               ("no L1 term in dW2", "L2 gradient instead of L1", "np.abs instead of np.sign", "term subtracted",
                "lambd instead of lambd/m")),
        Clause("the gradients are those of the L1 cost away from 0 (centred differences agree)",
               ("lambd=0.3", "lambd=1.2"), ("term subtracted", "L2 gradient instead of L1")),
        Clause("a weight of exactly 0 gets 0 from the L1 term (np.sign(0) = 0), never NaN",
               ("weights-exactly-0",), ("sign of 0 taken as +1", "sign as |W| / W, NaN at 0")),
        Clause("the biases' gradients have no L1 term", (DOCUMENTED, "lambd=0.3"), ("regularisation added to db3",)),
        Clause(UNCHANGED + " (the cache too)", (DOCUMENTED, "lambd=0.3", "lambd=1.2", "lambd=0"),
               ("the cache's A3 changed in place",)),
        Clause(GENERATOR + " (it draws nothing)", (DOCUMENTED, "lambd=0.3", "lambd=1.2", "lambd=0"),
               (RESEEDED,)),
    ),
    "split_dataset": (
        Clause("shuffles with its own generator, np.random.default_rng(seed): the same seed gives the same split",
               SPLIT_CASES, ("global generator reseeded", "legacy generator RandomState(seed)",
                             "global generator, not seeded", "generator without the seed", "seed hard-coded to 1")),
        Clause(GENERATOR, SPLIT_CASES, ("the global generator reseeded besides", "global generator reseeded")),
        Clause("moves whole examples: X's columns and Y's labels in the same order",
               (DOCUMENTED, "labels-all-different", "same-20-examples"),
               ("labels not shuffled", "labels shuffled in another order", "each row of X shuffled on its own")),
        Clause("m_dev = round(dev_fraction * m), to the nearest integer (a fraction below a half rounds down, "
               "above a half up)", ("2.6-examples", "4.2-examples"),
               ("size truncated with int", "size rounded up")),
        Clause("an exact half goes to the even neighbour, as Python's round does", ("2.5-examples", "4.5-examples"),
               ("a half rounded up", "the training set's size rounded instead")),
        Clause("either set may be empty (m_dev = 0 or m)", ("empty-dev-set", "empty-training-set"),
               ("dev set sliced from the end, every example when m_dev is 0",)),
        Clause("the training set is the first m - m_dev shuffled examples, the dev set the last m_dev: each example "
               "in exactly one", SPLIT_CASES, ("the two parts overlap by one example", "dev set taken first")),
        Clause("returns (X_train, Y_train, X_dev, Y_dev), in that order", SPLIT_CASES,
               ("sklearn's order of the results",)),
        Clause(UNCHANGED, SPLIT_CASES, ("X and Y shuffled in place, each on its own",)),
    ),
    "choose_lambda": (
        Clause("trains one network per lambd on the training set, with that lambd", CHOOSE_CASES,
               ("lambd not passed to train_model",)),
        Clause("every lambd starts from the same initial parameters", ("three-tie", "lambdas-0.05-0.5-5", "two-tie"),
               ("each lambd trained on from the previous one's parameters",)),
        Clause("the accuracies, not error rates, on the training and on the dev set, in the order of lambdas",
               CHOOSE_CASES, ("error rates instead of accuracies", "dev accuracy measured on the training set")),
        Clause("chooses by dev accuracy, every lambd included", CHOOSE_CASES,
               ("chosen by training accuracy", "the last lambd left out of the choice")),
        Clause("in a tie (exact accuracies), the largest lambd, whatever else differs",
               ("three-tie", "two-tie", "0.05-apart"),
               ("ties go to the smallest lambd", "ties broken by the smallest train-dev gap",
                "dev accuracies compared rounded to one decimal")),
        Clause("returns the lambd itself, not its position", CHOOSE_CASES, ("index returned instead of lambd",)),
        Clause(GENERATOR + " (training draws nothing)", CHOOSE_CASES, (RESEEDED,)),
    ),
    "model_with_early_stopping": (
        Clause("dev_costs holds the num_iterations + 1 costs on the dev set, from the initial parameters on",
               EARLY_CASES, ("cost measured on the training set", "one step too few")),
        Clause("best_iteration is the first iteration with the lowest dev cost (a tie keeps the earlier)",
               (DOCUMENTED, "40-iterations", "learning_rate-0"),
               ("ties go to the last iteration", "compared with the previous cost, not the best",
                "iteration off by one")),
        Clause("best_parameters are the parameters after best_iteration steps, the initial ones when no step "
               "improves", ("learning_rate-0", "no-iterations"),
               ("no best parameters unless a step improves",)),
        Clause("best_parameters are arrays of their own, not the caller's nor the loop's",
               ("learning_rate-0", "40-iterations", "no-iterations"),
               ("no copy of the best parameters", "shallow copy of the best parameters",
                "the caller's parameters returned when iteration 0 is best")),
        Clause(UNCHANGED, EARLY_CASES, ("the caller's parameters changed in place",)),
        Clause(GENERATOR + " (training draws nothing)", EARLY_CASES, (RESEEDED,)),
    ),
}

HIDDEN = HiddenTests(labels=LABELS, cases=cases, contracts=CONTRACTS, timeout=TIMEOUT)
