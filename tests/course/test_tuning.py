"""The Tuning assignment: what is specific to it (its gradients, splits, hidden cases, notebook and release).

(test_assignments.py runs what every assignment gets: solutions pass, stubs fail,
mutants caught, variants accepted, a graded class; test_notebook.py and
test_release.py check the notebook's structure and the release; nbval executes it.)
"""

import re
import shutil

import nbformat
import numpy as np
import pytest
from conftest import REPO, printed, release_notebook

from autograder import assignments
from autograder.gradcheck import random_problem, relative_error
from autograder.notebook import load_definitions
from reg_utils import forward_propagation
from tools import execute as execute_tool

TUNING = assignments.load("tuning")
SOURCE_NOTEBOOK = TUNING.source_notebook
RELEASE_NOTEBOOK = release_notebook(TUNING)
GRADED_FUNCTIONS = TUNING.functions
tuning = assignments.module("tuning", "hidden_tests")
public_tests = assignments.module("tuning", "public_tests")


@pytest.fixture(scope="module")
def solution():
    return load_definitions(SOURCE_NOTEBOOK)


@pytest.fixture(scope="module")
def stubs():
    return load_definitions(RELEASE_NOTEBOOK)


def visible_test(name):
    return getattr(public_tests, f"{name}_test")


# ---------------------------------------------------------------------------
# The solutions and the hidden cases
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
    for case in TUNING.cases("backward_propagation_with_l1"):
        weights = np.concatenate([case.args[2][i].ravel() for i in (2, 6, 10)])
        if "exactly 0" in case.label:
            assert np.sum(weights == 0) >= 3
        elif case.check is not tuning._check_backward:  # gradient-checked: away from the kink
            assert np.abs(weights).min() >= tuning.WEIGHT_MARGIN
    sizes = []
    for case in TUNING.cases("split_dataset"):
        X, Y, dev_fraction, _ = case.args
        m = X.shape[1]
        assert len({tuple(column) for column in X.T}) == m  # every example can be told apart
        assert case.repeat == 2
        sizes.append(dev_fraction * m)
    # Rounding on purpose: below a half, above, exactly a half (round() goes to the even neighbour), none at all.
    parts = [size % 1 for size in sizes]
    assert any(0 < part < 0.5 for part in parts) and any(part > 0.5 for part in parts)
    assert sorted(round(size) for size in sizes if abs(size % 1 - 0.5) < 1e-9) == [2, 4]  # 2.5 and 4.5
    assert any(round(size) == 0 for size in sizes)  # an empty dev set
    expected = {case.label: tuning.expected("choose_lambda", case) for case in TUNING.cases("choose_lambda")}
    for label, (best_lambd, train_accuracies, dev_accuracies) in expected.items():
        ties = np.flatnonzero(np.array(dev_accuracies) == max(dev_accuracies))
        if "three tie" in label:
            assert len(ties) == 3
        if label == "the documented case":
            assert len(ties) == 2 and np.argmax(train_accuracies) != ties[-1]
        gaps = np.abs(np.array(train_accuracies) - np.array(dev_accuracies))
        if "two tie, the smaller with the smaller train-dev gap" in label:
            assert len(ties) == 2 and gaps[ties[0]] < gaps[ties[1]]
        if "0.05 apart" in label:
            rounded = np.round(dev_accuracies, 1)
            assert np.flatnonzero(rounded == rounded.max())[-1] != ties[-1]
    costs = {case.label: tuning.expected("model_with_early_stopping", case)[2]
             for case in TUNING.cases("model_with_early_stopping")}
    documented = costs["the documented case"]
    assert 0 < int(np.argmin(documented)) < len(documented) - 1  # the last parameters are not the best
    same = next(values for label, values in costs.items() if "learning_rate = 0," in label)
    assert len(set(same)) == 1


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
        r"iteration 0: ([\d.]+)\nLowest dev cost: ([\d.]+), at iteration (\d+)\n"
        r"Dev cost after (\d+) iterations: ([\d.]+)",
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
