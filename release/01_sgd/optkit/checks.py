"""Видимые проверки: сравнивают результат с ожидаемым и объясняют ошибку по-русски.

Если проверка не пройдена, она поднимает ``CheckFailed`` (это ``AssertionError``): Jupyter
показывает вместо трассировки только её сообщение — что ожидалось, что получено, при каких
входных данных и, если ответ похож на известную ошибку, что, вероятно, не так. Так же, одной
русской строкой, Jupyter показывает упражнение, которое ещё не решено (заготовка бросает
``NotImplementedError``), и имя, которое ни одна выполненная ячейка ещё не задала.
"""

import numpy as np

# NumPy functions the checks rely on, taken when the kit is imported (in the lesson's first
# cell): replacing np.allclose later in a solution cell does not make a wrong answer pass.
_asarray, _allclose, _max, _abs, _sum, _all, _isfinite = (
    np.asarray, np.allclose, np.max, np.abs, np.sum, np.all, np.isfinite)


class CheckFailed(AssertionError):
    """Проверка не пройдена. Jupyter (IPython) показывает только русское сообщение."""

    def _render_traceback_(self):
        # IPython prints these lines instead of the traceback (no English frame notes).
        lines = str(self).splitlines() or [""]
        return [f"✗ {lines[0]}", *(f"  {line}" for line in lines[1:])]


def _russian_line(etype, value, tb):
    # One Russian line for the two errors a student meets first, or None (Python's usual
    # traceback): the bare ``raise NotImplementedError()`` of an exercise not yet written,
    # and a name used at the top of a cell that no executed cell has defined yet.
    last = tb
    while last.tb_next is not None:
        last = last.tb_next
    where = last.tb_frame.f_code.co_name
    if issubclass(etype, NotImplementedError) and not value.args:
        what = "решение" if where.startswith("<") else f"функция {where}"
        return (f"✗ Упражнение ещё не решено: {what} пока только бросает "
                "NotImplementedError. Впишите решение вместо строки raise "
                "NotImplementedError() и выполните ту ячейку, потом эту.")
    if issubclass(etype, NameError) and where == "<module>" and getattr(value, "name", None):
        return (f"✗ Имя {value.name} ещё не задано: ячейка выше, где оно появляется, не "
                "выполнена или остановилась с ошибкой (выполняйте ячейки по порядку, сверху "
                "вниз), или в имени опечатка.")
    return None


def _explain_in_russian(shell, etype, value, tb, tb_offset=None):
    # IPython's handler of these errors (set when the kit is imported); the exception keeps
    # its name and message for the tools that read them.
    line = _russian_line(etype, value, tb)
    if line is not None:
        value._render_traceback_ = lambda: [line]
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def _explain_in_jupyter():
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to explain
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NotImplementedError, NameError), _explain_in_russian)


_explain_in_jupyter()


def plural(n, one, few, many):
    """Число со словом в нужной форме: plural(2, "раз", "раза", "раз") → «2 раза»."""
    n = int(n)
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = few
    else:
        word = many
    return f"{n} {word}"


def fail(message):
    """Прерывает проверку с сообщением ``message``."""
    raise CheckFailed(message)


def expect(condition, message):
    """Проверяет условие; если оно ложно — проверка не пройдена с сообщением ``message``."""
    if not condition:
        fail(message)


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
    return np.array2string(_asarray(x), precision=6, separator=", ")


def _inputs_line(inputs):
    if not inputs:
        return []
    parts = [f"{name} = {_fmt(value) if np.ndim(value) else repr(value)}"
             for name, value in inputs.items()]
    return ["Входные данные: " + ", ".join(parts) + "."]


def _times(ratio):
    """«в 4 раза больше», «в 5 раз меньше», «в 2.5 раза больше»."""
    size, word = (ratio, "больше") if ratio > 1 else (1 / ratio, "меньше")
    if abs(size - round(size)) < 1e-9 * size:
        return f"в {plural(round(size), 'раз', 'раза', 'раз')} {word}"
    return f"в {size:.3g} раза {word}"


