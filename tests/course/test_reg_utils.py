"""The helpers students import: shapes, maths, gradients, loading and plotting."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import reg_utils
from autograder.gradcheck import random_problem, relative_error


def test_sigmoid_and_relu_values():
    x = np.array([[-1000.0, -1.0, 0.0, 2.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = reg_utils.sigmoid(x)
    assert s.shape == x.shape
    assert np.allclose(s, [[0.0, 0.26894142, 0.5, 0.88079708, 1.0]])
    assert np.array_equal(reg_utils.relu(x), [[0.0, 0.0, 0.0, 2.0, 1000.0]])


def test_initialize_parameters_shapes_scale_and_global_generator():
    np.random.seed(3)
    parameters = reg_utils.initialize_parameters([2, 20, 3, 1])
    assert {k: v.shape for k, v in parameters.items()} == {
        "W1": (20, 2), "b1": (20, 1), "W2": (3, 20), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    assert all(not parameters[f"b{l}"].any() for l in (1, 2, 3))
    # Drawn from the global generator in order W1, W2, W3, each scaled by 1/sqrt(fan-in).
    rng = np.random.RandomState(3)
    assert np.array_equal(parameters["W1"], rng.randn(20, 2) / np.sqrt(2))
    assert np.array_equal(parameters["W2"], rng.randn(3, 20) / np.sqrt(20))
    assert np.array_equal(parameters["W3"], rng.randn(1, 3) / np.sqrt(3))


def test_forward_propagation_shapes_and_cache():
    X, _, parameters = random_problem(0, layer_dims=(2, 20, 3, 1), m=9)
    A3, cache = reg_utils.forward_propagation(X, parameters)
    assert A3.shape == (1, 9)
    assert len(cache) == 12
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3_cached, W3, b3 = cache
    assert Z1.shape == A1.shape == (20, 9) and Z2.shape == A2.shape == (3, 9)
    assert np.array_equal(A1, np.maximum(Z1, 0)) and np.array_equal(A3, A3_cached)
    assert np.allclose(A3, 1 / (1 + np.exp(-(W3 @ A2 + b3))))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_propagation_gradient_check(seed):
    X, Y, parameters = random_problem(seed)
    _, cache = reg_utils.forward_propagation(X, parameters)
    gradients = reg_utils.backward_propagation(X, Y, cache)

    def cost(p):
        return reg_utils.compute_cost(reg_utils.forward_propagation(X, p)[0], Y)

    assert relative_error(cost, parameters, gradients) < 1e-7


def test_gradient_check_catches_a_wrong_gradient():
    X, Y, parameters = random_problem(0)
    _, cache = reg_utils.forward_propagation(X, parameters)
    gradients = reg_utils.backward_propagation(X, Y, cache)
    gradients["dW2"] = gradients["dW2"] * 1.01

    def cost(p):
        return reg_utils.compute_cost(reg_utils.forward_propagation(X, p)[0], Y)

    assert relative_error(cost, parameters, gradients) > 1e-4


def test_update_parameters_steps_against_the_gradient():
    parameters = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.full((2, 2), 2.0), "db1": np.ones((2, 1))}
    updated = reg_utils.update_parameters(parameters, grads, learning_rate=0.1)
    assert np.allclose(updated["W1"], 0.8) and np.allclose(updated["b1"], -0.1)
    assert np.array_equal(parameters["W1"], np.ones((2, 2)))


def test_compute_cost_value_and_no_warning_at_saturation():
    A3 = np.array([[0.8, 0.1, 0.5]])
    Y = np.array([[1, 0, 1]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.5)) / 3
    assert reg_utils.compute_cost(A3, Y) == pytest.approx(expected)
    assert isinstance(reg_utils.compute_cost(A3, Y), float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # A saturated sigmoid gives exact 0s and 1s: right answers cost 0, no warning.
        assert reg_utils.compute_cost(np.array([[1.0, 0.0]]), np.array([[1, 0]])) == 0.0


def test_predict_returns_labels_and_prints_accuracy(capsys):
    X, _, parameters = random_problem(3, layer_dims=(2, 4, 3, 1), m=10)
    expected = (reg_utils.forward_propagation(X, parameters)[0] > 0.5).astype(int)
    Y = expected.copy()
    Y[0, :3] = 1 - Y[0, :3]
    predictions = reg_utils.predict(X, Y, parameters)
    assert predictions.shape == (1, 10) and np.array_equal(predictions, expected)
    assert np.issubdtype(predictions.dtype, np.integer)
    assert capsys.readouterr().out == "Accuracy: 0.7\n"
    assert np.array_equal(reg_utils.predict_dec(parameters, X), expected.astype(bool))


def test_load_2D_dataset_from_any_directory_without_plotting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plt.close("all")
    train_X, train_Y, test_X, test_Y = reg_utils.load_2D_dataset()
    assert train_X.shape == (2, 211) and train_Y.shape == (1, 211)
    assert test_X.shape == (2, 200) and test_Y.shape == (1, 200)
    assert train_X.dtype == test_X.dtype == np.float64
    assert train_Y.dtype == test_Y.dtype == np.int64
    assert set(np.unique(train_Y)) == set(np.unique(test_Y)) == {0, 1}
    assert plt.get_fignums() == []


def test_load_2D_dataset_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="datasets/ folder beside reg_utils.py"):
        reg_utils.load_2D_dataset(tmp_path / "nowhere.mat")


def test_plots_draw_on_the_given_axes_without_showing(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("library code must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    train_X, train_Y, _, _ = reg_utils.load_2D_dataset()
    X, _, parameters = random_problem(4, layer_dims=(2, 6, 3, 1))
    fig, (ax_data, ax_boundary, ax_costs) = plt.subplots(1, 3)
    assert reg_utils.plot_2D_dataset(train_X, train_Y, ax=ax_data) is ax_data
    returned = reg_utils.plot_decision_boundary(
        lambda points: reg_utils.predict_dec(parameters, points), train_X, train_Y, ax=ax_boundary)
    assert returned is ax_boundary
    assert reg_utils.plot_costs([0.7, 0.5, 0.4], every=1000, ax=ax_costs) is ax_costs
    assert len(ax_data.collections) == 2  # one scatter per team
    assert len(ax_boundary.collections) > 2  # shaded regions and frontier, then the points
    assert list(ax_costs.lines[0].get_xdata()) == [0, 1000, 2000]
    plt.close(fig)


def test_no_star_imports_or_removed_numpy_aliases_in_library_code():
    for name in ("reg_utils.py", "testCases.py"):
        text = (reg_utils.DATA_PATH.parents[1] / name).read_text()
        assert "import *" not in text
        for alias in ("np.int(", "np.float(", "np.bool(", "np.int)", "np.float)"):
            assert alias not in text, f"{name} uses {alias}"


def test_boundary_line_measures_slope_and_bend():
    x1, x2 = np.linspace(-0.5, 0.2, 71), np.linspace(-1, 1, 2001)
    slope, intercept, bend = reg_utils.boundary_line(lambda X: X[1] > 0.8 * X[0] - 0.1, x1, x2)
    assert slope == pytest.approx(0.8, abs=2e-3) and intercept == pytest.approx(-0.1, abs=1e-3) and bend < 1e-3
    slope, _, bend = reg_utils.boundary_line(lambda X: X[1] > 0.12 * np.sin(7 * X[0]), x1, x2)
    assert bend > 0.1
    with pytest.raises(ValueError, match="does not cross"):
        reg_utils.boundary_line(lambda X: X[1] > 5, x1, x2)
