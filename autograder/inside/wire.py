"""Plain data across the process boundary between the grader and the worker running student code.

Only these cross: None, bool, int, float, str, numpy scalars and arrays of
numeric or bool dtype, and tuples, lists and dicts (str keys) of these. They
travel as JSON, arrays as base64 bytes, so nothing is ever unpickled.
``encode`` runs in the worker: anything else, including subclasses of the
allowed types, becomes a marker naming its type, which the grader reports as
a wrong answer. ``decode`` runs in the grader and trusts nothing: it checks
the structure and rebuilds every value as a fresh object of an exact type.
"""

import base64
import math

import numpy as np

MAX_ELEMENTS = 10**6  # per array; a correct answer here is tiny
MAX_DEPTH = 20
NUMERIC_KINDS = "biuf"


class WireError(ValueError):
    """A message from the worker does not follow the protocol."""


class Unsupported:
    """A value of a type that may not cross: the grader reports it as a wrong answer."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<a {self.type_name}>"


def _type_name(value):
    kind = type(value)
    if kind.__module__ in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def encode(value, depth=0):
    """A JSON-able form of value (in the worker)."""
    kind = type(value)
    if depth > MAX_DEPTH:
        return {"unsupported": "structure nested too deeply"}
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if kind in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                np.float16, np.float32, np.float64):
        return {"scalar": np.dtype(kind).str, "data": base64.b64encode(np.array(value).tobytes()).decode()}
    if kind is np.ndarray:
        if value.dtype.kind not in NUMERIC_KINDS:
            return {"unsupported": f"numpy array of dtype {value.dtype}"}
        if value.size > MAX_ELEMENTS:
            return {"unsupported": f"numpy array of {value.size} elements (at most {MAX_ELEMENTS})"}
        data = np.ascontiguousarray(value)
        return {"ndarray": data.dtype.str, "shape": list(data.shape), "data": base64.b64encode(data.tobytes()).decode()}
    if kind in (tuple, list):
        return {kind.__name__: [encode(item, depth + 1) for item in value]}
    if kind is dict:
        if not all(type(key) is str for key in value):
            return {"unsupported": "dict with keys that are not str"}
        return {"dict": {key: encode(item, depth + 1) for key, item in value.items()}}
    return {"unsupported": _type_name(value)}


def _dtype(text):
    try:
        dtype = np.dtype(str(text))
    except TypeError as error:
        raise WireError(f"bad dtype {text!r}") from error
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject or dtype.names:
        raise WireError(f"dtype {text!r} is not numeric")
    return dtype


def _bytes(text, size):
    if type(text) is not str:
        raise WireError("array data is not text")
    try:
        raw = base64.b64decode(text.encode(), validate=True)
    except ValueError as error:  # binascii.Error: not base64
        raise WireError("array data is not base64") from error
    if len(raw) != size:
        raise WireError("array data does not match its shape")
    return raw


def decode(data, depth=0):
    """The value that data (parsed JSON from the worker) stands for, checked (in the grader)."""
    if depth > MAX_DEPTH:
        raise WireError("structure nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, str):
        return data
    if kind is int:
        return int(data)
    if kind is float:
        return float(data)
    if kind is not dict or len(data) not in (1, 2, 3):
        raise WireError(f"unexpected {kind.__name__}")
    if set(data) == {"float"} and data["float"] in ("nan", "inf", "-inf"):
        return float(data["float"])
    if set(data) == {"unsupported"}:
        return Unsupported(str(data["unsupported"])[:200])
    if set(data) == {"scalar", "data"}:
        dtype = _dtype(data["scalar"])
        return np.frombuffer(_bytes(data["data"], dtype.itemsize), dtype=dtype)[0].copy()
    if set(data) == {"ndarray", "shape", "data"}:
        dtype, shape = _dtype(data["ndarray"]), data["shape"]
        if type(shape) is not list or not all(type(n) is int and 0 <= n <= MAX_ELEMENTS for n in shape):
            raise WireError("bad array shape")
        size = math.prod(shape)
        if size > MAX_ELEMENTS:
            raise WireError("array too large")
        return np.frombuffer(_bytes(data["data"], size * dtype.itemsize), dtype=dtype).reshape(shape).copy()
    if set(data) in ({"tuple"}, {"list"}):
        (name, items), = data.items()
        if type(items) is not list:
            raise WireError(f"bad {name}")
        values = [decode(item, depth + 1) for item in items]
        return tuple(values) if name == "tuple" else values
    if set(data) == {"dict"} and type(data["dict"]) is dict:
        return {str(key): decode(item, depth + 1) for key, item in data["dict"].items()}
    raise WireError(f"unexpected keys {sorted(map(str, data))[:5]}")


def contains_unsupported(value):
    """The first Unsupported marker inside a decoded value, or None."""
    if isinstance(value, Unsupported):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
    for item in items:
        found = contains_unsupported(item)
        if found is not None:
            return found
    return None
