"""JSON-safe encoding of the values that cross between the kernel and the judge.

Arrays travel as dtype, shape and base64 bytes; the judge never unpickles anything
that student code could have produced.
"""

import base64

import numpy as np


def encode(value):
    """Encode arrays, numbers, strings, None, lists/tuples and str-keyed dicts; other
    objects become a description of their type."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.ascontiguousarray(value)
        if arr.dtype.kind not in "biuf":
            return {"object": f"массив NumPy с типом {arr.dtype}"}
        return {
            "dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "data": base64.b64encode(arr.tobytes()).decode("ascii"),
            "scalar": isinstance(value, np.generic),
        }
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"plain": value}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode(v) for v in value], "tuple": isinstance(value, tuple)}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    return {"object": type(value).__name__}


def decode(blob):
    """Inverse of ``encode``; unknown objects decode to ``Opaque``."""
    if "dtype" in blob:
        arr = np.frombuffer(base64.b64decode(blob["data"]), dtype=np.dtype(blob["dtype"]))
        arr = arr.reshape(blob["shape"]).copy()
        return arr[()] if blob.get("scalar") else arr
    if "plain" in blob:
        return blob["plain"]
    if "seq" in blob:
        items = [decode(v) for v in blob["seq"]]
        return tuple(items) if blob["tuple"] else items
    if "dict" in blob:
        return {k: decode(v) for k, v in blob["dict"].items()}
    return Opaque(blob["object"])


class Opaque:
    """A returned value that could not be transferred (only its type name is known)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"
