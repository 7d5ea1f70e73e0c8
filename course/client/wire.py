"""JSON-safe encoding of the values that cross between the judge and the kernel.

Arrays travel as dtype, shape and base64 bytes; nothing is ever unpickled. ``decode`` reads
what a hostile kernel may have forged: anything outside the format (unknown dtypes, shapes
that do not match the bytes, nesting deeper than ``MAX_DEPTH``, more than ``MAX_ITEMS``
values) raises ``BadAnswer``.
"""

import base64
import re

import numpy as np

MAX_DEPTH = 12
MAX_ITEMS = 200_000  # numbers and nodes in one decoded value
_DTYPE = re.compile(r"^[<>|=][biuf][1-8]$|^[<>|=]f16$")


class BadAnswer(ValueError):
    """The encoded value does not follow the format."""


class Opaque:
    """A returned value that could not be transferred: its type name and, as data, why
    (``kind``: "deep" for nesting deeper than ``MAX_DEPTH``, or the dtype of an array of
    non-numbers); the judge words it (``course.judge.compare.describe``)."""

    def __init__(self, type_name, kind=None):
        self.type_name = str(type_name)[:100]
        self.kind = None if kind is None else str(kind)[:100]

    def __repr__(self):
        return f"<{self.type_name}>"


def encode(value, depth=0):
    """Encode arrays, numbers, strings, None, lists/tuples and str-keyed dicts; other
    objects become their type's name (``Opaque``)."""
    if depth > MAX_DEPTH:
        return {"object": type(value).__name__, "kind": "deep"}
    if isinstance(value, (np.ndarray, np.generic)):
        # (np.ascontiguousarray would turn a NumPy scalar into an array of shape (1,))
        arr = np.ascontiguousarray(value) if value.ndim else np.asarray(value)
        if arr.dtype.kind not in "biuf":
            return {"object": "ndarray", "kind": str(arr.dtype)}
        return {"dtype": arr.dtype.str, "shape": list(arr.shape),
                "data": base64.b64encode(arr.tobytes()).decode("ascii"),
                "scalar": isinstance(value, np.generic)}
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2 ** 53:
            return {"plain": float(value)}
        return {"plain": value}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode(v, depth + 1) for v in value], "tuple": isinstance(value, tuple)}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: encode(v, depth + 1) for k, v in value.items()}}
    return {"object": type(value).__name__}


def decode(blob):
    """Inverse of ``encode``; unknown objects decode to ``Opaque``."""
    budget = [MAX_ITEMS]
    return _decode(blob, 0, budget)


def _spend(budget, n):
    budget[0] -= n
    if budget[0] < 0:
        raise BadAnswer("слишком большой ответ")


def _decode(blob, depth, budget):
    if depth > MAX_DEPTH + 4:
        raise BadAnswer("слишком глубокая вложенность")
    if not isinstance(blob, dict) or len(blob) > 4:
        raise BadAnswer("не закодированное значение")
    _spend(budget, 1)
    if "dtype" in blob:
        dtype, shape, data = blob.get("dtype"), blob.get("shape"), blob.get("data")
        if not (isinstance(dtype, str) and _DTYPE.match(dtype) and isinstance(shape, list)
                and len(shape) <= 8 and all(type(n) is int and 0 <= n for n in shape)
                and isinstance(data, str)):
            raise BadAnswer("неверное описание массива")
        size = int(np.prod(shape, dtype=np.int64)) if shape else 1
        _spend(budget, size)
        try:
            raw = base64.b64decode(data, validate=True)
            arr = np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()
        except (ValueError, TypeError) as error:
            raise BadAnswer(f"массив не читается: {error}") from None
        return arr[()] if blob.get("scalar") is True else arr
    if "plain" in blob:
        value = blob["plain"]
        if value is not None and type(value) not in (bool, int, float, str):
            raise BadAnswer("неверное простое значение")
        if isinstance(value, str):
            _spend(budget, len(value) // 64)
        return value
    if "seq" in blob:
        items = blob["seq"]
        if not isinstance(items, list):
            raise BadAnswer("неверная последовательность")
        decoded = [_decode(v, depth + 1, budget) for v in items]
        return tuple(decoded) if blob.get("tuple") is True else decoded
    if "dict" in blob:
        items = blob["dict"]
        if not isinstance(items, dict):
            raise BadAnswer("неверный словарь")
        return {str(k): _decode(v, depth + 1, budget) for k, v in items.items()}
    if "object" in blob:
        kind = blob.get("kind")
        return Opaque(blob["object"], kind if isinstance(kind, str) else None)
    raise BadAnswer("неизвестный вид значения")
