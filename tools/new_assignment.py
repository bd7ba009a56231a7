"""Start a new assignment in source/<name>/, ready to edit: `make new-assignment NAME=... [FUNCTION=...]`.

    python -m tools.new_assignment NAME [--function FUNCTION]

Writes everything one assignment needs, in its folder only (see
autograder/assignments.py and docs/authoring.md, "Add an assignment"): a notebook
with one graded function (an L2 penalty, to replace with yours), its visible
tests and documented case (public_tests.py), its hidden tests
(hidden_tests.py), its mutants, correct variants and example students
(mutants.py), and links to the course-wide helpers. The example passes its
own tests as written: run `make release`, `make examples` and `make test`
and every step works before you change anything.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
COURSE_WIDE = ("checking.py", "reg_utils.py", "testCases.py")

SOLUTION = '''\
# GRADED FUNCTION: {function}

def {function}(parameters, lambd, m):
    \'\'\'
    The L2 regularisation term of the cost.

    Arguments:
    parameters -- dict of the weights "W1", "W2", ... (numpy arrays of any shape) and the biases "b1", ...
    lambd -- regularisation strength, a non-negative float
    m -- number of examples

    Returns:
    penalty -- (lambd / (2 m)) times the sum of the squares of every weight, a float
    \'\'\'
    weights = [value for key, value in sorted(parameters.items()) if key.startswith("W")]
    ### START CODE HERE ### (approx. 1 line)
    penalty = lambd / (2 * m) * sum(float(np.sum(np.square(W))) for W in weights)  # squared, summed and scaled
    ### END CODE HERE ###
    return penalty'''

TEST_CELL = '''\
# Test {function} on the documented case: the type and value of the penalty.
public_tests.{function}_test({function})
### BEGIN HIDDEN TESTS
from autograder import hidden
hidden.test("{function}", {function})
### END HIDDEN TESTS'''

PUBLIC_TESTS = '''\
"""Visible tests of the {title} assignment, run by the notebook's test cells.

{function}_test(target) calls your function on the documented case
({function}_test_case) and compares what it returns with EXPECTED; it prints
the value and "All tests passed.", or raises TestFailure with the likely cause.
check_{function} holds the comparison, so that the hidden tests run it on other cases.
"""

import numpy as np

from checking import Cause, TestFailure, call, compare, conclude  # noqa: F401
from testCases import draw_parameters


def {function}_test_case():
    """Inputs of {function}'s test: the parameters of a network of sizes 3, 2, 3, 1 (seed 1), lambd, m."""
    return draw_parameters(np.random.RandomState(1)), 0.7, 5


EXPECTED = {{"{function}": {{"penalty": {expected!r}}}}}


def check_{function}(penalty, expected, parameters, lambd, m):
    """Problems with the penalty returned for these inputs (an empty list when it is right)."""
    squares = sum(float(np.sum(np.square(value))) for key, value in parameters.items() if key.startswith("W"))
    causes = [(lambd / m * squares, Cause("{function}-no-half", "the penalty is twice too large: its factor is "
                                                                 "lambd / (2 * m).")),
              (lambd / 2 * squares, Cause("{function}-no-1/m", "the penalty is m times too large: did you forget "
                                                               "the 1/m?"))]
    problem = compare("{function}", "penalty", penalty, float(expected), causes)
    return [problem] if problem else []


def {function}_test(target):
    """Test {function} on the documented case."""
    __tracebackhide__ = True  # noqa: F841
    parameters, lambd, m = {function}_test_case()
    penalty = call(target, parameters, lambd, m)
    conclude(check_{function}(penalty, EXPECTED["{function}"]["penalty"], parameters, lambd, m), {{"penalty": penalty}})
'''

HIDDEN_TESTS = '''\
"""Hidden tests of the {title} assignment: the cases each graded function is called on, and their checks."""

import functools
from pathlib import Path

from autograder.cases import Case, Clause, HiddenTests, Reference, sample_problems

from . import public_tests

_solution = Reference(Path(__file__).with_name("{notebook}"))


def _check(case, results):
    return public_tests.check_{function}(results[0], _solution.expected("{function}", case), *case.args)


@functools.cache
def cases(name):
    """The hidden cases of a graded function, the documented one first."""
    (_, _, net_a, label_a), (_, _, net_b, label_b) = sample_problems()
    return (
        Case("documented", "the documented case", public_tests.{function}_test_case(), _check, documented=True),
        Case("m=7", f"{{label_a}}, lambd = 0.3, m = 7", (net_a, 0.3, 7), _check),
        Case("m=13", f"{{label_b}}, lambd = 2, m = 13", (net_b, 2.0, 13), _check),
    )


