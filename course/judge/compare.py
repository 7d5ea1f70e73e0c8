"""Comparing a returned value with the expected one; differences described in Russian."""

import numpy as np

from course.client.wire import Opaque


def fmt(x):
    return np.array2string(np.asarray(x, dtype=float), precision=6, separator=", ",
                           threshold=12)


def describe(got):
    """A short Russian description of a returned value's kind, to follow «функция вернула»."""
    if isinstance(got, Opaque):
        if got.kind == "deep":
            return "слишком глубоко вложенное значение"
        if got.type_name == "ndarray" and got.kind:
            return f"массив NumPy из нечисловых элементов (dtype {got.kind})"
        return f"объект типа {got.type_name}"
    if isinstance(got, np.ndarray):
        return f"массив формы {got.shape}"
    return f"значение типа {type(got).__name__}" if got is not None else "None"


def tolerance(case):
    """(rtol, atol): looser when the case is in float32."""
    def low(a):
        if isinstance(a, np.ndarray):
            return a.dtype == np.float32
        return isinstance(a, dict) and any(getattr(v, "dtype", None) == np.float32
                                           for v in a.values())
    return (2e-4, 1e-5) if any(low(a) for a in case["args"]) else (1e-6, 1e-9)


def _numbers(got):
    if isinstance(got, (Opaque, dict, str, bytes)) or got is None:
        return None
    if isinstance(got, (list, tuple)) and any(isinstance(g, (Opaque, dict, str)) for g in got):
        return None
    try:
        with np.errstate(all="ignore"):
            return np.asarray(got, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None


def compare(expected, got, where, tol):
    """None if ``got`` matches ``expected``, else a Russian description of the difference.
    ``where``: the output's name, or a tuple of names for a tuple of outputs."""
    rtol, atol = tol
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            names = f" ({', '.join(where)})" if isinstance(where, tuple) else ""
            return (f"ожидался кортеж из {len(expected)} значений{names}, "
                    f"а функция вернула {describe(got)}")
        names = where if isinstance(where, tuple) else (None,) * len(expected)
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, names[i] or f"№{i + 1}", tol)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = ", ".join(sorted(expected))
            return (f"{where}: ожидался словарь с ключами {keys}, "
                    f"а функция вернула {describe(got)}")
        for key in expected:
            problem = compare(expected[key], got[key], f"{where}['{key}']", tol)
            if problem:
                return problem
        return None
    exp = np.asarray(expected, dtype=float)
    arr = _numbers(got)
    if arr is None:
        return f"{where}: ожидались числа, а функция вернула {describe(got)}"
    if arr.shape != exp.shape:
        return f"{where}: ожидалась форма {exp.shape}, а получена {arr.shape}"
    finite = np.isfinite(exp)
    if not np.array_equal(np.isfinite(arr), finite):  # nan where none is due, or the reverse
        return f"{where}: ожидалось {fmt(exp)},\nа получено {fmt(arr)} (есть nan или inf)"
    scale = max(1.0, float(np.max(np.abs(exp[finite]), initial=0.0)))
    if not np.allclose(arr, exp, rtol=rtol, atol=atol * scale, equal_nan=True):
        err = float(np.max(np.abs(arr - exp)[finite], initial=0.0))
        return (f"{where}: ожидалось {fmt(exp)},\nа получено {fmt(arr)} "
                f"(наибольшее расхождение {err:.3g})")
    return None
