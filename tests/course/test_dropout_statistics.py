"""The hidden tests grade dropout's forward pass as randomness: they fail masks that are not fresh random draws.

Each variant below is a forward_propagation_with_dropout that differs from the
contract only in how it draws D1 and D2; the forward pass around the masks is
the instructor solution's (`forward`). The wrong ones got full marks, or a
misleading message, before the masks of many calls were tested as random
draws; the right ones are other correct ways to draw the masks.
"""

import functools
import operator

import numpy as np
import pytest

from autograder import assignments, hidden
from reg_utils import relu, sigmoid

regularization = assignments.module("regularization", "hidden_tests")

NAME = "forward_propagation_with_dropout"


def forward(draw):
    """forward_propagation_with_dropout drawing its masks with draw(shape1, shape2, keep_prob) -> (D1, D2).

    draw is called first, where a student would reseed numpy's generator.
    """
    def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
        W1, b1, W2, b2, W3, b3 = (parameters[key] for key in ("W1", "b1", "W2", "b2", "W3", "b3"))
        D1, D2 = draw((W1.shape[0], X.shape[1]), (W2.shape[0], X.shape[1]), keep_prob)
        Z1 = np.dot(W1, X) + b1
        A1 = relu(Z1) * D1 / keep_prob
        Z2 = np.dot(W2, A1) + b2
        A2 = relu(Z2) * D2 / keep_prob
        Z3 = np.dot(W3, A2) + b3
        A3 = sigmoid(Z3)
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return forward_propagation_with_dropout


def rand_masks(shape1, shape2, keep_prob):
    return np.random.rand(*shape1) < keep_prob, np.random.rand(*shape2) < keep_prob


# ---------------------------------------------------------------------------
# Wrong variants: each builds a new function (those with a state start afresh)
# ---------------------------------------------------------------------------

def golden(shape, keep_prob, offset=0):
    """A low-discrepancy pattern: keeps almost exactly keep_prob of the units, wherever one looks."""
    return (((np.arange(shape[0] * shape[1]) + offset) * 0.618034) % 1 < keep_prob).reshape(shape)


def first_units(shape, keep_prob):
    """A fixed pattern that keeps exactly round(keep_prob * n) of the n units."""
    mask = np.zeros(shape[0] * shape[1], dtype=int)
    mask[:round(keep_prob * mask.size)] = 1
    return mask.reshape(shape)


def shuffled_exact(shape, keep_prob):
    """Exactly round(keep_prob * n) units kept, at random places."""
    mask = np.zeros(shape[0] * shape[1], dtype=int)
    mask[np.random.permutation(mask.size)[:round(keep_prob * mask.size)]] = 1
    return mask.reshape(shape)


def golden_pattern():
    return forward(lambda shape1, shape2, keep_prob: (golden(shape1, keep_prob), golden(shape2, keep_prob)))


def fixed_exact_pattern():
    return forward(lambda shape1, shape2, keep_prob: (first_units(shape1, keep_prob), first_units(shape2, keep_prob)))


def moving_golden_pattern():
    offset = 0

    def draw(shape1, shape2, keep_prob):
        nonlocal offset
        D1 = golden(shape1, keep_prob, offset)
        D2 = golden(shape2, keep_prob, offset + D1.size)
        offset += D1.size + D2.size
        return D1, D2
    return forward(draw)


def shuffled_exact_count():
    return forward(lambda shape1, shape2, keep_prob: (shuffled_exact(shape1, keep_prob),
                                                      shuffled_exact(shape2, keep_prob)))


def fixed_D2():
    return forward(lambda shape1, shape2, keep_prob: (np.random.rand(*shape1) < keep_prob,
                                                      np.random.RandomState(0).rand(*shape2) < keep_prob))


def counter_reseeding():
    calls = 0

    def draw(shape1, shape2, keep_prob):
        nonlocal calls
        np.random.seed(calls)
        calls += 1
        return rand_masks(shape1, shape2, keep_prob)
    return forward(draw)


def constant_reseeding():
    def draw(shape1, shape2, keep_prob):
        np.random.seed(1)
        return rand_masks(shape1, shape2, keep_prob)
    return forward(draw)


def cached_masks():
    cache = {}

    def draw(shape1, shape2, keep_prob):
        if (shape1, shape2) not in cache:
            cache[shape1, shape2] = rand_masks(shape1, shape2, keep_prob)
        return cache[shape1, shape2]
    return forward(draw)


