"""Видимые проверки: сравнивают результат с ожидаемым и объясняют ошибку по-русски."""

import linecache

import numpy as np

# Failures are raised from a two-line function of its own «file», and the helpers below hide
# their frames (__tracebackhide__), so a student's traceback shows the check cell, these two
# lines and the message, not the code of the helpers.
_FAIL_SOURCE = "def fail(message):\n    raise AssertionError(message)  # что не так — ниже\n"
linecache.cache["<проверка>"] = (len(_FAIL_SOURCE), None, _FAIL_SOURCE.splitlines(True),
                                 "<проверка>")
_namespace = {}
exec(compile(_FAIL_SOURCE, "<проверка>", "exec"), _namespace)
_fail = _namespace["fail"]

# NumPy functions the checks rely on, taken when the kit is imported (in the lesson's first
# cell): replacing np.allclose later in a solution cell does not make a wrong answer pass.
_asarray, _allclose, _max, _abs = np.asarray, np.allclose, np.max, np.abs


def read_only(*arrays):
    """Возвращает копии массивов, защищённые от записи.

    Функция, которая попытается изменить такой массив на месте (``w -= ...``),
    сразу упадёт с ``ValueError: assignment destination is read-only``.
    """
    copies = []
    for a in arrays:
        c = np.array(a, copy=True)
        c.setflags(write=False)
        copies.append(c)
    return copies[0] if len(copies) == 1 else tuple(copies)


def _fmt(x):
    return np.array2string(np.asarray(x), precision=6, separator=", ")


def check_shape(what, got, shape):
    """Проверяет, что ``got`` — массив формы ``shape``."""
    __tracebackhide__ = True
    got_shape = np.shape(got)
    if not isinstance(got, np.ndarray) or got_shape != tuple(shape):
        _fail(
            f"{what}: ожидался массив NumPy формы {tuple(shape)}, "
            f"а получено {type(got).__name__} формы {got_shape}."
        )


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    """Сравнивает ``got`` с ``expected`` поэлементно (форма и значения).

    ``what`` — описание проверяемого вызова, попадает в сообщение об ошибке.
    """
    __tracebackhide__ = True
    expected = _asarray(expected, dtype=float)
    try:
        got_arr = _asarray(got, dtype=float)
    except (TypeError, ValueError):
        got_arr = None
    if got_arr is None:
        _fail(f"{what}: ожидалось число или массив {_fmt(expected)}, "
              f"а получено {type(got).__name__}.")
    if got_arr.shape != expected.shape:
        _fail(
            f"{what}: ожидалась форма {expected.shape}, а получена {got_arr.shape}."
        )
    if not _allclose(got_arr, expected, rtol=rtol, atol=atol):
        err = _max(_abs(got_arr - expected))
        _fail(
            f"{what}: ожидалось {_fmt(expected)}, а получено {_fmt(got_arr)} "
            f"(наибольшее расхождение {err:.3g})."
        )


def check_pure(func, *args):
    """Вызывает ``func(*args)`` с защищёнными от записи копиями массивов.

    Проверяет, что функция не меняет свои аргументы: массивы передаются только
    для чтения, а словари сравниваются до и после вызова. Возвращает результат вызова.
    """
    __tracebackhide__ = True
    prepared = []
    for a in args:
        if isinstance(a, np.ndarray):
            prepared.append(read_only(a))
        elif isinstance(a, dict):
            prepared.append({k: read_only(v) for k, v in a.items()})
        else:
            prepared.append(a)
    before = [dict(a) if isinstance(a, dict) else None for a in prepared]
    try:
        result = func(*prepared)
    except ValueError as error:
        if "read-only" not in str(error):
            raise
        result = error
    if isinstance(result, ValueError):
        _fail(f"{func.__name__} изменяет свой аргумент на месте (например, «w -= ...»). "
              "Функция должна возвращать новые массивы и не трогать входные.")
    for a, old in zip(prepared, before):
        if old is not None and (a.keys() != old.keys() or any(a[k] is not old[k] for k in old)):
            _fail(
                f"{func.__name__} меняет входной словарь (добавляет, удаляет или заменяет "
                "значения). Создайте новый словарь вместо изменения переданного."
            )
    return result


def passed(what):
    """Печатает короткое подтверждение успешной проверки."""
    print(f"✓ {what}: проверка пройдена.")
