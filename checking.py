"""What every visible and hidden test shares: comparisons, likely causes, and how a test reports.

A course-wide helper, beside reg_utils.py: each assignment's public_tests.py
builds its checks from these, and the autograder's hidden tests run the same
checks on other cases, inside ``hiding_values()``, where a message says what
is wrong and why but shows no value (expected values read from feedback could
be typed back in).
"""

import contextlib
import contextvars
import copy
import re
import traceback

import numpy as np

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


def show(value):
    """A value as numpy prints it, indented under its label when it spans several lines."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8)
    else:
        text = repr(float(value) if isinstance(value, np.floating) else value)
    return text.replace("\n", "\n            ")


def expected_and_found(expected, found, quantity=""):
    """The lines of a message that show an expected and a found value ("" while values are hidden)."""
    if not reveal_values.get():
        return ""
    expected_label, found_label = f"expected{quantity}:", f"found{quantity}:"
    width = max(len(expected_label), len(found_label)) + 1
    return f"\n  {expected_label:<{width}}{show(expected)}\n  {found_label:<{width}}{show(found)}"


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
    message = f"{where} has wrong values." + expected_and_found(expected, found)
    explanation = next((explanation for value, explanation in causes if close(found, value)), None)
    if explanation is None and not np.all(np.isfinite(np.asarray(found, dtype=float))):
        explanation = "it contains NaN or infinity."
    return message + (f"\n  Likely cause: {explanation}" if explanation else "")


def needs_type(function, found, kind, length=None):
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


def compare_gradients(function, gradients, expected, causes):
    """Compare gradients in the order they are computed, stopping at the first wrong dA or dZ.

    causes -- dict mapping some gradient names to their (value, explanation) pairs
    """
    problems = []
    for name in (n for n in GRADIENT_ORDER if n in expected):
        problem = compare(function, name, gradients[name], np.array(expected[name]), causes.get(name, ()))
        if problem and name in CHAINED:
            problems.append(problem + f"\n  (The gradients computed from {name} are then wrong too.)")
            break
        if problem:
            problems.append(problem)
    return problems


def missing_keys(function, gradients, names):
    missing = [name for name in names if name not in gradients]
    if missing:
        return [f"{function}: the gradients dict has no {', '.join(repr(n) for n in missing)}."]
    return []



def holds_none(function, name, value):
    """A message when value is None or a list or tuple holding None (a stub not yet replaced), else None."""
    if value is None:
        return f"{function}: {name} is still None."
    if isinstance(value, (list, tuple)) and any(item is None for item in value):
        return f"{function}: {name} holds None: a variable it is made of is still None."
    return None


def as_numbers(value):
    """value as a 1-D float array when it is a list, tuple or 1-D array of numbers, else None."""
    if isinstance(value, np.ndarray) and value.ndim != 1:
        return None
    if not isinstance(value, (list, tuple, np.ndarray)):
        return None
    if not all(isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
               for x in value):
        return None
    return np.array(value, dtype=float)


def as_number(value):
    """value as a float when it is an int or float (Python or numpy), else None."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return None


# ---------------------------------------------------------------------------
# Running a visible test
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


def conclude(problems, shown):
    """Raise the problems found, or print the values and 'All tests passed.'"""
    __tracebackhide__ = True  # noqa: F841
    if problems:
        raise TestFailure(explain(problems))
    for name, value in shown.items():
        separator = " = \n" if isinstance(value, np.ndarray) and value.ndim > 1 and value.shape[0] > 1 else " = "
        print(name + separator + str(value))
    print("All tests passed.")
