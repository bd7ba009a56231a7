"""The Tuning assignment: its solutions, stubs, visible and hidden tests, and a class graded through the command line.

(The notebook's structure and clean outputs, and the release's, are checked for
both assignments by test_notebook.py and test_release.py; nbval executes it.)
"""

import ast
import json
import re
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest

import public_tests
import testCases
from autograder import hidden, tuning
from autograder.gradcheck import random_problem, relative_error
from autograder.notebook import load_definitions
from autograder.worker import unchanged
from conftest import REPO, printed
from mutants import TUNING_CORRECT, TUNING_MUTANTS, apply, submission
from reg_utils import forward_propagation
from tools import execute as execute_tool

SOURCE_NOTEBOOK = tuning.SOURCE_NOTEBOOK
RELEASE_NOTEBOOK = REPO / "release" / "tuning" / "Tuning.ipynb"
GRADED_FUNCTIONS = tuning.GRADED_FUNCTIONS
POINTS = dict.fromkeys(GRADED_FUNCTIONS, 2)
NOT_DONE = "is not done yet: the lines between START CODE HERE and END CODE HERE are still `None`."


@pytest.fixture(scope="module")
def solution():
    return load_definitions(SOURCE_NOTEBOOK)


@pytest.fixture(scope="module")
def stubs():
    return load_definitions(RELEASE_NOTEBOOK)


def visible_test(name):
    return getattr(public_tests, f"{name}_test")


# ---------------------------------------------------------------------------
# Solutions and stubs, in this process
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_solution_passes_visible_and_hidden_tests(name, solution, capsys):
    visible_test(name)(solution[name])
    assert capsys.readouterr().out.endswith("All tests passed.\n")
    assert hidden.run(name, solution[name]) == []


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_stub_fails_with_a_message_about_none(name, stubs):
    with pytest.raises(public_tests.TestFailure) as failure:
        visible_test(name)(stubs[name])
    message = str(failure.value)
    assert message.startswith(name) and "still None" in message
    assert "replace each `None` between START CODE HERE and END CODE HERE" in message
    problems = hidden.run(name, stubs[name])
    assert problems[0].startswith(f"{name} fails {len(tuning.cases(name))} of {len(tuning.cases(name))} hidden")


@pytest.mark.parametrize("variant", TUNING_MUTANTS, ids=lambda v: v.label)
def test_mutant_fails_and_its_likely_cause_is_named(variant, solution):
    mutant = apply(variant, SOURCE_NOTEBOOK, solution)
    if variant.visible:
        with pytest.raises(public_tests.TestFailure) as failure:
            visible_test(variant.function)(mutant)
        message = str(failure.value)
        assert message.startswith(variant.function)
        if variant.cause:
            assert variant.cause in message, message
    problems = hidden.run(variant.function, mutant)
    assert problems and problems[0].startswith(f"{variant.function} fails ")
    if variant.cause:
        assert variant.cause in "\n".join(problems)


@pytest.mark.parametrize("variant", [v for v in TUNING_CORRECT if v.visible], ids=lambda v: v.label)
def test_correct_variant_passes_the_visible_test(variant, solution, capsys):
    visible_test(variant.function)(apply(variant, SOURCE_NOTEBOOK, solution))
    assert capsys.readouterr().out.endswith("All tests passed.\n")


def test_the_corpora_cover_every_function():
    assert len(TUNING_MUTANTS) >= 15 and len(TUNING_CORRECT) >= 5
    assert {v.function for v in TUNING_MUTANTS} == set(GRADED_FUNCTIONS)
    assert {v.function for v in TUNING_CORRECT} == set(GRADED_FUNCTIONS)
    assert all(variant.mistake and variant.cause for variant in TUNING_MUTANTS)


# ---------------------------------------------------------------------------
# The reference solution and the hidden cases
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lambd", [0.0, 0.7, 5.0])
def test_l1_backward_gradient_check(solution, seed, lambd):
    X, Y, parameters = random_problem(seed)
    parameters = tuning._away_from_zero(parameters)  # |w| has no derivative at 0
    _, cache = forward_propagation(X, parameters)
    gradients = solution["backward_propagation_with_l1"](X, Y, cache, lambd)

    def cost(p):
        return solution["compute_cost_with_l1"](forward_propagation(X, p)[0], Y, p, lambd)

    assert relative_error(cost, parameters, gradients) < 1e-7


