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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from scipy import stats

import checking
from checking import Cause, Problem
from autograder.cases import Case, Clause, HiddenTests, Reference, sample_problems
from autograder.gradcheck import gradient_problems, random_problem
from reg_utils import compute_cost, forward_propagation, relu, sigmoid

from . import public_tests

LABELS = {  # short column titles for score tables
    "compute_cost_with_regularization": "L2 cost",
    "backward_propagation_with_regularization": "L2 backward",
    "forward_propagation_with_dropout": "dropout forward",
    "backward_propagation_with_dropout": "dropout backward",
}
TIMEOUT = 10.0  # default seconds per graded function, wall-clock and CPU (each case runs in milliseconds)
GRADIENT_TOLERANCE = 1e-5
MASK_FAILURE_PROBABILITY = 1e-7  # that the tests of dropout's masks fail a right function, in all

_solution = Reference(Path(__file__).with_name("Regularization.ipynb"))
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
        return Problem(f"{function}: {name} in the cache should be a numpy array, but it is "
                       f"{checking.describe_value(mask)}.", "wrong-type", quantity=name)
    if mask.shape != shape:
        return Problem(f"{function}: {name} should have shape {shape}, the shape of the activations it masks "
                       f"(one entry per unit and example), but it has shape {mask.shape}.", "wrong-shape",
                       quantity=name)
    if mask.dtype.kind not in "biuf" or not np.isin(mask, (0, 1)).all():
        return Problem(f"{function}: {name} should hold only 0s and 1s (bool or int).", "not-binary",
                       MASK_NOT_0_1.format(name=name), quantity=name)
    return None


MASK_NOT_0_1 = Cause("mask-not-0-1-{name}", "step 2 turns the random values into a mask with ({name} < keep_prob).")


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
            and len(result[1]) == 14 and not any(p.kind == "cache-order" for p in problems)):
        return problems
    A3, cache = result
    shapes = {"D1": reference_cache[1].shape, "D2": reference_cache[6].shape}
    mask_problems = [p for p in (_valid_mask(n, cache[i], shapes[n]) for n, i in (("D1", 1), ("D2", 6))) if p]
    if mask_problems or any(p.cause and p.cause.id.startswith("mask-from-randn") for p in problems):
        return mask_problems or problems
    own = forward_with_masks(X, parameters, cache[1], cache[6], keep_prob)
    if not public_tests.close(A3, own):
        return problems
    if len(results) > 1 and keep_prob < 1 and public_tests.close(public_tests.first_mask(results[1]), cache[1]):
        return [p for p in problems if p.kind == "same-mask"] or problems
    return []


def _check_mask_statistics(case, results):
    """The masks of many calls, tested as random draws: see mask_tests and _restart_problem."""
    X, parameters, keep_prob = case.args
    shapes = {"D1": (parameters["W1"].shape[0], X.shape[1]), "D2": (parameters["W2"].shape[0], X.shape[1])}
    collected = {}
    for index, (mask_name, shape) in enumerate(shapes.items()):
        masks = []
        for result in results:
            mask = result[index] if isinstance(result, list) and len(result) == 2 else None
            problem = _valid_mask(mask_name, mask, shape)
            if problem:
                return [problem]
            masks.append(mask != 0)
        collected[mask_name] = np.array(masks)
    restarts = [problem for mask_name, masks in collected.items()
                if (problem := _restart_problem(mask_name, masks, keep_prob, case.seed))]
    return restarts or [problem for mask_name, masks in collected.items()
                        if (problem := _mask_problem(mask_name, masks, keep_prob))]


def _check_backward_dropout(case, results, gradient_check=False):
    name = "backward_propagation_with_dropout"
    gradients = results[0]
    problems = public_tests.check_backward_propagation_with_dropout(gradients, expected(name, case), *case.args,
                                                                     again=results[1] if len(results) > 1 else None)
    if not problems and gradient_check:
        X, Y, cache, keep_prob = case.args
        D1, D2 = cache[1], cache[6]
        parameters = _parameters_of(cache, {"W1": 3, "b1": 4, "W2": 8, "b2": 9, "W3": 12, "b3": 13})
        cost = lambda p: compute_cost(forward_with_masks(X, p, D1, D2, keep_prob), Y)  # noqa: E731
        problems = _gradient_problems(name, cost, parameters, gradients)
    return problems


