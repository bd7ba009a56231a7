"""Feedback on a hidden case gives nothing away: no expected value, no hidden input, no student's value.

Students read the grader's messages and may submit again. Were a hidden case's
expected value in its message, a wrong function plus a table of the values read
back would score full marks. Each function here runs in this process and its
results are checked by Case.problems, as the grader's judge() does: a hidden
case's message says what is wrong and the likely cause; only the documented
case (the one in public_tests.py) shows expected and found values.
"""

import copy
import functools
import math
import re
import types

import numpy as np
import pytest

import checking
from autograder import assignments
from autograder.inside.worker import select
from tools.variants import apply


def spec_of(name):
    """An assignment's hidden tests, with its solution and the notebook they are read from."""
    hidden_tests, assignment = assignments.module(name, "hidden_tests"), assignments.load(name)
    return types.SimpleNamespace(SOURCE_NOTEBOOK=assignment.source_notebook, GRADED_FUNCTIONS=assignment.functions,
                                 cases=assignment.cases, summarise=assignment.hidden.summarise,
                                 reference=hidden_tests.reference, expected=hidden_tests.expected)


SPECS = tuple(spec_of(name) for name in assignments.names())
regularization, tuning = spec_of("regularization"), spec_of("tuning")
public_tests = assignments.module("regularization", "public_tests")
MUTANTS = assignments.module("regularization", "mutants").MUTANTS
VARIANTS = [(spec_of(name), variant) for name in assignments.names()
            for variant in assignments.module(name, "mutants").MUTANTS]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
DIGITS = 4  # a number shown with this many significant digits or more counts as shown
COST = "compute_cost_with_regularization"


# ---------------------------------------------------------------------------
# Running functions on the cases, and finding values in messages
# ---------------------------------------------------------------------------

def results_of(case, function):
    """What the case's calls return, as the worker sends them back (None when the function raises)."""
    args = copy.deepcopy(case.args)
    if case.seed is not None:
        np.random.seed(case.seed)
    try:
        with np.errstate(all="ignore"):
            results = [function(*args) for _ in range(case.repeat)]
    except Exception:  # the grader reports the error itself, not the checks' messages
        return None
    return [select(result, case.select) for result in results] if case.select else results


@functools.cache
def feedback(number, shown=False):
    """(case, problems) for each case of a variant's function on which it runs to the end.

    shown -- check without hiding any value, as the grader did before (to show the tests can fail)
    """
    spec, variant = VARIANTS[number]
    function = apply(variant, spec.SOURCE_NOTEBOOK, spec.reference())
    pairs = []
    for case in spec.cases(variant.function):
        results = results_of(case, function)
        if results is not None:
            pairs.append((case, case.check(case, results) if shown else case.problems(results)))
    return tuple(pairs)


def numbers(value):
    """Every number inside a value (a number, an array, or tuples, lists and dicts of them), as floats."""
    if isinstance(value, dict):
        return [x for item in value.values() for x in numbers(item)]
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in numbers(item)]
    if isinstance(value, (int, float, np.integer, np.floating, np.ndarray)) and not isinstance(value, bool):
        return [float(x) for x in np.ravel(value)]
    return []


def secrets(spec, name, case):
    """What a hidden case's messages must not show: its expected results and its inputs (non-integer values)."""
    values = numbers(spec.expected(name, case)) + numbers(case.args)
    return {x for x in values if math.isfinite(x) and x != round(x)}


def significant_digits(token):
    return len(re.split("[eE]", token)[0].lstrip("+-").replace(".", "").lstrip("0"))


def shown_values(text, values):
    """The numbers of the text, written with DIGITS significant digits or more, that are one of values
    rounded or truncated (in absolute value)."""
    found = []
    for token in NUMBER.findall(text):
        if not re.search(r"[.eE]", token) or significant_digits(token) < DIGITS or float(token) == 0:
            continue
        shown = abs(float(token))
        unit = 10.0 ** (math.floor(math.log10(shown)) - significant_digits(token) + 1)
        found += [token for x in values if abs(shown - abs(x)) <= unit]
    return found


def leaves(value):
    """The arrays inside a value."""
    if isinstance(value, dict):
        return [x for item in value.values() for x in leaves(item)]
    if isinstance(value, (tuple, list)):
        return [x for item in value for x in leaves(item)]
    return [value] if isinstance(value, np.ndarray) else []


def shows(problems, expected):
    """True when the messages show some of the expected values (some with integer values only, like a split's)."""
    text = "\n".join(map(str, problems))
    return bool(shown_values(text, numbers(expected))) or any(checking.show(array) in text
                                                              for array in leaves(expected) if array.size > 1)


def variants_of(name):
    return [number for number, (_, variant) in enumerate(VARIANTS) if variant.function == name]


GRADED = [(spec, name) for spec in SPECS for name in spec.GRADED_FUNCTIONS]


# ---------------------------------------------------------------------------
# Hidden cases show no value; the documented case does
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("number", range(len(VARIANTS)), ids=[variant.label for _, variant in VARIANTS])
def test_hidden_cases_messages_show_no_expected_value_nor_input(number):
    spec, variant = VARIANTS[number]
    for case, problems in feedback(number):
        if case.documented or not problems:
            continue
        text = "\n".join(map(str, problems))
        assert shown_values(text, secrets(spec, variant.function, case)) == [], f"{case.label}:\n{text}"
        assert not re.search(r"(expected|found)( X_dev)?:", text), text


