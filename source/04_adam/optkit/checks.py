"""Видимые проверки: сравнивают результат с ожидаемым и объясняют ошибку по-русски."""

import numpy as np


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
    got_shape = np.shape(got)
    if not isinstance(got, np.ndarray) or got_shape != tuple(shape):
        raise AssertionError(
            f"{what}: ожидался массив NumPy формы {tuple(shape)}, "
            f"а получено {type(got).__name__} формы {got_shape}."
        )


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    """Сравнивает ``got`` с ``expected`` поэлементно (форма и значения).

    ``what`` — описание проверяемого вызова, попадает в сообщение об ошибке.
    """
    expected = np.asarray(expected, dtype=float)
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(
            f"{what}: ожидалось число или массив {_fmt(expected)}, "
            f"а получено {type(got).__name__}."
        ) from None
    if got_arr.shape != expected.shape:
        raise AssertionError(
            f"{what}: ожидалась форма {expected.shape}, а получена {got_arr.shape}."
        )
    if not np.allclose(got_arr, expected, rtol=rtol, atol=atol):
        err = np.max(np.abs(got_arr - expected))
        raise AssertionError(
            f"{what}: ожидалось {_fmt(expected)}, а получено {_fmt(got_arr)} "
            f"(наибольшее расхождение {err:.3g})."
        )


def check_pure(func, *args):
    """Вызывает ``func(*args)`` с защищёнными от записи копиями массивов.

    Проверяет, что функция не меняет свои аргументы: массивы передаются только
    для чтения, а словари сравниваются до и после вызова. Возвращает результат вызова.
    """
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
    except ValueError as e:
        if "read-only" in str(e):
            raise AssertionError(
                f"{func.__name__} изменяет свой аргумент на месте (например, «w -= ...»). "
                "Функция должна возвращать новые массивы и не трогать входные."
            ) from None
        raise
    for a, old in zip(prepared, before):
        if old is not None and (a.keys() != old.keys() or any(a[k] is not old[k] for k in old)):
            raise AssertionError(
                f"{func.__name__} меняет входной словарь (добавляет, удаляет или заменяет "
                "значения). Создайте новый словарь вместо изменения переданного."
            )
    return result


def passed(what):
    """Печатает короткое подтверждение успешной проверки."""
    print(f"✓ {what}: проверка пройдена.")
