"""Every assignment of source/, tested the same way.

Each is declared once and consistently; its instructor solution passes the
visible and the hidden tests; its release's stubs fail them with a message
about None; every mutant of its mutants.py fails both with its likely cause
named, and every correct variant passes; its documented-case builders repeat
themselves and leave numpy's global generator alone. Then a class of all these
submissions, graded through the command line, gets the same verdicts. What is
specific to one assignment is in test_<assignment>-like files (test_tuning.py,
test_public_tests.py, ...).
"""

import ast
import csv
import re

import nbformat
import numpy as np
import pytest
from conftest import ASSIGNMENTS, items, release_notebook

from autograder import assignments, hidden
from autograder.notebook import load_definitions
from tools.variants import apply

NOT_DONE = "is not done yet: the lines between START CODE HERE and END CODE HERE are still `None`."
EXAMPLE_STUDENTS = {"ada", "ben", "cleo", "dev"}


def mutants(name):
    return assignments.module(name, "mutants")


def public(name):
    return assignments.module(name, "public_tests")


FUNCTIONS = [(name, function) for name in ASSIGNMENTS for function in assignments.load(name).functions]
MUTANTS = [(name, number, variant) for name in ASSIGNMENTS for number, variant in enumerate(mutants(name).MUTANTS)]
CORRECT = [(name, number, variant) for name in ASSIGNMENTS for number, variant in enumerate(mutants(name).CORRECT)]


FUNCTION_IDS = [f"{name}: {function}" for name, function in FUNCTIONS]
MUTANT_IDS = [variant.label for _, _, variant in MUTANTS]
CORRECT_IDS = [variant.label for _, _, variant in CORRECT]


@pytest.fixture(scope="session")
def solutions():
    return {name: load_definitions(assignments.load(name).source_notebook) for name in ASSIGNMENTS}


@pytest.fixture(scope="session")
def stubs():
    return {name: load_definitions(release_notebook(assignments.load(name))) for name in ASSIGNMENTS}


# ---------------------------------------------------------------------------
# Declared once
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_assignment_is_declared_once_and_its_parts_agree(name):
    assignment = assignments.load(name)
    assert assignment.functions and list(assignment.labels) == list(assignment.functions)
    assert all(assignment.points[function] > 0 for function in assignment.functions)
    assert all(callable(getattr(public(name), f"{function}_test")) for function in assignment.functions)
    corpus = mutants(name)
    assert {variant.function for variant in corpus.MUTANTS} == set(assignment.functions)
    assert {variant.function for variant in corpus.CORRECT} == set(assignment.functions)
    assert all(variant.mistake for variant in corpus.MUTANTS)
    assert set(corpus.EXAMPLES) == EXAMPLE_STUDENTS


def test_function_names_are_unique_in_the_course():
    names = [function for _, function in FUNCTIONS]
    assert len(names) == len(set(names))
    assert all(assignments.grading(function).name == name for name, function in FUNCTIONS)


# ---------------------------------------------------------------------------
# Visible and hidden tests, in this process
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, function", FUNCTIONS, ids=FUNCTION_IDS)
def test_solution_passes_visible_and_hidden_tests(name, function, solutions, capsys):
    getattr(public(name), f"{function}_test")(solutions[name][function])
    assert capsys.readouterr().out.endswith("All tests passed.\n")
    assert hidden.run(function, solutions[name][function]) == []


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=FUNCTION_IDS)
def test_stub_fails_with_a_message_about_none(name, function, stubs):
    module = public(name)
    with pytest.raises(module.TestFailure) as failure:
        getattr(module, f"{function}_test")(stubs[name][function])
    message = str(failure.value)
    assert message.startswith(function) and "still None" in message
    assert "replace each `None` between START CODE HERE and END CODE HERE" in message
    failures = hidden.failures(function, stubs[name][function])
    assert next(iter(failures)) == "documented"
    # A stub may be right where nothing is to be done (model_with_early_stopping with num_iterations = 0).
    assert len(failures) >= len(assignments.load(name).cases(function)) - 1


def clauses_broken_by(name, variant):
    contract = assignments.load(name).hidden.contracts[variant.function]
    return [clause for clause in contract if variant.mistake in clause.mutants]


def assert_cause(cause, message):
    """The mutant's likely cause is named; a mutant without one gets no likely cause rather than a wrong one."""
    if cause:
        assert cause in message, message
    else:
        assert "Likely cause" not in message, message


