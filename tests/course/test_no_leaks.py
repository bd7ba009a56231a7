"""Nothing of any assignment's solutions in what students receive (tools/leaks.py): the releases, the zips that
`make dist` writes and the companion notebooks, each against every graded function of every assignment; then
the check's rules, on code built inline (what it must find, and what it must leave alone)."""

import json
import zipfile
from textwrap import dedent

import nbformat
import pytest
from conftest import ASSIGNMENTS

from autograder import assignments, errors
from tools import dist, leaks


def test_no_release_and_no_companion_notebook_gives_a_solution_away():
    files = leaks.student_facing()
    assert any(path.startswith("notebooks/") for path in files) and all(
        any(path.startswith(f"release/{name}/") for path in files) for name in ASSIGNMENTS)
    found = [leak for path, data in files.items() for leak in leaks.scan(path, data)]
    assert not found, leaks.describe(found)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_zip_of_make_dist_gives_a_solution_away(name, tmp_path):
    with zipfile.ZipFile(dist.build(name, dist=tmp_path)) as archive:
        found = [leak for member in archive.namelist() for leak in leaks.scan(member, archive.read(member))]
    assert not found, leaks.describe(found)


def test_every_graded_function_of_every_assignment_is_looked_for():
    solutions = leaks.solutions()
    graded = {(name, function) for name in ASSIGNMENTS for function in assignments.load(name).functions}
    assert {(body.assignment, body.function) for body in solutions.bodies} == graded
    assert all(body.written for body in solutions.bodies)
    # Each assignment has distinctive lines, among them the lines that add a penalty's gradient.
    assert {secret.assignment for secret in solutions.secrets} == set(ASSIGNMENTS)
    assert {"backward_propagation_with_regularization", "backward_propagation_with_l1",
            "compute_cost_with_regularization", "compute_cost_with_l1"} <= {s.function for s in solutions.secrets}


def notebook(*cells):
    """A notebook's bytes: each cell given as code, or as ("markdown", text)."""
    made = [nbformat.v4.new_markdown_cell(cell[1]) if isinstance(cell, tuple) else nbformat.v4.new_code_cell(cell)
            for cell in cells]
    return json.dumps(nbformat.v4.new_notebook(cells=made)).encode()


def scan(*cells, name="notebooks/example.ipynb"):
    return leaks.scan(name, notebook(*cells))


# What the check found in the course before the fix: Tuning's train_model and the L1/L2 companion notebook.

OLD_TRAIN_MODEL = dedent('''\
    def train_model(X, Y, parameters, lambd, num_iterations, learning_rate):
        """Train the 3-layer network by gradient descent on the L2-regularised cost."""
        m = X.shape[1]
        for i in range(num_iterations):
            A3, cache = forward_propagation(X, parameters)
            grads = backward_propagation(X, Y, cache)
            for l in (1, 2, 3):
                grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / m) * parameters[f"W{l}"]
            parameters = update_parameters(parameters, grads, learning_rate)
        return parameters
    ''')

OLD_PENALTIES = dedent('''\
    def penalty_gradient(W, lambd, m, penalty, l1_ratio=0.5):
        if penalty == "l2":
            return lambd / m * W
        return lambd / m * np.sign(W)


    def compute_cost_with_penalty(A3, Y, parameters, lambd, penalty, l1_ratio=0.5):
        m = Y.shape[1]
        penalty_cost = sum(np.sum(penalty_per_weight(parameters["W" + str(l)], lambd, m, penalty, l1_ratio))
                           for l in range(1, 4))
        return compute_cost(A3, Y) + float(penalty_cost)
    ''')

OLD_WEIGHT_DECAY_CHECK = dedent('''\
    reg_grads = dict(grads)
    for l in range(1, 4):
        reg_grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * parameters["W" + str(l)]
    ''')


def test_tunings_old_train_model_gives_away_the_l2_gradient_of_regularization():
    # Tuning's own locked cell does not make public a line that Regularization grades.
    found = scan("import numpy as np", OLD_TRAIN_MODEL, name="release/tuning/Tuning.ipynb")
    assert [(leak.where, leak.function, leak.assignment) for leak in found] == [
        ("cell 2, line 8", "backward_propagation_with_regularization", "regularization")]
    message = str(found[0])
    assert message.startswith("release/tuning/Tuning.ipynb, cell 2, line 8: 'grads[f\"dW{l}\"] = ")
    assert "backward_propagation_with_regularization (regularization)" in message


def test_the_old_companion_gave_away_both_costs_and_the_l2_gradient():
    found = scan(OLD_PENALTIES, OLD_WEIGHT_DECAY_CHECK, name="notebooks/l1_l2_elastic_net.ipynb")
    assert sorted((leak.where, leak.function) for leak in found) == [
        ("cell 1, line 7", "compute_cost_with_l1"), ("cell 1, line 7", "compute_cost_with_regularization"),
        ("cell 2, line 3", "backward_propagation_with_regularization")]
    assert all("takes the arguments of" in leak.reason for leak in found if leak.where == "cell 1, line 7")