def half_reused():
    last = {}

    def draw(shape1, shape2, keep_prob):
        masks = []
        for shape in (shape1, shape2):
            fresh = np.random.rand(*shape) < keep_prob
            masks.append(np.where(np.random.rand(*shape) < 0.5, last.get(shape, fresh), fresh))
            last[shape] = masks[-1]
        return tuple(masks)
    return forward(draw)


def one_value_per_unit():
    return forward(lambda shape1, shape2, keep_prob: tuple(
        np.tile(np.random.rand(shape[0], 1) < keep_prob, (1, shape[1])) for shape in (shape1, shape2)))


def one_value_per_example():
    return forward(lambda shape1, shape2, keep_prob: tuple(
        np.tile(np.random.rand(1, shape[1]) < keep_prob, (shape[0], 1)) for shape in (shape1, shape2)))


def unit_3_always_kept():
    def draw(shape1, shape2, keep_prob):
        D1, D2 = rand_masks(shape1, shape2, keep_prob)
        D1[3 % shape1[0]] = True
        return D1, D2
    return forward(draw)


def example_0_always_dropped():
    def draw(shape1, shape2, keep_prob):
        D1, D2 = rand_masks(shape1, shape2, keep_prob)
        D1[:, 0] = False
        return D1, D2
    return forward(draw)


def reversed_threshold():
    return forward(lambda shape1, shape2, keep_prob: (np.random.rand(*shape1) > keep_prob,
                                                      np.random.rand(*shape2) > keep_prob))


def randn_values():
    return forward(lambda shape1, shape2, keep_prob: (np.random.randn(*shape1) < keep_prob,
                                                      np.random.randn(*shape2) < keep_prob))


# (variant, fragments of the statistics case's message, True if the statistics case is the first to fail it, so
# that its message is the one students read; the others fail the documented case first, with its own message)
WRONG = [
    (golden_pattern, ["over 40 calls D1 was the same in every call", "deterministic pattern"], False),
    (fixed_exact_pattern, ["over 40 calls D2 was the same in every call", "deterministic pattern"], False),
    (moving_golden_pattern, ["masks D1 of consecutive calls agree on 40.0% of their entries",
                             "independent masks agree on about 58.0%", "deterministic pattern"], True),
    (shuffled_exact_count, ["the number of units D1 keeps in a call (of 2000) varies too little: from 1400 to 1400",
                            "a fixed number of kept units"], True),
    (fixed_D2, ["D2 does not continue the caller's random stream", "np.random.seed(0)",
                "np.random.RandomState of its own"], True),
    (counter_reseeding, ["D1 does not continue the caller's random stream", "np.random.seed(s), with s = ",
                         "np.random.seed (or a np.random.RandomState of its own) called inside the function"], True),
    (constant_reseeding, ["D1 does not continue the caller's random stream", "np.random.seed(1)"], False),
    (cached_masks, ["over 40 calls D1 was the same in every call", "a mask drawn once and reused"], False),
    (half_reused, ["masks D1 of consecutive calls agree on 7", "a mask reused from call to call"], False),
    (one_value_per_unit, ["every unit of D1 is kept for all 100 examples or for none",
                          "np.random.rand(A1.shape[0], 1)"], True),
    (one_value_per_example, ["the 20 units of D1 are all kept or all dropped together for each example",
                             "np.random.rand(1, A1.shape[1])"], True),
    (unit_3_always_kept, ["unit 3 of D1 (row 3, counting from 0) was kept in 100.0% of its 4000 draws",
                          "keeps some units more often than others"], True),
    (example_0_always_dropped, ["example 0 of D1 (column 0, counting from 0) was kept in 0.0% of its 800 draws",
                                "keeps some examples more often than others"], True),
    (reversed_threshold, ["D1 kept 0.30", "the threshold is reversed"], True),
    (randn_values, ["D1 kept 0.7", "np.random.randn"], False),
]


# ---------------------------------------------------------------------------
# Right variants
# ---------------------------------------------------------------------------

def one_draw(shape1, shape2, keep_prob):
    values = np.random.rand(shape1[0] + shape2[0], shape1[1])
    return values[:shape1[0]] < keep_prob, values[shape1[0]:] < keep_prob


def own_generator(shape1, shape2, keep_prob):
    rng = np.random.default_rng(np.random.randint(2**31))
    return rng.random(shape1) < keep_prob, rng.random(shape2) < keep_prob


