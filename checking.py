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
from dataclasses import dataclass, replace

import numpy as np

RTOL, ATOL = 1e-5, 1e-7


@dataclass(frozen=True)
class Cause:
    """A likely mistake behind a failed check, declared once, beside the check that recognises it.

    id -- a stable identifier (the class report counts students by it; never derived from text)
    text -- the sentence shown after "Likely cause:"

    Both may hold {placeholders} that format() fills in, e.g.
    Cause("l2-backward-no-term-{name}", "{name} has no regularisation term.").format(name="dW1").
    """
    id: str
    text: str

    def format(self, **values):
        return Cause(self.id.format(**values), self.text.format(**values))


@dataclass(frozen=True)
class Problem:
    """One thing a check found wrong, as data. str(problem) is the message a student reads.

    text -- what is wrong, naming the function and the quantity
    kind -- the symptom, a stable word: "wrong-values", "wrong-type", "wrong-shape", "still-none", "error",...
    cause -- the likely cause, or None when the check does not recognise the mistake
    values -- the lines that show the expected and the found values ("" while values are hidden)
    note -- a last line, after the cause
    quantity -- the quantity it is about ("dW1", "cost"...), or ""
    summary -- what the class report shows when there is no cause (default: text); never the student's words
    """
    text: str
    kind: str = "wrong"
    cause: Cause | None = None
    values: str = ""
    note: str = ""
    quantity: str = ""
    summary: str = ""

    def because(self, cause):
        """This problem with its likely cause (unchanged when cause is None)."""
        return self if cause is None else replace(self, cause=cause)

    def __str__(self):
        cause = f"\n  Likely cause: {self.cause.text}" if self.cause else ""
        return self.text + self.values + cause + self.note

    def report_cause(self):
        """The cause as the class report counts it: {"id", "message"}; a symptom's id starts with "symptom-"."""
        if self.cause is not None:
            return {"id": self.cause.id, "message": self.cause.text}
        quantity = f"-{self.quantity}" if self.quantity else ""
        return {"id": f"symptom-{self.kind}{quantity}", "message": self.summary or self.text}


def problem(value):
    """value as a Problem (a kit-written message without a cause may be given as a str)."""
    return value if isinstance(value, Problem) else Problem(str(value))


STILL_NONE = Cause("still-none", "a variable is still None: replace each `None` between START CODE HERE and "
                                 "END CODE HERE with your code.")
CHANGED_ARGUMENTS = Cause("changed-arguments", "an in-place operation on an argument (+=, *=, /=, an item "
                                               "assignment, rng.shuffle or np.random.shuffle): compute new arrays "
                                               "instead, e.g. X[:, permutation] rather than shuffling X.")
MOVED_GLOBAL_GENERATOR = Cause(
    "moved-global-generator", "np.random.seed, or a draw from np.random (np.random.permutation, np.random.shuffle, "
    "np.random.rand...): draw only from a generator of the function's own, such as np.random.default_rng(seed), "
    "or draw nothing.")
RETURNED_CALLERS_ARRAYS = Cause("returned-callers-arrays", "returning the parameters it was given, or a shallow copy "
                                                           "(dict(parameters)): copy them, copy.deepcopy(parameters).")
READ_BEFORE_ASSIGNED = Cause("read-before-assigned", "a line reads {name} before any line has given it a value, as "
                                                     "`{name} = {name} + ...` does: no line above computes {name} "
                                                     "for you, so write its whole formula in one line.")


def changed_arguments(function, what):
    """The Problem of a function that changed its arguments in place (what: which, for the message)."""
    return Problem(f"{function} changed {what} in place: the caller's arrays are not the same after the call.",
                   "changed-arguments", CHANGED_ARGUMENTS)


def error_cause(error_type, message):
    """The likely cause of an exception a student's function raised, or None. Only the exception's type and the
    name of an unbound variable (an identifier) are read from what the student's code raised."""
    unbound = re.search(r"cannot access local variable '(\w+)'", message)
    if error_type == "UnboundLocalError" and unbound:
        return READ_BEFORE_ASSIGNED.format(name=unbound.group(1))
    if "NoneType" in message:
        return STILL_NONE
    return None