# ---------------------------------------------------------------------------
# Dropout's masks as random draws
# ---------------------------------------------------------------------------
#
# A right forward pass draws every entry of D1 and D2 afresh at each call, kept with probability keep_prob
# independently of every other entry and call, from numpy's global generator (which the case seeds once, before
# its calls). Every count the tests below make is then exactly binomial, so each test's chance of failing a right
# function is known; MASK_FAILURE_PROBABILITY is split over them with the union (Bonferroni) bound.

FORWARD_DROPOUT = "forward_propagation_with_dropout"
MASK_PROPERTIES = ("rate", "units", "examples", "independence", "spread")  # tested on each of D1 and D2
RESTART_SEEDS = 2 ** 14  # np.random.seed(s) inside the function is recognised for 0 <= s < RESTART_SEEDS
# The restart check's share of the budget. It fails a right function only if masks of two consecutive calls are
# exactly those np.random.seed(s) gives, for some s < 2**14: below 2**14 * 0.7**300 for a mask of 300 independent
# entries. A function that seeds a generator of its own from the global stream,
# np.random.RandomState(np.random.randint(2**31)), draws seeds s and s or s + 1 (s < 2**14) in two consecutive calls
# with probability below 2 masks * 38 pairs * 2**-17 * 2**-30 < 2e-12.
RESTART_FAILURE_PROBABILITY = 1e-11
_PER = {"call": (1, 2), "unit and call": 2, "example and call": 1}  # the axes a spread test sums masks over


@dataclass(frozen=True)
class MaskTest:
    """A test of one mask over many calls: `counts` numbers, each Binomial(trials, probability) for a right function.

    It fails when one of them is outside [low, high], a two-sided interval of level alpha / counts, where alpha is
    the test's share of the budget.
    property -- which of MASK_PROPERTIES it tests
    count -- count(masks) -> the numbers, for masks of shape (calls, units, examples), bool
    per -- spread tests: a key of _PER; the number counted is how many calls (or units in a call, or examples in a
           call) keep a number of units in window, the central values of Binomial(cell, keep_prob)
    """
    property: str
    count: Callable = field(compare=False)
    counts: int
    trials: int
    probability: float
    low: int
    high: int
    per: str = ""
    cell: int = 0
    window: tuple = ()

    def passes(self, numbers):
        return bool(np.all((numbers >= self.low) & (numbers <= self.high)))

    def false_failure_probability(self):
        """The chance that a right function fails this test (exact for one count, the union bound for several)."""
        outside = (stats.binom.cdf(self.low - 1, self.trials, self.probability)
                   + stats.binom.sf(self.high, self.trials, self.probability))
        return self.counts * float(outside)


def _central_window(trials, probability):
    """The most probable counts of Binomial(trials, probability), as many as bring their probability nearest 1/2.

    Returns (low, high, mass): they are low..high (a binomial is unimodal), and their probability is mass.
    """
    pmf = stats.binom.pmf(np.arange(trials + 1), trials, probability)
    order = np.argsort(-pmf, kind="stable")
    size = int(np.argmin(np.abs(np.cumsum(pmf[order]) - 0.5))) + 1
    low, high = int(order[:size].min()), int(order[:size].max())
    return low, high, float(pmf[low:high + 1].sum())


def _in_window(masks, axis, window):
    kept = masks.sum(axis=axis)
    return np.array([np.sum((kept >= window[0]) & (kept <= window[1]))])