# Each sentence of the function's contract, the cases that fail when it is broken, the mutants that break it.
CONTRACTS = {{
    "{function}": (
        Clause("the factor is lambd / (2 * m)", ("documented", "m=7", "m=13"),
               ("missing 1/2", "missing 1/m")),
    ),
}}

HIDDEN = HiddenTests(labels={{"{function}": "{label}"}}, cases=cases, contracts=CONTRACTS)
'''

MUTANTS = '''\
"""{title}'s mutants, correct variants and example submissions (see tools/variants.py)."""

from tools.variants import Variant, edit

FUNCTION = "{function}"

MUTANTS = [
    Variant(FUNCTION, edit("lambd / (2 * m)", "lambd / m"), "missing 1/2", "twice too large"),
    Variant(FUNCTION, edit("lambd / (2 * m)", "lambd / 2"), "missing 1/m", "forget the 1/m"),
]

CORRECT = [
    Variant(FUNCTION, edit("float(np.sum(np.square(W)))", "float(np.sum(W * W))")),
]

EXAMPLES = {{"ada": [], "ben": [MUTANTS[0]], "cleo": None, "dev": [CORRECT[0]]}}
'''


def notebook(title, function):
    """The assignment's notebook: an introduction, the imports, one exercise with its test and expected output."""
    cells = [
        new_markdown_cell(f"# {title}\n\nReplace this example with your assignment: write your functions between "
                          "`START CODE HERE` and `END CODE HERE`, run each test cell below them."),
        new_code_cell("import numpy as np\n\nimport public_tests"),
        new_markdown_cell(f"### Exercise 1: `{function}`\n\nThe L2 term of the cost is\n\n"
                          "$$\\frac{\\lambda}{2m} \\sum_l \\sum_{k,j} \\left(W^{[l]}_{k,j}\\right)^2.$$"),
        new_code_cell(SOLUTION.format(function=function)),
        new_code_cell(TEST_CELL.format(function=function)),
        new_markdown_cell("**Expected output**: the value below, then `All tests passed.`\n\n"
                          "| quantity | value |\n|---|---|\n| `penalty` | {expected} |"),
    ]
    metadata = [None, ("imports", {"locked": True}), None,
                (function, {"solution": True}), (f"test_{function}", {"grade": True, "locked": True, "points": 2})]
    for cell, meta in zip(cells, metadata):
        if meta is not None:
            grade_id, flags = meta
            cell.metadata["nbgrader"] = {"grade": False, "locked": False, "solution": False, "task": False,
                                         "schema_version": 3, "grade_id": grade_id, **flags}
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def create(name, function):
    """Write source/<name>/; returns its folder. Refuses a name that is taken or not a Python identifier."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not re.fullmatch(r"[a-z_][a-z0-9_]*", function):
        sys.exit("error: the assignment's and the function's names are lowercase Python identifiers, "
                 "e.g. `make new-assignment NAME=weight_decay FUNCTION=l2_penalty`")
    folder = SOURCE / name
    if folder.exists():
        sys.exit(f"error: source/{name}/ exists already: choose another name")
    title = name.replace("_", " ").title().replace(" ", "")
    # The documented expected output: what the example solution returns on the documented case.
    sys.path.insert(0, str(REPO))
    from testCases import draw_parameters
    solution = {"np": np}
    exec(SOLUTION.format(function=function), solution)
    expected = solution[function](draw_parameters(np.random.RandomState(1)), 0.7, 5)
    folder.mkdir(parents=True)
    book = notebook(title, function)
    book.cells[-1].source = book.cells[-1].source.format(expected=repr(expected))
    nbformat.write(book, folder / f"{title}.ipynb")
    values = {"title": title, "function": function, "notebook": f"{title}.ipynb", "expected": expected,
              "label": function.replace("_", " ")}
    for file, template in (("public_tests.py", PUBLIC_TESTS), ("hidden_tests.py", HIDDEN_TESTS),
                           ("mutants.py", MUTANTS)):
        (folder / file).write_text(template.format(**values))
    for file in COURSE_WIDE:
        (folder / file).symlink_to(Path("..", "..", file))
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the assignment's name, a folder of source/ (lowercase)")
    parser.add_argument("--function", default="l2_penalty", help="the example graded function's name "
                        "(default: l2_penalty; names are unique in the course)")
    args = parser.parse_args(argv)
    folder = create(args.name, args.function)
    print(f"Created {folder.relative_to(REPO)}/: edit its notebook, public_tests.py, hidden_tests.py and "
          "mutants.py, then run `make release`, `make examples` and `make test`.")


if __name__ == "__main__":
    main()