def raised(function, error_type, message, where=""):
    """The Problem of a function that raised an exception (where: the lines that say where)."""
    return Problem(f"{function} raised {error_type}: {message}{where}", "error", error_cause(error_type, message),
                   summary=f"{function} raises an exception")


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
    causes -- (value, Cause) pairs: the results of likely mistakes;
              when found equals one of them, its Cause is the likely cause

    Returns:
    problem -- None if found matches expected, else a Problem

    Example: compare("f", "cost", 0.5, 0.25, [(0.5, Cause("f-doubled", "the cost is doubled."))])
    """
    where = f"{function}: {quantity}"
    if found is None:
        return Problem(f"{where} is still None.", "still-none", quantity=quantity)
    if isinstance(expected, float):
        if isinstance(found, np.ndarray) or not isinstance(found, (float, np.floating)):
            return Problem(f"{where} should be a float, but it is {describe_value(found)}.", "wrong-type",
                           quantity=quantity)
    else:
        if not isinstance(found, np.ndarray):
            return Problem(f"{where} should be a numpy array of shape {expected.shape}, but it is "
                           f"{describe_value(found)}.", "wrong-type", quantity=quantity)
        if found.shape != expected.shape:
            return Problem(f"{where} should have shape {expected.shape}, but it has shape {found.shape}.",
                           "wrong-shape", quantity=quantity)
        if found.dtype.kind not in "biuf":
            return Problem(f"{where} should hold numbers, but its dtype is {found.dtype}.", "wrong-type",
                           quantity=quantity)
    if close(found, expected):
        return None
    if not all(isinstance(cause, Cause) for _, cause in causes):
        raise TypeError(f"compare({function!r}, {quantity!r}): causes are (value, Cause) pairs")
    cause = next((cause for value, cause in causes if close(found, value)), None)
    if cause is None and not np.all(np.isfinite(np.asarray(found, dtype=float))):
        cause = NOT_FINITE
    return Problem(f"{where} has wrong values.", "wrong-values", cause, expected_and_found(expected, found),
                   quantity=quantity)


NOT_FINITE = Cause("not-finite", "it contains NaN or infinity.")


def needs_type(function, found, kind, length=None):
    """A message if found is not a kind (dict or tuple) of the given length, else None."""
    if found is None:
        return [Problem(f"{function} returned None: keep the return line at the end of the function.",
                        "returned-none")]
    if not isinstance(found, kind):
        return [Problem(f"{function} should return a {kind.__name__}, but it returned {describe_value(found)}.",
                        "wrong-type")]
    if length is not None and len(found) != length:
        return [Problem(f"{function} should return a {kind.__name__} of {length} items, but it returned "
                        f"{len(found)}.", "wrong-length")]
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
            problems.append(replace(problem, note=f"\n  (The gradients computed from {name} are then wrong too.)"))
            break
        if problem:
            problems.append(problem)
    return problems


def missing_keys(function, gradients, names):
    missing = [name for name in names if name not in gradients]
    if missing:
        return [Problem(f"{function}: the gradients dict has no {', '.join(repr(n) for n in missing)}.",
                        "missing-keys")]
    return []



def holds_none(function, name, value):
    """A message when value is None or a list or tuple holding None (a stub not yet replaced), else None."""
    if value is None:
        return Problem(f"{function}: {name} is still None.", "still-none", quantity=name)
    if isinstance(value, (list, tuple)) and any(item is None for item in value):
        return Problem(f"{function}: {name} holds None: a variable it is made of is still None.", "still-none",
                       quantity=name)
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

def changed(before, after):
    """True when a value no longer holds what its copy (before) holds: arrays, scalars, and tuples, lists and dicts
    of them, compared with their types. The one test of "the function changed its arguments", for the visible
    tests and for the grader."""
    if type(before) is np.ndarray:
        return not (type(after) is np.ndarray and before.shape == after.shape
                    and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")))
    if type(before) is dict:
        return not (type(after) is dict and before.keys() == after.keys()) or any(
            changed(before[key], after[key]) for key in before)
    if type(before) in (tuple, list):
        return not (type(after) is type(before) and len(before) == len(after)) or any(
            changed(b, a) for b, a in zip(before, after))
    if isinstance(before, (float, np.floating)) and before != before:  # NaN
        return not (type(after) is type(before) and after != after)
    return type(after) is not type(before) or bool(before != after)


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
        failure = TestFailure(str(raised(target.__name__, type(error).__name__, str(error), where)))
    else:
        names = target.__code__.co_varnames[:len(args)]
        found = [name for name, before, after in zip(names, copies, args) if changed(before, after)]
        if not found:
            return result
        what = f"its argument{'s' if len(found) > 1 else ''} {' and '.join(found)}"
        failure = TestFailure(str(changed_arguments(target.__name__, what)))
    raise failure


def explain(problems):
    """One message for a list of problems, with the hint for unfilled stubs given once."""
    problems = [problem(p) for p in problems]
    message = "\n".join(map(str, problems))
    if any(p.kind == "still-none" for p in problems) and not any(p.cause == STILL_NONE for p in problems):
        message += f"\nLikely cause: {STILL_NONE.text}"
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
