"""What crosses from the sandbox to the grader (autograder/inside/wire.py): exact types both ways, nothing else."""

import numpy as np
import pytest

from autograder.inside import wire


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, "text", float("inf"), np.float32(1.5), np.int64(7), np.bool_(True),
    np.arange(6, dtype=np.float64).reshape(2, 3), np.zeros((0, 3)), np.array([True, False]),
    (1, [2.0, {"a": np.ones(2)}]),
])
def test_values_come_back_with_their_types(value):
    back = wire.decode(wire.encode(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, tuple):
        assert type(back[1]) is list and type(back[1][1]["a"]) is np.ndarray
    else:
        assert back == value


def test_nan_comes_back_as_nan():
    assert np.isnan(wire.decode(wire.encode(float("nan"))))


@pytest.mark.parametrize("value, what", [
    (object(), "object"), (np.array(["a"]), "dtype"), ({1: 2}, "keys"), (np.zeros(10**7), "elements"),
])
def test_other_values_cross_as_unsupported_markers(value, what):
    back = wire.decode(wire.encode(value))
    assert isinstance(back, wire.Unsupported) and what in back.type_name
    assert wire.contains_unsupported([1, {"x": back}]) is back


@pytest.mark.parametrize("data", [
    {"ndarray": "|O", "shape": [1], "data": ""},  # objects are not numbers
    {"ndarray": "<f8", "shape": [2], "data": "AAAAAAAAAAA="},  # 8 bytes for 2 floats
    {"ndarray": "<f8", "shape": [-1], "data": ""},
    {"scalar": "<f8", "data": "!!"},
    {"tuple": "not a list"},
    {"eval": "anything"},
    [1, 2],
])
def test_what_breaks_the_protocol_is_refused(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_nesting_is_bounded():
    deep = 0
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError):
        wire.decode(wire.encode(deep))