def own_legacy_generator(shape1, shape2, keep_prob):
    rng = np.random.RandomState(np.random.randint(2**31))
    return rng.rand(*shape1) < keep_prob, rng.rand(*shape2) < keep_prob


RIGHT = {
    "bool masks": rand_masks,
    "int masks": lambda shape1, shape2, keep_prob: tuple((np.random.rand(*shape) < keep_prob).astype(int)
                                                         for shape in (shape1, shape2)),
    "random_sample": lambda shape1, shape2, keep_prob: (np.random.random_sample(shape1) < keep_prob,
                                                        np.random.random_sample(shape2) < keep_prob),
    "uniform": lambda shape1, shape2, keep_prob: (np.random.uniform(size=shape1) < keep_prob,
                                                  np.random.uniform(size=shape2) < keep_prob),
    "binomial": lambda shape1, shape2, keep_prob: (np.random.binomial(1, keep_prob, size=shape1),
                                                   np.random.binomial(1, keep_prob, size=shape2)),
    "one draw for both masks": one_draw,
    "default_rng seeded from the global stream": own_generator,
    "RandomState seeded from the global stream": own_legacy_generator,
}


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

def statistics_case():
    return next(case for case in regularization.cases(NAME) if case.check is regularization._check_mask_statistics)


def statistics_results(function, seed=None):
    """What the statistics case sends back for function (as hidden.run does, with another seed if given)."""
    case = statistics_case()
    np.random.seed(case.seed if seed is None else seed)
    results = [function(*case.args) for _ in range(case.repeat)]
    return [[functools.reduce(operator.getitem, path, result) for path in case.select] for result in results]


def statistics_problems(function, seed=None):
    return statistics_case().check(statistics_case(), statistics_results(function, seed))


@pytest.mark.parametrize("variant, fragments, first", WRONG, ids=[variant.__name__ for variant, *_ in WRONG])
def test_wrong_masks_fail_with_what_is_wrong_and_why(variant, fragments, first):
    """Each wrong variant fails the hidden tests; the statistics case names the property and the likely cause."""
    message = "\n".join(map(str, statistics_problems(variant())))
    for fragment in fragments:
        assert fragment in message, message
    assert "expected" not in message and "found:" not in message
    problems = hidden.run(NAME, variant())
    assert problems and problems[0].startswith(f"{NAME} fails ")
    if first:
        assert statistics_case().label in problems[0]
        assert fragments[0] in "\n".join(map(str, problems))


@pytest.mark.parametrize("draw", RIGHT.values(), ids=RIGHT.keys())
def test_right_masks_get_full_marks(draw):
    """Every right way to draw the masks passes all hidden tests."""
    assert hidden.run(NAME, forward(draw)) == []


@pytest.mark.parametrize("draw", [rand_masks, own_generator], ids=["rand", "default_rng"])
def test_right_masks_pass_the_statistics_whatever_the_seed(draw):
    """The statistics case passes a right function for 25 other seeds (each fails with probability below 1e-7)."""
    for seed in range(100, 125):
        assert statistics_problems(forward(draw), seed) == [], seed


def test_the_tests_fail_a_right_function_with_probability_at_most_the_budget():
    """The exact false-failure probabilities of the mask tests, plus the restart check's, sum to at most 1e-7."""
    X, parameters, keep_prob = statistics_case().args
    total = regularization.RESTART_FAILURE_PROBABILITY
    for units in (parameters["W1"].shape[0], parameters["W2"].shape[0]):
        tests = regularization.mask_tests((units, X.shape[1]), statistics_case().repeat, keep_prob)
        assert {test.property for test in tests} == set(regularization.MASK_PROPERTIES)
        for name in regularization.MASK_PROPERTIES:
            share = sum(test.false_failure_probability() for test in tests if test.property == name)
            assert 0 < share <= regularization.MASK_FAILURE_PROBABILITY / 10
            total += share
    assert total <= regularization.MASK_FAILURE_PROBABILITY == 1e-7


@pytest.mark.parametrize("variant", [moving_golden_pattern, shuffled_exact_count])
def test_exact_rate_patterns_fail_the_spread_test(variant):
    """A pattern that keeps (almost) exactly keep_prob of the units in every call fails the spread test itself."""
    keep_prob = statistics_case().args[2]
    masks = np.array([result[0] for result in statistics_results(variant())]) != 0
    spread = [test for test in regularization.mask_tests(masks.shape[1:], len(masks), keep_prob)
              if test.property == "spread"]
    assert not spread[0].passes(spread[0].count(masks))  # the units kept per call