@pytest.mark.parametrize("name, number, variant", MUTANTS, ids=MUTANT_IDS)
def test_mutant_fails_the_cases_of_the_clauses_it_breaks_and_its_likely_cause_is_named(name, number, variant,
                                                                                         solutions):
    assignment = assignments.load(name)
    mutant = apply(variant, assignment.source_notebook, solutions[name])
    module = public(name)
    if variant.visible:
        with pytest.raises(module.TestFailure) as failure:
            getattr(module, f"{variant.function}_test")(mutant)
        message = str(failure.value)
        assert message.startswith(variant.function)
        assert_cause(variant.cause, message)
        if "has wrong values" in message:
            assert re.search(r"expected: .+\n\s+found: ", message, re.DOTALL), message
    failures = hidden.failures(variant.function, mutant)
    assert failures
    assert_cause(variant.cause, "\n".join(next(iter(failures.values()))))  # the first failing case is the one shown
    clauses = clauses_broken_by(name, variant)
    assert clauses, f"{variant.mistake!r} breaks no clause of {variant.function}'s contract: add it to one"
    for clause in clauses:
        enforcing = {case.id for case in clause.matching(assignment.cases(variant.function))}
        assert enforcing & set(failures), (f"{variant.mistake!r} passes every case that enforces {clause.text!r}; "
                                           f"it fails {list(failures)}")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_clause_names_mutants_of_its_function(name):
    corpus = {(variant.function, variant.mistake) for variant in mutants(name).MUTANTS}
    assert len(corpus) == len(mutants(name).MUTANTS), "two mutants of a function have the same mistake"
    for function, contract in assignments.load(name).hidden.contracts.items():
        for clause in contract:
            unknown = [mistake for mistake in clause.mutants if (function, mistake) not in corpus]
            assert not unknown, f"{function}: {clause.text!r} names mutants that mutants.py lacks: {unknown}"


@pytest.mark.parametrize("name, number, variant", CORRECT, ids=CORRECT_IDS)
def test_correct_variant_passes(name, number, variant, solutions, capsys):
    function = apply(variant, assignments.load(name).source_notebook, solutions[name])
    if variant.visible:
        getattr(public(name), f"{variant.function}_test")(function)
        assert capsys.readouterr().out.endswith("All tests passed.\n")
    assert hidden.run(variant.function, function) == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_builders_do_not_touch_the_global_generator_and_repeat_themselves(name):
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    builders = [getattr(public(name), f"{function}_test_case") for function in assignments.load(name).functions]
    first = [builder() for builder in builders]
    np.random.rand(7)  # builders must not depend on what ran before them
    second = [builder() for builder in reversed(builders)][::-1]
    np.random.seed(123)
    assert np.array_equal(np.random.get_state()[1], state)

    def flat(value):
        if isinstance(value, dict):
            return [x for key in sorted(value) for x in flat(value[key])]
        if isinstance(value, (tuple, list)):
            return [x for item in value for x in flat(item)]
        return [np.asarray(value, dtype=float)]

    for a, b in zip(first, second):
        assert all(np.array_equal(x, y) for x, y in zip(flat(a), flat(b), strict=True))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_functions_call_no_other_graded_function(name):
    """The grader runs each graded function alone, with the locked cells' definitions only."""
    assignment = assignments.load(name)
    notebook = nbformat.read(assignment.source_notebook, as_version=4)
    defined = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for node in ast.parse(re.sub(r"^%.*$", "", cell.source, flags=re.M)).body:
                if isinstance(node, ast.FunctionDef):
                    defined[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    def reachable(function, seen):
        for used in defined.get(function, ()):
            if used in defined and used not in seen:
                seen.add(used)
                reachable(used, seen)
        return seen

    for function in assignment.functions:
        assert not reachable(function, set()) & (set(assignment.functions) - {function}), function


# ---------------------------------------------------------------------------
# A class graded through the command line
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_gets_full_marks_and_the_release_zero(name, graded_class):
    assignment = assignments.load(name)
    course = graded_class(name)
    graded = items(course, "solution", name)
    assert list(graded) == list(assignment.functions)
    assert all(item["score"] == item["max_score"] == assignment.points[f] for f, item in graded.items())
    for function, item in items(course, "release", name).items():
        assert item["score"] == 0 and item["messages"] == [f"{function} {NOT_DONE}"]


@pytest.mark.parametrize("name, number, variant", MUTANTS, ids=MUTANT_IDS)
def test_graded_mutant_loses_the_points_of_its_function_only(name, number, variant, graded_class):
    for function, item in items(graded_class(name), f"mutant-{number:02d}", name).items():
        if function == variant.function:
            assert item["score"] == 0
            if variant.cause:
                assert variant.cause in "\n".join(item["messages"]), item["messages"]
        else:
            assert item["score"] == item["max_score"], (function, item["messages"])


@pytest.mark.parametrize("name, number, variant", CORRECT, ids=CORRECT_IDS)
def test_graded_correct_variant_gets_full_marks(name, number, variant, graded_class):
    graded = items(graded_class(name), f"correct-{number:02d}", name)
    assert all(item["score"] == item["max_score"] for item in graded.values()), graded


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grades_csv_has_a_row_per_function_and_a_total(name, graded_class):
    assignment = assignments.load(name)
    rows = list(csv.DictReader((graded_class(name) / "grades.csv").open()))
    students = 2 + len(mutants(name).MUTANTS) + len(mutants(name).CORRECT)
    assert len(rows) == students * (len(assignment.functions) + 1)
    assert list(rows[0]) == ["student_id", "assignment", "item", "score", "max_score", "status", "flags"]
    assert {row["status"] for row in rows} == {"graded"}
    totals = {row["student_id"]: float(row["score"]) for row in rows if row["item"] == "total"}
    assert totals["solution"] == sum(assignment.points.values()) and totals["release"] == 0
