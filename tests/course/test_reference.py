"""The notebook's model reproduces the published results on the reference data, when present."""

import re

import numpy as np
import pytest
from conftest import REFERENCE_DATA

from reg_utils import load_2D_dataset, predict_dec

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REFERENCE_DATA.exists(), reason="../shared/reference/data.mat is absent"),
]


@pytest.mark.parametrize("options, first_cost, train_accuracy, test_accuracy", [
    ({}, "0.6557412523481002", 0.9478672985781991, 0.915),
    ({"lambd": 0.7}, "0.6974484493131264", 0.9383886255924171, 0.93),
])
def test_published_results(solution, capsys, options, first_cost, train_accuracy, test_accuracy):
    train_X, train_Y, test_X, test_Y = load_2D_dataset(REFERENCE_DATA)
    parameters, costs = solution["model"](train_X, train_Y, **options)
    printed = re.findall(r"Cost after iteration (\d+): (\S+)", capsys.readouterr().out)
    assert [iteration for iteration, _ in printed] == ["0", "10000", "20000"]
    assert printed[0][1] == first_cost
    assert np.mean(predict_dec(parameters, train_X) == train_Y) == train_accuracy
    assert np.mean(predict_dec(parameters, test_X) == test_Y) == test_accuracy
    assert len(costs) == 30