def test_l1_backward_leaves_weights_at_zero_alone(solution):
    X, Y, parameters = random_problem(3)
    parameters["W2"][0, :] = 0.0
    _, cache = forward_propagation(X, parameters)
    plain = solution["backward_propagation"](X, Y, cache)
    gradients = solution["backward_propagation_with_l1"](X, Y, cache, 2.0)
    assert np.array_equal(gradients["dW2"][0], plain["dW2"][0])
    assert not np.allclose(gradients["dW2"][1:], plain["dW2"][1:])


def test_split_is_a_reproducible_partition_and_leaves_the_global_generator_alone(solution):
    split = solution["split_dataset"]
    X = np.arange(3 * 211, dtype=float).reshape(3, 211)
    Y = np.arange(211).reshape(1, 211) % 2
    np.random.seed(5)
    state = np.random.get_state()[1].copy()
    X_train, Y_train, X_dev, Y_dev = split(X, Y, 0.3, 7)
    assert np.array_equal(np.random.get_state()[1], state)
    assert X_dev.shape == (3, 63) and X_train.shape == (3, 148)
    columns = np.concatenate([X_train[0], X_dev[0]]).astype(int)
    assert sorted(columns) == list(range(211)) and not np.array_equal(columns, np.arange(211))
    assert np.array_equal(np.concatenate([Y_train, Y_dev], axis=1)[0], columns % 2)
    again = split(X, Y, 0.3, 7)
    other = split(X, Y, 0.3, 8)
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_train, Y_train, X_dev, Y_dev)))
    assert not np.array_equal(other[2], X_dev)


def test_hidden_cases_are_what_their_labels_say():
    for case in tuning.cases("backward_propagation_with_l1"):
        weights = np.concatenate([case.args[2][i].ravel() for i in (2, 6, 10)])
        if "exactly 0" in case.label:
            assert np.sum(weights == 0) >= 3
        elif case.check is not tuning._check_backward:  # gradient-checked: away from the kink
            assert np.abs(weights).min() >= tuning.WEIGHT_MARGIN
    for case in tuning.cases("split_dataset"):
        X, Y, dev_fraction, _ = case.args
        m = X.shape[1]
        assert len({tuple(column) for column in X.T}) == m  # every example can be told apart
        assert abs(dev_fraction * m % 1 - 0.5) > 0.05  # never a tie for round()
        assert case.repeat == 2
    expected = {case.label: tuning.expected("choose_lambda", case) for case in tuning.cases("choose_lambda")}
    for label, (best_lambd, train_accuracies, dev_accuracies) in expected.items():
        ties = np.flatnonzero(np.array(dev_accuracies) == max(dev_accuracies))
        if "three tie" in label:
            assert len(ties) == 3
        if label == "the documented case":
            assert len(ties) == 2 and np.argmax(train_accuracies) != ties[-1]
    costs = {case.label: tuning.expected("model_with_early_stopping", case)[2]
             for case in tuning.cases("model_with_early_stopping")}
    documented = costs["the documented case"]
    assert 0 < int(np.argmin(documented)) < len(documented) - 1  # the last parameters are not the best
    same = next(values for label, values in costs.items() if "learning_rate = 0," in label)
    assert len(set(same)) == 1


def test_builders_do_not_touch_the_global_generator_and_repeat_themselves():
    builders = [getattr(testCases, f"{name}_test_case") for name in GRADED_FUNCTIONS]
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    first = [builder() for builder in builders]
    np.random.rand(7)
    second = [builder() for builder in reversed(builders)][::-1]
    assert unchanged(first, second)
    np.random.seed(123)
    assert np.array_equal(np.random.get_state()[1], state)