def test_a_solution_line_renamed_and_laid_out_otherwise_is_found():
    found = scan(dedent('''\
        gradient_2 = ((1.0 / n) * np.dot(delta_2,
                                        act_1.T)) + reg / n * np.sign(weights["W2"])
        '''))
    assert [(leak.where, leak.function) for leak in found] == [("cell 1, line 1", "backward_propagation_with_l1")]
    # The given part of the line may be written in any way: here as the plain backward pass's result.
    assert scan("dW2 = plain['dW2'] + (lambd / m) * np.sign(W2)")[0].function == "backward_propagation_with_l1"


def test_short_given_or_partial_lines_are_not_leaks():
    assert not scan(dedent('''\
        m = Y.shape[1]
        A1 = A1 * D1
        A1 = A1 / keep_prob
        best_iteration = i
        dW3 = 1. / m * np.dot(dZ3, A2.T)
        causes = [(plain["dW2"] + lambd / m * np.sign(W2), "the likely cause")]
        penalty = lambd / m * np.sign(W)
        W = (1 - learning_rate * lambd / m) * W
        '''), "def cost_of(W):\n    return cost\n")


def test_a_function_made_of_short_solution_lines_is_found_whole():
    # Dropout's backward pass, renamed: each line alone is too short to be distinctive, the body is not.
    body = dedent('''\
        def dropout_gradients(inputs, labels, stored, p):
            n = inputs.shape[1]
            (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = stored
            dZ3 = A3 - labels
            dW3 = 1. / n * np.dot(dZ3, A2.T)
            db3 = 1. / n * np.sum(dZ3, axis=1, keepdims=True)
            dA2 = np.dot(W3.T, dZ3)
            dA2 = dA2 * D2
            dA2 = dA2 / p
            dZ2 = np.multiply(dA2, np.int64(A2 > 0))
            dW2 = 1. / n * np.dot(dZ2, A1.T)
            db2 = 1. / n * np.sum(dZ2, axis=1, keepdims=True)
            dA1 = np.dot(W2.T, dZ2)
            dA1 = dA1 * D1
            dA1 = dA1 / p
            dZ1 = np.multiply(dA1, np.int64(A1 > 0))
            dW1 = 1. / n * np.dot(dZ1, inputs.T)
            db1 = 1. / n * np.sum(dZ1, axis=1, keepdims=True)
            return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
        ''')
    found = leaks.scan("tuning/helpers.py", body.encode())
    assert [(leak.where, leak.function) for leak in found] == [("line 1", "backward_propagation_with_dropout")]
    assert "students write" in found[0].reason
    # Without the masks it is the plain backward pass of reg_utils.py, which every release gives.
    plain = "".join(line + "\n" for line in body.splitlines() if "D1" not in line[8:] and "D2" not in line[8:]
                    and "/ p" not in line)
    assert not leaks.scan("tuning/helpers.py", plain.encode())


def test_a_function_with_a_graded_interface_is_found_outside_its_own_cell():
    cell = "def compute_cost_with_l1(A3, Y, parameters, lambd):\n    return 0.0\n"
    assert [leak.function for leak in scan(cell)] == ["compute_cost_with_regularization", "compute_cost_with_l1"]
    assert not scan("# GRADED FUNCTION: compute_cost_with_l1\n\n" + cell)
    assert not scan("def penalty(W, lambd, m):\n    return 0.0\n")


def test_a_solution_region_left_unstubbed_is_found():
    cell = dedent('''\
        # GRADED FUNCTION: forward_propagation_with_dropout
        def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
            ### START CODE HERE ### (approx. 4 lines)
            D1 = None  # Step 1: uniform random values, shape of A1
            A1 = A1 * D1  # Step 3: switch off the dropped units
            ### END CODE HERE ###
        ''')
    found = scan(cell)
    assert [(leak.where, leak.function, leak.code) for leak in found] == [
        ("cell 1, line 5", "forward_propagation_with_dropout", "'A1 = A1 * D1'")]


def test_code_in_markdown_and_code_that_does_not_parse_are_checked():
    found = scan(("markdown", "The answer:\n\n```python\nL1 = (lambd / m) * (np.sum(np.abs(W1)) + np.sum(np.abs("
                  "W2)) + np.sum(np.abs(W3)))\n```\n"), "x = (1,")
    assert [(leak.where, leak.function) for leak in found] == [("cell 1 (Markdown)", "compute_cost_with_l1"),
                                                                ("cell 2, line 1", None)]
    assert "cannot be checked" in str(found[1])


def test_check_files_raises_with_every_leak_and_what_to_do():
    with pytest.raises(errors.LeakError) as raised:
        leaks.check_files({"Tuning.ipynb": notebook(OLD_TRAIN_MODEL), "extra.py": OLD_PENALTIES.encode()},
                          prefix="tuning/")
    message = str(raised.value)
    assert message.startswith("3 place(s) of what students receive give a graded solution away:")
    assert "tuning/Tuning.ipynb, cell 1, line 8" in message and "tuning/extra.py, line 7" in message
    assert "Rewrite each where it comes from" in message