def _equal_in_pairs(masks, first):
    """The number of entries equal in calls first and first + 1, first + 2 and first + 3, ... (disjoint pairs)."""
    end = first + 2 * ((len(masks) - first) // 2)
    return np.array([np.sum(masks[first:end:2] == masks[first + 1:end:2])])


@functools.cache
def mask_tests(shape, calls, keep_prob):
    """The tests of one mask of this shape over this many calls, in the order _mask_problem prefers their messages.

    MASK_FAILURE_PROBABILITY less the restart check's share is split evenly over the two masks and their
    MASK_PROPERTIES (just under 1e-8 each), then evenly over each property's tests and their counts:
    rate -- the units kept over all calls
    units -- the times each unit (row) is kept, over calls and examples
    examples -- the units kept for each example (column), over calls and units
    independence -- the entries equal in consecutive calls, keep_prob**2 + (1 - keep_prob)**2 of them for
                    independent masks: over the disjoint pairs of calls 1-2, 3-4, ..., and (a second test) 2-3, 4-5, ...
    spread -- the units kept per call, per unit and call, and per example and call (three tests) vary like binomial
              counts: how many of them fall in the central window holding about half their probability. A
              deterministic pattern with the exact rate puts them all there; a row or column kept or dropped as a
              whole puts none there.
    """
    n, m = shape
    agree = keep_prob ** 2 + (1 - keep_prob) ** 2
    spread = []
    for per, cell, cells in (("call", n * m, calls), ("unit and call", m, calls * n),
                             ("example and call", n, calls * m)):
        low, high, mass = _central_window(cell, keep_prob)
        count = functools.partial(_in_window, axis=_PER[per], window=(low, high))
        spread.append((count, 1, cells, mass, per, cell, (low, high)))
    plan = {
        "rate": [(lambda masks: np.array([masks.sum()]), 1, calls * n * m, keep_prob)],
        "units": [(lambda masks: masks.sum(axis=(0, 2)), n, calls * m, keep_prob)],
        "examples": [(lambda masks: masks.sum(axis=(0, 1)), m, calls * n, keep_prob)],
        "independence": [(functools.partial(_equal_in_pairs, first=0), 1, calls // 2 * n * m, agree),
                         (functools.partial(_equal_in_pairs, first=1), 1, (calls - 1) // 2 * n * m, agree)],
        "spread": spread,
    }
    alpha = (MASK_FAILURE_PROBABILITY - RESTART_FAILURE_PROBABILITY) / (2 * len(MASK_PROPERTIES))
    tests = []
    for name in MASK_PROPERTIES:
        for count, counts, trials, probability, *spread_fields in plan[name]:
            side = alpha / len(plan[name]) / counts / 2
            tests.append(MaskTest(name, count, counts, trials, probability,
                                  int(stats.binom.ppf(side, trials, probability)),
                                  int(stats.binom.isf(side, trials, probability)), *spread_fields))
    return tuple(tests)


def _mask_problem(mask_name, masks, keep_prob):
    """A message about a test that the masks, of shape (calls, n, m), fail; None when they pass them all.

    The tests decide; the message explains: the first failed test in mask_tests' order, a few units or examples
    rather than the overall rate they shift, or the obvious structure the masks share.
    """
    calls, n, m = masks.shape
    failures = [(test, numbers) for test in mask_tests((n, m), calls, keep_prob)
                if not test.passes(numbers := test.count(masks))]
    if not failures:
        return None
    # A few units or examples off the rate are better named than the overall rate they shift.
    local = [(test, numbers) for test, numbers in failures if test.property in ("units", "examples")
             and np.mean((numbers < test.low) | (numbers > test.high)) < 0.5]
    failed = local[0] if failures[0][0].property == "rate" and local else failures[0]
    layer = f"A{mask_name[1:]}"
    draw = f"np.random.rand({layer}.shape[0], {layer}.shape[1]) < keep_prob"
    if (masks == masks[0]).all():
        return Problem(f"{FORWARD_DROPOUT}: over {calls} calls {mask_name} was the same in every call; each call "
                       "should draw a new mask.", "same-mask", Cause(
                           "mask-reused", "a mask drawn once and reused (kept in a global variable or a default "
                           f"argument), a generator seeded inside the function, or a deterministic pattern instead of "
                           f"{draw}."))
    if m > 1 and (masks == masks[:, :, :1]).all():
        return Problem(f"{FORWARD_DROPOUT}: in each of the {calls} calls, every unit of {mask_name} is kept for all "
                       f"{m} examples or for none; a unit should be kept or dropped independently for each example.",
                       "mask-per-unit", Cause("mask-per-unit", "one random value per unit, repeated over the examples "
                                              f"(np.random.rand({layer}.shape[0], 1)): draw {draw}."))
    if n > 1 and (masks == masks[:, :1, :]).all():
        return Problem(f"{FORWARD_DROPOUT}: in each of the {calls} calls, the {n} units of {mask_name} are all kept "
                       "or all dropped together for each example; each unit should be kept or dropped independently.",
                       "mask-per-example", Cause("mask-per-example", "one random value per example, shared by every "
                                                 f"unit (np.random.rand(1, {layer}.shape[1])): draw {draw}."))
    return _EXPLAIN[failed[0].property](*failed, mask_name, masks, keep_prob, draw)


def _rate_problem(test, numbers, mask_name, masks, keep_prob, draw):
    rate = numbers[0] / test.trials
    problem = Problem(f"{FORWARD_DROPOUT}: over {len(masks)} calls with keep_prob = {keep_prob}, {mask_name} kept "
                      f"{rate:.3f} of the units, not {keep_prob} (independent draws keep between "
                      f"{test.low / test.trials:.3f} and {test.high / test.trials:.3f} of these {test.trials} units).",
                      "mask-rate")
    if abs(rate - (1 - keep_prob)) < 0.01:
        return problem.because(Cause("mask-rate-reversed", "the threshold is reversed, so units are kept with "
                                     f"probability 1 - keep_prob: keep a unit where {mask_name} < keep_prob."))
    if abs(rate - stats.norm.cdf(keep_prob)) < 0.01:
        return problem.because(Cause("mask-rate-randn", "the random values come from np.random.randn: use "
                                     "np.random.rand."))
    return problem.because(Cause("mask-rate-other", f"the mask is not {draw}."))


def _frequency_problem(test, numbers, mask_name, masks, keep_prob, draw):
    calls, n, m = masks.shape
    worst = int(np.argmax(np.abs(numbers - test.trials * keep_prob)))
    what, index, over, other = (("unit", f"row {worst}", f"{calls} calls × {m} examples", "units")
                                if test.property == "units" else
                                ("example", f"column {worst}", f"{calls} calls × {n} units", "examples"))
    return Problem(f"{FORWARD_DROPOUT}: {what} {worst} of {mask_name} ({index}, counting from 0) was kept in "
                   f"{numbers[worst] / test.trials:.1%} of its {test.trials} draws ({over}); with keep_prob = "
                   f"{keep_prob}, independent draws keep it in {test.low / test.trials:.1%} to "
                   f"{test.high / test.trials:.1%} of them.", f"mask-{test.property}", Cause(
                       f"mask-uneven-{test.property}", f"the mask keeps some {other} more often than others: draw "
                       f"every entry the same way, {draw}."))


def _independence_problem(test, numbers, mask_name, masks, keep_prob, draw):
    agree = float(np.mean(masks[1:] == masks[:-1]))
    problem = Problem(f"{FORWARD_DROPOUT}: the masks {mask_name} of consecutive calls agree on {agree:.1%} of their "
                      f"entries; independent masks agree on about {test.probability:.1%} (keep_prob² + "
                      "(1 - keep_prob)²).", "mask-independence")
    if agree > test.probability:
        return problem.because(Cause("mask-reused-between-calls", "a mask reused from call to call, or drawn from a "
                                     "generator seeded inside the function: draw a new mask at every call, "
                                     f"{draw}, without reseeding."))
    return problem.because(Cause("mask-follows-previous", "each call's mask follows from the previous one (a "
                                 "deterministic pattern that moves from call to call, or a mask derived from the "
                                 f"last) instead of a new draw, {draw}."))


def _spread_problem(test, numbers, mask_name, masks, keep_prob, draw):
    calls, n, m = masks.shape
    kept = masks.sum(axis=_PER[test.per])
    what = {"call": f"the number of units {mask_name} keeps in a call (of {test.cell})",
            "unit and call": f"the number of examples (of {test.cell}) for which a unit of {mask_name} is kept "
                             "in a call",
            "example and call": f"the number of units of {mask_name} (of {test.cell}) kept for an example in a call",
            }[test.per]
    over = {"call": "calls", "unit and call": "(unit, call) pairs", "example and call": "(example, call) pairs"}
    found = (f"from {kept.min()} to {kept.max()}, with a standard deviation of {kept.std():.2f} over {kept.size} "
             f"{over[test.per]}")
    independent = np.sqrt(test.cell * keep_prob * (1 - keep_prob))
    if numbers[0] > test.high:
        return Problem(f"{FORWARD_DROPOUT}: {what} varies too little: {found}, where independent draws give about "
                       f"{independent:.2f}.", "mask-spread", Cause(
                           "mask-fixed-count", "a deterministic pattern, or a fixed number of kept units, instead of "
                           f"a random draw for each unit and example ({draw}): the number kept should vary."))
    return Problem(f"{FORWARD_DROPOUT}: {what} varies too much: {found}, where independent draws give about "
                   f"{independent:.2f}.", "mask-spread", Cause(
                       "mask-not-independent", "the entries of the mask are not drawn independently of each other: "
                       f"draw one random value per unit and example, {draw}."))


_EXPLAIN = {"rate": _rate_problem, "units": _frequency_problem, "examples": _frequency_problem,
            "independence": _independence_problem, "spread": _spread_problem}


def _fingerprint(mask):
    return np.packbits(np.ravel(mask)[:64]).tobytes()


@functools.cache
def _restart_fingerprints(keep_prob):
    """{fingerprint: seeds s}: the first 64 entries of the mask np.random.rand draws right after np.random.seed(s)."""
    generator = np.random.RandomState()
    table = {}
    for seed in range(RESTART_SEEDS):
        generator.seed(seed)
        table.setdefault(_fingerprint(generator.random_sample(64) < keep_prob), []).append(seed)
    return table


def _restart_seed(mask, keep_prob):
    """s if mask is np.random.rand(*mask.shape) < keep_prob drawn right after np.random.seed(s), s < RESTART_SEEDS."""
    if mask.size < 64:
        return None
    for seed in _restart_fingerprints(keep_prob).get(_fingerprint(mask), ()):
        if np.array_equal(np.random.RandomState(seed).random_sample(mask.shape) < keep_prob, mask):
            return seed
    return None


def _restart_problem(mask_name, masks, keep_prob, case_seed):
    """A message if the masks of two consecutive calls restart numpy's generator, at the same or the next seed.

    What a right function never does: the case seeds numpy once, so only its first call starts a seed's stream.
    The case's own seed is left out: a mask drawn at the first call and reused is reported as reused.
    """
    seeds = [seed if (seed := _restart_seed(mask, keep_prob)) != case_seed else None for mask in masks[1:]]
    if not any(a is not None and b is not None and b - a in (0, 1) for a, b in zip(seeds, seeds[1:])):
        return None
    found = [seed for seed in seeds if seed is not None]
    if len(set(found)) == 1:
        drawn = f"the mask np.random.rand draws right after np.random.seed({found[0]})"
    else:
        drawn = ("the mask np.random.rand draws right after np.random.seed(s), with s = "
                 + ", ".join(map(str, found[:3])) + (", ..." if len(found) > 3 else ""))
    return Problem(f"{FORWARD_DROPOUT}: {mask_name} does not continue the caller's random stream: in {len(found)} of "
                   f"the {len(masks) - 1} calls after the first, it is exactly {drawn}. The test seeds numpy once, "
                   f"before its {len(masks)} calls, as model() does before training, and each call should continue "
                   "where the previous one stopped.", "mask-restarts", Cause(
                       "reseeds-inside", "np.random.seed (or a np.random.RandomState of its own) called inside the "
                       f"function: remove it, and draw {mask_name} from numpy's global generator with "
                       "np.random.rand."))


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
            Case("documented",
                 "the documented case", (*public_tests.compute_cost_with_regularization_test_case(), 0.1), _check_cost,
                 documented=True),
            Case("lambd=0.7",
                 f"{net_a_label}, lambd = 0.7", (forward_propagation(XA, net_a)[0], YA, net_a, 0.7), _check_cost),
            Case("lambd=2.5",
                 f"{net_b_label}, lambd = 2.5", (forward_propagation(XB, net_b)[0], YB, net_b, 2.5), _check_cost),
            Case("lambd=0",
                 f"{net_a_label}, lambd = 0", (forward_propagation(XA, net_a)[0], YA, net_a, 0.0), _check_cost),
        )
    if name == "backward_propagation_with_regularization":
        with_gradients = functools.partial(_check_backward_l2, gradient_check=True)
        return (
            Case("documented", "the documented case",
                 (*public_tests.backward_propagation_with_regularization_test_case(), 0.7), _check_backward_l2,
                 documented=True),
            Case("lambd=0.3",
                 f"{net_a_label}, lambd = 0.3", (XA, YA, forward_propagation(XA, net_a)[1], 0.3), with_gradients),
            Case("lambd=1.2",
                 f"{net_b_label}, lambd = 1.2", (XB, YB, forward_propagation(XB, net_b)[1], 1.2), with_gradients),
            Case("lambd=0",
                 f"{net_a_label}, lambd = 0", (XA, YA, forward_propagation(XA, net_a)[1], 0.0), _check_backward_l2),
        )
    if name == "forward_propagation_with_dropout":
        XS, _, net_s = random_problem(12, (2, 20, 3, 1), 100)
        Drawing = functools.partial(Case, draws_random_numbers=True)  # its masks come from numpy's global generator
        return (
            Drawing("documented",
                    "the documented case", (*public_tests.forward_propagation_with_dropout_test_case(), 0.7),
                 _check_forward_dropout, seed=1, repeat=2, documented=True),
            Drawing("keep_prob=0.5",
                    f"{net_a_label}, keep_prob = 0.5", (XA, net_a, 0.5), _check_forward_dropout, seed=2, repeat=2),
            Drawing("keep_prob=0.8",
                    f"{net_b_label}, keep_prob = 0.8", (XB, net_b, 0.8), _check_forward_dropout, seed=3, repeat=2),
            Drawing("keep_prob=1", f"{net_a_label}, keep_prob = 1", (XA, net_a, 1.0), _check_forward_dropout, seed=4),
            Drawing("40-calls", "40 calls on a network of sizes 2, 20, 3, 1 with 100 examples, keep_prob = 0.7",
                    (XS, net_s, 0.7), _check_mask_statistics, seed=5, repeat=40, select=((1, 1), (1, 6))),
        )
    if name == "backward_propagation_with_dropout":
        with_gradients = functools.partial(_check_backward_dropout, gradient_check=True)
        return (
            Case("documented", "the documented case",
                 (*public_tests.backward_propagation_with_dropout_test_case(), 0.8), _check_backward_dropout,
                 repeat=2, documented=True),
            Case("keep_prob=0.6",
                 f"{net_a_label}, keep_prob = 0.6", (XA, YA, _dropout_cache(XA, net_a, 0.6, 4), 0.6), with_gradients,
                 repeat=2),
            Case("keep_prob=0.8",
                 f"{net_b_label}, keep_prob = 0.8", (XB, YB, _dropout_cache(XB, net_b, 0.8, 6), 0.8), with_gradients,
                 repeat=2),
        )
    raise ValueError(f"no hidden tests for {name!r}")


# ---------------------------------------------------------------------------
# Contracts: each sentence a function must honour, the cases that fail when it does not, the mutants that break it
# ---------------------------------------------------------------------------

DOCUMENTED = "documented"
EVERY_COST_CASE = (DOCUMENTED, "lambd=0.7", "lambd=2.5", "lambd=0")
EVERY_L2_GRADIENT_CASE = (DOCUMENTED, "lambd=0.3", "lambd=1.2", "lambd=0")
EVERY_DROPOUT_GRADIENT_CASE = (DOCUMENTED, "keep_prob=0.6", "keep_prob=0.8")
UNCHANGED = "leaves its arguments as they were"
GENERATOR = "leaves numpy's global random generator as it was (it draws nothing)"

CONTRACTS = {
    "compute_cost_with_regularization": (
        Clause("adds an L2 term to the cross-entropy cost", (DOCUMENTED, "lambd=0.7"), ("no L2 term",)),
        Clause("the L2 term is lambd / 2 times the sum of the squared weights", (DOCUMENTED, "lambd=2.5"),
               ("missing 1/2",)),
        Clause("divided by m, the number of examples in Y, whatever m is", (DOCUMENTED, "lambd=0.7", "lambd=2.5"),
               ("missing 1/m", "m hard-coded to the documented case's 5")),
        Clause("the weights of all three layers, W1, W2 and W3", (DOCUMENTED, "lambd=2.5"),
               ("W3 left out", "W2 left out")),
        Clause("each weight squared: not an absolute value, not the square of a sum", (DOCUMENTED, "lambd=0.7"),
               ("L1 instead of L2", "square of the sum", "abs on one layer")),
        Clause("the squares summed, not averaged", (DOCUMENTED, "lambd=0.7"), ("mean instead of sum",)),
        Clause("the biases are not regularised", (DOCUMENTED, "lambd=0.7"), ("biases regularised",)),
        Clause(UNCHANGED, EVERY_COST_CASE, ("W1 squared in place",)),
        Clause(GENERATOR, EVERY_COST_CASE, ("numpy's global generator reseeded",)),
    ),
    "backward_propagation_with_regularization": (
        Clause("each dW adds (lambd / m) * W to the cross-entropy's gradient", EVERY_L2_GRADIENT_CASE,
               ("no L2 term in dW2", "the L2 term alone", "term subtracted",
                "the L2 term added to a dW1 never computed")),
        Clause("the L2 term's factor is lambd / m, the derivative of (lambd / 2m) * W**2", EVERY_L2_GRADIENT_CASE,
               ("lambd instead of lambd/m", "lambd/(2m) instead of lambd/m", "term doubled",
                "integer division lambd // m")),
        Clause("the cross-entropy's part is (1 / m) * dZ . A.T", EVERY_L2_GRADIENT_CASE,
               ("no 1/m on the cross-entropy's gradient",)),
        Clause("the biases' gradients have no L2 term", EVERY_L2_GRADIENT_CASE, ("regularisation added to db3",)),
        Clause("the gradients are those of the L2 cost (centred differences agree)", ("lambd=0.3", "lambd=1.2"),
               ("term subtracted", "lambd/(2m) instead of lambd/m")),
        Clause(UNCHANGED + " (the cache too)", EVERY_L2_GRADIENT_CASE, ("the cache's A3 changed in place",)),
        Clause(GENERATOR, EVERY_L2_GRADIENT_CASE, ("numpy's global generator reseeded",)),
    ),
    "forward_propagation_with_dropout": (
        Clause("each mask holds 0s and 1s, one per unit and example, of the shape of the activations it masks",
               (DOCUMENTED, "keep_prob=0.5", "40-calls"),
               ("random values used as the mask", "one mask per unit instead of per unit and example")),
        Clause("a unit is kept with probability keep_prob: np.random.rand(...) < keep_prob",
               (DOCUMENTED, "keep_prob=0.5", "keep_prob=0.8", "40-calls"),
               ("mask threshold reversed", "mask threshold 1 - keep_prob", "randn instead of rand")),
        Clause("the kept units are divided by keep_prob", (DOCUMENTED, "keep_prob=0.5", "keep_prob=0.8"),
               ("no scaling by keep_prob", "multiplied by keep_prob", "scaled by 1 - keep_prob")),
        Clause("both hidden layers get dropout, the output layer none", (DOCUMENTED, "keep_prob=0.5"),
               ("no dropout on the second hidden layer", "dropout on the output layer")),
        Clause("the cache is (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)", (DOCUMENTED, "keep_prob=1"),
               ("cache in the wrong order",)),
        Clause("draws its masks from numpy's global generator, continuing the caller's stream; never reseeds it",
               (DOCUMENTED, "40-calls"), ("reseeding inside the function",)),
        Clause(UNCHANGED, (DOCUMENTED, "keep_prob=0.5", "keep_prob=0.8", "keep_prob=1"),
               ("the masks stored in the caller's parameters",)),
    ),
    "backward_propagation_with_dropout": (
        Clause("dA1 and dA2 are masked by the forward pass's D1 and D2", EVERY_DROPOUT_GRADIENT_CASE,
               ("mask not re-applied", "wrong mask", "mask applied to dZ2 instead of dA2")),
        Clause("then divided by keep_prob", EVERY_DROPOUT_GRADIENT_CASE,
               ("no scaling in backward", "multiplied by keep_prob", "scaled by 1 - keep_prob")),
        Clause("uses the cache's masks and draws no new one: the same cache gives the same gradients, and numpy's "
               "global random generator is left as it was", EVERY_DROPOUT_GRADIENT_CASE,
               ("a new mask drawn in backward",)),
        Clause("the gradients are those of the cost with the masks held fixed (centred differences agree)",
               ("keep_prob=0.6", "keep_prob=0.8"), ("no scaling in backward", "wrong mask")),
        Clause(UNCHANGED + " (the cache too)", EVERY_DROPOUT_GRADIENT_CASE, ("the cache's A3 changed in place",)),
    ),
}

HIDDEN = HiddenTests(labels=LABELS, cases=cases, contracts=CONTRACTS, timeout=TIMEOUT)
