"""Verdicts: the judge's decision on one exercise, from the text the kernel sent back."""

import functools
import json
from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np

from course.client import runner, wire
from course.exercises import ALL
from course.judge.compare import compare, tolerance
from course.russian import plural

MAX_ANSWER = 50_000_000  # characters of one answer; more is not a student's function output


@dataclass(frozen=True)
class Verdict:
    """The judge's decision for one exercise: ``message`` is what the student reads;
    ``case`` (the failed case's label) and ``mistake`` (the key of a recognised mistake)
    are data for the instructor's report."""

    exercise: str
    passed: bool
    message: str
    case: Optional[str] = None
    mistake: Optional[str] = None

    def to_dict(self):
        return asdict(self)


@functools.lru_cache(maxsize=None)
def _cases(name):
    return ALL[name].cases()


@functools.lru_cache(maxsize=None)
def cases_text(name):
    """The cases of exercise ``name`` as the JSON text the kernel receives."""
    return json.dumps([wire.encode(case) for case in _cases(name)])


@functools.lru_cache(maxsize=None)
def _expected(name):
    exercise = ALL[name]
    with np.errstate(all="ignore"):
        return [runner.run_case(exercise.reference, case)[0] for case in _cases(name)]


def _error_text(error):
    kind, message = error["type"], error["message"]
    if kind == "NotImplementedError":
        return "функция ещё не реализована (NotImplementedError)"
    if kind == "NotCallable":
        return f"это не функция, а {message}"
    if kind == "ValueError" and "read-only" in message:
        return ("функция изменяет входной массив на месте (например, «w -= …» или «G += …»); "
                "входные данные должны остаться прежними, верните новые массивы")
    if kind == "MutatedDict":
        return "функция меняет переданный ей словарь; создайте новый словарь"
    return f"функция завершилась с ошибкой {kind}: {message}"


def _compare_runs(exercise, case, expected, got):
    """Russian description of the first difference between two run records, or None."""
    several = case.get("steps", 1) > 1
    if got["error"]:
        step = got["step"] if isinstance(got["step"], int) else 0
        return _error_text(got["error"]) + (f" (шаг {step + 1})" if several else "")
    tol = tolerance(case)
    if len(got["outputs"]) != len(expected["outputs"]):
        return (f"результаты пришли не для всех шагов: {len(got['outputs'])} из "
                f"{len(expected['outputs'])}")
    for step, (e, g) in enumerate(zip(expected["outputs"], got["outputs"])):
        prefix = f"на шаге {step + 1}: " if several else ""
        problem = compare(e, g, exercise.outputs, tol)
        if problem:
            return prefix + problem
        e_calls, g_calls = expected["calls"][step], got["calls"][step]
        if e_calls is not None:
            if not isinstance(g_calls, list) or len(g_calls) != len(e_calls):
                count = len(g_calls) if isinstance(g_calls, list) else 0
                return (prefix + f"grad_fn вызвана {plural(count, 'раз', 'раза', 'раз')}, а "
                        f"нужно {exercise.calls or f'{len(e_calls)} раз'}")
            problem = compare(e_calls[0], g_calls[0], "точка вызова grad_fn", tol)
            if problem:
                return prefix + problem
    return None


def _diagnose(exercise, case, expected, got):
    """(key, Russian text) of a known mistake that reproduces the student's run, or None."""
    if got["error"]:
        return None
    for mistake in exercise.mistakes:
        try:
            with np.errstate(all="ignore"):
                wrong = runner.run_case(mistake.func, case)[0]
        except Exception:  # noqa: BLE001 (a mistake that cannot run this case does not match)
            continue
        if wrong["error"] is None and not _compare_runs(exercise, case, wrong, got):
            return mistake.key, mistake.text
    if exercise.hint:
        return exercise.hint(case, expected, got)
    return None


def _run_record(value):
    if not (isinstance(value, dict) and isinstance(value.get("outputs"), list)
            and isinstance(value.get("calls"), list)):
        raise wire.BadAnswer("неверная запись запуска")
    error = value.get("error")
    if error is not None and not (isinstance(error, dict) and isinstance(error.get("type"), str)
                                  and isinstance(error.get("message"), str)):
        raise wire.BadAnswer("неверная запись ошибки")
    calls = [c if c is None or isinstance(c, list) else [] for c in value["calls"]]
    calls += [None] * (len(value["outputs"]) - len(calls))
    return {"outputs": value["outputs"], "calls": calls, "error": error,
            "step": value.get("step")}


def read_answer(name, text):
    """The run records in the kernel's answer ``text``: one list per case; ``BadAnswer``
    if the text is not a well-formed answer for ``name``."""
    if not isinstance(text, str) or len(text) > MAX_ANSWER:
        raise wire.BadAnswer("ответ слишком велик или не текст")
    try:
        blobs = json.loads(text)
    except (ValueError, RecursionError):
        raise wire.BadAnswer("ответ не в формате JSON") from None
    if not isinstance(blobs, list) or len(blobs) != len(_cases(name)):
        raise wire.BadAnswer("число результатов не совпадает с числом случаев")
    try:
        runs = [[_run_record(wire.decode(run)) for run in case_runs] for case_runs in blobs]
    except (TypeError, AttributeError, RecursionError) as error:
        raise wire.BadAnswer(str(error)) from None
    for case, case_runs in zip(_cases(name), runs):
        if len(case_runs) != case.get("repeat", 1):
            raise wire.BadAnswer("число повторов не совпадает")
    return runs


def judge(name, text):
    """The ``Verdict`` on exercise ``name`` for the kernel's answer ``text`` (None when the
    kernel sent no answer)."""
    exercise = ALL[name]
    if text is None:
        return Verdict(name, False, f"Функция {name} не проверена: ядро не вернуло результатов "
                                    "(ячейка упала, зависла или вывод проверки был подавлен).")
    try:
        runs = read_answer(name, text)
    except wire.BadAnswer as error:
        return Verdict(name, False, f"Функция {name} не проверена: ответ ядра не удалось "
                                    f"прочитать ({error}).")
    with np.errstate(all="ignore"):
        return _judge(exercise, runs)


def _judge(exercise, runs):
    name, cases = exercise.name, _cases(exercise.name)
    failed = None
    if exercise.verdict:
        failed = exercise.verdict(cases, runs, _error_text)
        if failed:
            label, problem = failed
            return Verdict(name, False, f"Функция {name} не прошла скрытую проверку "
                                        f"«{label}»:\n{problem}.", case=label)
    else:
        for case, expected, case_runs in zip(cases, _expected(name), runs):
            try:
                problem = _compare_runs(exercise, case, expected, case_runs[0])
            except (TypeError, ValueError, IndexError, KeyError) as error:
                problem = ("результат не удалось сравнить с эталоном "
                           f"({type(error).__name__})")
            if problem:
                message = (f"Функция {name} не прошла скрытую проверку «{case['label']}»:\n"
                           f"{problem}.")
                found = _diagnose(exercise, case, expected, case_runs[0])
                if found:
                    message += f"\nВероятная ошибка: {found[1]}."
                return Verdict(name, False, message, case=case["label"],
                               mistake=found[0] if found else None)
    count = plural(len(cases), "случай", "случая", "случаев")
    return Verdict(name, True, f"✓ Скрытые проверки {name} пройдены ({count}).")