def test_graded_functions_call_no_other_graded_function():
    """The grader runs each graded function alone, with the locked cells' definitions only."""
    notebook = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    defined = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for node in ast.parse(re.sub(r"^%.*$", "", cell.source, flags=re.M)).body:
                if isinstance(node, ast.FunctionDef):
                    defined[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    def reachable(name, seen):
        for used in defined.get(name, ()):
            if used in defined and used not in seen:
                seen.add(used)
                reachable(used, seen)
        return seen

    for name in GRADED_FUNCTIONS:
        assert not reachable(name, set()) & (set(GRADED_FUNCTIONS) - {name}), name


def test_split_dataset_does_not_use_numpy_global_generator():
    source = next(cell.source for cell in nbformat.read(SOURCE_NOTEBOOK, as_version=4).cells
                  if cell.source.startswith("# GRADED FUNCTION: split_dataset"))
    code = source.split("'''")[-1]
    assert "np.random.default_rng(seed)" in code
    assert not re.search(r"np\.random\.(?!default_rng)", code)


# ---------------------------------------------------------------------------
# The notebook's own results
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(SOURCE_NOTEBOOK, as_version=4)


def test_conclusions_are_computed_not_typed(notebook):
    [summary] = [cell for cell in notebook.cells if "summary" in cell.metadata.get("tags", [])]
    assert "results.items()" in summary.source
    printed = "".join(output.get("text", "") for output in summary.outputs)
    assert len(re.findall(r"\d+\.\d%", printed)) == 9


def test_plots_are_embedded(notebook):
    figures = sum("image/png" in output.get("data", {})
                  for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 5


# The prose's claims, checked on the committed outputs (test_any_cpu.py shows that every CPU prints them).

def test_l1_l2_table_backs_the_text(notebook):
    # "All three networks classify the training set about equally well", L1 switches most weights and units off.
    rows = re.findall(r"^(.+?)\s+(\d\.\d{3})\s+(\d+)%\s+(\d+) / 20$",
                      printed(notebook, "np.random.seed(3)"), re.MULTILINE)
    accuracy, below, units = ({name.strip(): float(row[i]) for name, *row in rows} for i in range(3))
    assert list(accuracy) == ["no regularisation", "L2, lambd = 0.7", "L1, lambd = 0.3"]
    assert max(accuracy.values()) - min(accuracy.values()) <= 0.02
    assert below["L1, lambd = 0.3"] > below["L2, lambd = 0.7"] > below["no regularisation"]
    assert units["L1, lambd = 0.3"] <= 5 < units["L2, lambd = 0.7"] <= units["no regularisation"] == 20


def lambda_table(notebook):
    text = printed(notebook, "lambdas = [")
    rows = [tuple(map(float, row)) for row in re.findall(r"^\s+([\d.]+)\s+(\d\.\d{3})\s+(\d\.\d{3})$", text,
                                                         re.MULTILINE)]
    chosen = float(re.search(r"Chosen: lambd = ([\d.]+)", text).group(1))
    return [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows], chosen


def test_lambda_table_backs_the_text(notebook):
    lambdas, train, dev, chosen = lambda_table(notebook)
    assert lambdas == [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
    # "Small lambda ... fits the training set best"; the training accuracy falls as lambd grows.
    assert train[0] == max(train) > train[1] and train == sorted(train, reverse=True)
    # The chosen lambd has the best dev accuracy, and the largest lambd that has it.
    best = lambdas.index(chosen)
    assert dev[best] == max(dev) and all(accuracy < max(dev) for accuracy in dev[best + 1:])
    # Left of the choice the training accuracy is above the dev accuracy (high variance).
    assert all(t > d for t, d in zip(train[:best - 1], dev[:best - 1]))
    # "lambd >= 10 is far too much" (3 dev kicks of 63 or more); at 30, each set's share of the majority label.
    assert all(accuracy <= max(dev) - 3 / 63 for accuracy in dev[lambdas.index(10.0):])
    shares = re.search(r"training (\d\.\d\d), dev (\d\.\d\d)", printed(notebook, "X_train, Y_train, X_dev")).groups()
    assert (round(train[-1], 2), round(dev[-1], 2)) == tuple(float(share) for share in shares)
    assert dev[-1] < 0.6  # "almost half of the dev kicks wrong"


def test_early_stopping_and_the_final_table_back_the_text(notebook):
    text = printed(notebook, "parameters_early, best_iteration, dev_costs")
    start, lowest, iteration, iterations, last = map(float, re.search(
        r"iteration 0: ([\d.]+)\nLowest dev cost: ([\d.]+), at iteration (\d+)\nDev cost after (\d+) iterations: ([\d.]+)",
        text).groups())
    assert 0 < iteration < iterations / 2 and lowest < last < start
    # Both tuned models have a smaller gap between training and dev accuracy than the unregularised network.
    summary = printed(notebook, "print(f\"{'model'")
    rows = {name.strip(): (float(train), float(dev), float(test)) for name, train, dev, test in
            re.findall(r"^(.+?)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%$", summary, re.MULTILINE)}
    (plain, *tuned) = rows.values()
    assert list(rows)[0] == "no regularisation" and len(tuned) == 2
    assert all(abs(train - dev) < plain[0] - plain[1] for train, dev, _ in tuned)
    # "a few kicks apart": the line says how many, and it is what the table shows.
    apart = int(re.search(r"are (\d+) kicks apart", summary).group(1))
    tests = [test for _, _, test in rows.values()]
    assert apart == round((max(tests) - min(tests)) * 2) <= 8


# ---------------------------------------------------------------------------
# The release, executed as a student downloads it
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def executed_release(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student") / "tuning"
    shutil.copytree(REPO / "release" / "tuning", folder)
    return execute_tool.run(folder / "Tuning.ipynb", allow_errors=True)


def errors(cell):
    return [output for output in cell.outputs if output.output_type == "error"]


def test_unchanged_release_fails_each_visible_test_clearly(executed_release):
    failed = []
    for cell in executed_release.cells:
        if cell.cell_type == "code" and cell.metadata["nbgrader"]["grade"]:
            name = cell.metadata["nbgrader"]["grade_id"].removeprefix("test_")
            [error] = errors(cell)
            assert error.ename == "TestFailure" and error.evalue.startswith(name)
            assert "None" in error.evalue and "START CODE HERE" in error.evalue
            failed.append(name)
    assert failed == list(GRADED_FUNCTIONS)


def test_other_cells_of_the_release_run_or_fail_on_a_none(executed_release):
    failed = []
    for cell in executed_release.cells:
        if cell.cell_type != "code" or cell.metadata["nbgrader"]["grade"]:
            continue
        assert all(output.get("name") != "stderr" for output in cell.outputs)
        for error in errors(cell):
            failed.append(cell.metadata["nbgrader"]["grade_id"])
            # The unfinished functions return None (or lists of None) and what uses them fails on it,
            # or a name is missing because the cell that defines it failed.
            if error.ename == "NameError":
                assert re.fullmatch(r"name '(results|final_models)' is not defined", error.evalue)
            else:
                assert "None" in error.evalue, (error.ename, error.evalue)
    # The cells that need the student's functions fail; loading the data and initialising run.
    assert len(failed) == 8


# ---------------------------------------------------------------------------
# A class graded through the command line
# ---------------------------------------------------------------------------

def submit(course, student, notebook):
    folder = course / "submitted" / student / "tuning"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "Tuning.ipynb")


def items(course, student):
    document = json.loads((course / "autograded" / student / "tuning" / "results.json").read_text())
    return {item["name"]: item for item in document["items"]}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    submit(course, "solution", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK))
    submit(course, "release", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, filled=False))
    for number, variant in enumerate(TUNING_MUTANTS):
        submit(course, f"mutant-{number:02d}", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [variant]))
    for number, variant in enumerate(TUNING_CORRECT):
        submit(course, f"correct-{number:02d}", submission(RELEASE_NOTEBOOK, SOURCE_NOTEBOOK, [variant]))
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", "tuning", "--course-dir", str(course),
                             "--quiet"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return course