def _generic_hint(got, expected, rtol, atol):
    """What a wrong answer that differs from the expected one by a constant factor says."""
    nonzero = _sum(expected != 0)
    if nonzero == 0 or not _all(_isfinite(got)):
        return None
    if _allclose(got, -expected, rtol=rtol, atol=atol):
        return "Получено ожидаемое с обратным знаком: проверьте знак."
    if nonzero < 2:
        return None
    ratio = float(_sum(got * expected) / _sum(expected * expected))
    if ratio > 0 and _allclose(got, ratio * expected, rtol=rtol, atol=atol):
        return f"Получено ровно {_times(ratio)} ожидаемого: проверьте постоянные множители."
    return None


def check_shape(what, got, shape):
    """Проверяет, что ``got`` — массив NumPy формы ``shape``."""
    got_shape = np.shape(got)
    if not isinstance(got, np.ndarray) or got_shape != tuple(shape):
        fail(f"{what}: ожидался массив NumPy формы {tuple(shape)}, "
             f"а получено {type(got).__name__} формы {got_shape}.")


def check_close(what, got, expected, rtol=1e-6, atol=1e-9, inputs=None, mistakes=()):
    """Сравнивает ``got`` с ``expected`` поэлементно (форма и значения).

    what     — описание проверяемого вызова, попадает в сообщение об ошибке;
    inputs   — необязательный словарь {имя: значение} входных данных для сообщения;
    mistakes — необязательный список пар (неверный ответ, объяснение): если получен такой
               ответ, сообщение назовёт вероятную ошибку.
    """
    expected = _asarray(expected, dtype=float)
    try:
        got_arr = _asarray(got, dtype=float)
    except (TypeError, ValueError):
        got_arr = None
    if got_arr is None:
        fail("\n".join([f"{what}: ожидалось число или массив {_fmt(expected)}, "
                        f"а получено {type(got).__name__}.", *_inputs_line(inputs)]))
    if got_arr.shape != expected.shape:
        fail("\n".join([f"{what}: ожидалась форма {expected.shape}, "
                        f"а получена {got_arr.shape}.", *_inputs_line(inputs)]))
    if _allclose(got_arr, expected, rtol=rtol, atol=atol):
        return
    if _all(_isfinite(got_arr)):
        difference = f" (наибольшее расхождение {_max(_abs(got_arr - expected)):.3g})"
    else:
        difference = " (в ответе есть nan или inf)"
    lines = [f"{what}: ожидалось {_fmt(expected)}, а получено {_fmt(got_arr)}{difference}.",
             *_inputs_line(inputs)]
    for wrong, why in mistakes:
        wrong = _asarray(wrong, dtype=float)
        if wrong.shape == got_arr.shape and _allclose(got_arr, wrong, rtol=rtol, atol=atol):
            lines.append(f"Похоже, {why}.")
            break
    else:
        hint = _generic_hint(got_arr, expected, rtol, atol)
        if hint:
            lines.append(hint)
    fail("\n".join(lines))


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
    except ValueError as error:
        if "read-only" not in str(error):
            raise
        result = error
    if isinstance(result, ValueError):
        fail(f"{func.__name__} изменяет свой аргумент на месте (например, «w -= ...»).\n"
             "Функция должна возвращать новые массивы и не трогать входные.")
    for a, old in zip(prepared, before):
        if old is not None and (a.keys() != old.keys() or any(a[k] is not old[k] for k in old)):
            fail(f"{func.__name__} меняет входной словарь (добавляет, удаляет или заменяет "
                 "значения).\nСоздайте новый словарь вместо изменения переданного.")
    return result


def passed(what):
    """Печатает короткое подтверждение успешной проверки."""
    print(f"✓ {what}: проверка пройдена.")