@pytest.mark.parametrize("spec, name", GRADED, ids=[name for _, name in GRADED])
def test_the_documented_case_still_shows_its_expected_value(spec, name):
    documented = [(number, case, problems) for number in variants_of(name) for case, problems in feedback(number)
                  if case.documented and problems]
    assert all(case is spec.cases(name)[0] for _, case, _ in documented)
    assert any(shows(problems, spec.expected(name, case)) for _, case, problems in documented), \
        f"no mutant of {name} is shown its documented expected values"


@pytest.mark.parametrize("spec, name", GRADED, ids=[name for _, name in GRADED])
def test_the_same_mutants_read_hidden_values_when_the_checks_show_them(spec, name):
    # The test above would pass on messages with no number at all: here the unhidden checks leak.
    leaked = [case.label for number in variants_of(name) for case, problems in feedback(number, shown=True)
              if not case.documented and shown_values("\n".join(map(str, problems)), secrets(spec, name, case))]
    assert leaked


def test_only_the_first_case_of_each_function_is_documented():
    for spec, name in GRADED:
        assert [case.documented for case in spec.cases(name)] == [True] + [False] * (len(spec.cases(name)) - 1)
        assert "documented case" in spec.cases(name)[0].label


def test_hiding_values_lasts_for_its_block_only():
    with pytest.raises(ZeroDivisionError):
        with checking.hiding_values():
            assert not checking.reveal_values.get()
            with checking.hiding_values():
                pass
            assert not checking.reveal_values.get()
            1 / 0
    assert checking.reveal_values.get()


def test_the_visible_test_still_shows_expected_and_found_values():
    no_l2 = apply(MUTANTS[0], regularization.SOURCE_NOTEBOOK, regularization.reference())
    with pytest.raises(public_tests.TestFailure) as failure:
        public_tests.compute_cost_with_regularization_test(no_l2)
    expected = public_tests.EXPECTED[COST]["cost"]
    assert f"expected: {float(expected)!r}" in str(failure.value) and "found:    " in str(failure.value)


# ---------------------------------------------------------------------------
# A student who builds a table of answers from the feedback
# ---------------------------------------------------------------------------

def attack(shown, resubmissions=3):
    """Whether a cost function with no L2 term, plus a table of numbers read from the feedback, passes
    every case within the resubmissions.

    The student knows the documented answer from public_tests.py. After each submission they read the
    grader's messages (the first failing case's problems, under its label), take every number in them,
    longest first, as candidate answers for that case's m and lambd, and try the next candidate each time.
    """
    cases = regularization.cases(COST)
    assert MUTANTS[0].function == COST and MUTANTS[0].mistake == "no L2 term"
    honest = apply(MUTANTS[0], regularization.SOURCE_NOTEBOOK, regularization.reference())
    table = {(5, 0.1): [float(public_tests.EXPECTED[COST]["cost"])]}
    attempt = {}

    def submitted(A3, Y, parameters, lambd):
        key = (Y.shape[1], float(lambd))
        candidates = table.get(key, [])
        if attempt.get(key, 0) < len(candidates):
            return candidates[attempt.get(key, 0)]
        return honest(A3, Y, parameters, lambd)

    for _ in range(1 + resubmissions):
        failures = []
        for case in cases:
            results = results_of(case, submitted)
            problems = case.check(case, results) if shown else case.problems(results)
            if problems:
                failures.append((case.label, problems))
        if not failures:
            return True
        messages = "\n".join(regularization.summarise(COST, failures, len(cases)))
        m, lambd = re.search(r"with (\d+) examples, lambd = ([\d.]+)", failures[0][0]).groups()
        key = (int(m), float(lambd))
        if key in table:
            attempt[key] = attempt.get(key, 0) + 1
        tokens = sorted(NUMBER.findall(messages), key=significant_digits, reverse=True)
        table.setdefault(key, []).extend(float(t) for t in tokens if float(t) not in table.get(key, []))
    return False


def test_a_table_of_numbers_read_from_the_feedback_does_not_pass_the_hidden_cases():
    assert attack(shown=True), "the attack should work when the messages show the expected values"
    assert not attack(shown=False)


# ---------------------------------------------------------------------------
# split_dataset: its hidden inputs are the columns it is checked on
# ---------------------------------------------------------------------------

def test_split_dataset_hidden_cases_show_no_column_nor_label():
    split_variants = variants_of("split_dataset")
    seen = 0
    for number in split_variants:
        for case, problems in feedback(number):
            if case.documented or not problems:
                continue
            seen += 1
            text = "\n".join(map(str, problems))
            X, Y = case.args[:2]
            assert "[" not in text.replace("[:, ", "") and not re.search(r"(expected|found)( X_dev)?:", text), text
            assert shown_values(text, numbers(X)) == [], text
    assert seen >= 10
    # Without hiding, the same checks print hidden columns and labels.
    shown = "\n".join(str(p) for number in split_variants for case, problems in feedback(number, shown=True)
                      if not case.documented for p in problems)
    assert "expected X_dev: [[" in shown and "expected: [[" in shown


def test_split_dataset_labels_of_a_hidden_case_are_not_shown():
    case = tuning.cases("split_dataset")[1]
    X, Y, dev_fraction, seed = case.args
    wanted = assignments.module("tuning", "public_tests").named("split_dataset", tuning.expected("split_dataset", case))
    unshuffled_labels = (wanted["X_train"], Y[:, :wanted["X_train"].shape[1]], wanted["X_dev"],
                         Y[:, wanted["X_train"].shape[1]:])
    [problem] = case.problems([unshuffled_labels, unshuffled_labels])
    assert str(problem) == ("split_dataset: the labels in Y_train are not those of the examples in X_train.\n"
                       "  Likely cause: Y was not shuffled: shuffle it with the same permutation as X.")