def test_solution_gets_full_marks(graded_class):
    graded = items(graded_class, "solution")
    assert list(graded) == list(GRADED_FUNCTIONS)
    assert all(item["score"] == item["max_score"] == POINTS[name] for name, item in graded.items())


def test_unchanged_release_scores_zero_with_a_message_not_a_traceback(graded_class):
    for name, item in items(graded_class, "release").items():
        assert item["score"] == 0 and item["messages"] == [f"{name} {NOT_DONE}"]


@pytest.mark.parametrize("number", range(len(TUNING_MUTANTS)), ids=[v.label for v in TUNING_MUTANTS])
def test_mutant_loses_the_points_of_its_function_only(graded_class, number):
    variant = TUNING_MUTANTS[number]
    for name, item in items(graded_class, f"mutant-{number:02d}").items():
        if name == variant.function:
            assert item["score"] == 0
            assert variant.cause in "\n".join(item["messages"]), item["messages"]
        else:
            assert item["score"] == item["max_score"], (name, item["messages"])


@pytest.mark.parametrize("number", range(len(TUNING_CORRECT)), ids=[v.label for v in TUNING_CORRECT])
def test_correct_variant_gets_full_marks(graded_class, number):
    graded = items(graded_class, f"correct-{number:02d}")
    assert all(item["score"] == item["max_score"] for item in graded.values()), graded


def test_mutation_score(graded_class):
    caught = [variant.label for number, variant in enumerate(TUNING_MUTANTS)
              if items(graded_class, f"mutant-{number:02d}")[variant.function]["score"] == 0]
    print(f"\nTuning mutation score: {len(caught)}/{len(TUNING_MUTANTS)} mutants caught by the grader")
    assert len(caught) == len(TUNING_MUTANTS)
