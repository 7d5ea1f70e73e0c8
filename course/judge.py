"""The judge: a fresh Python process that compares a student's results with the reference.

It runs outside the student's kernel (``python -I -m course.judge``), so nothing the student's
code patched (numpy, builtins, ``course.reference``) can change the expected values or the
comparison. Protocol, JSON on stdin/stdout:
    cases NAME    -> {"cases": [...encoded cases]}
    verdict NAME  <- {"runs": [...encoded run records, one list per case]}
                  -> {"passed": bool, "message": Russian text}
"""

import json
import sys

import numpy as np

from course import reference
from course.cases import cases_for
from course.mistakes import MISTAKES
from course.runner import run_case
from course.russian import plural
from course.wire import Opaque, decode, encode

OUTPUT_NAMES = {
    "forward": ("y_hat", "hidden"),
    "loss_and_grads": ("loss", "grads"),
    "momentum_update": ("w", "velocity"),
    "nesterov_update": ("w", "velocity"),
    "adagrad_update": ("w", "G"),
    "rmsprop_update": ("w", "s"),
    "adam_update": ("w", "m", "v"),
}


def _fmt(x):
    return np.array2string(np.asarray(x, dtype=float), precision=6, separator=", ",
                           threshold=12)


def _tolerance(case):
    low = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case["args"]) or any(
        isinstance(a, dict) and any(getattr(v, "dtype", None) == np.float32 for v in a.values())
        for a in case["args"])
    return (2e-4, 1e-5) if low else (1e-6, 1e-9)


def _as_number_array(got):
    if isinstance(got, Opaque) or isinstance(got, (dict, str)) or got is None:
        return None
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def _describe(got):
    if isinstance(got, Opaque):
        return f"объект {got.type_name}"
    if isinstance(got, np.ndarray):
        return f"массив формы {got.shape}"
    return type(got).__name__ if got is not None else "None"


def compare(expected, got, where, tol):
    """None if ``got`` matches ``expected``, else a Russian description of the difference."""
    rtol, atol = tol
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            names = f" ({', '.join(where)})" if isinstance(where, tuple) else ""
            return (f"ожидался кортеж из {len(expected)} значений{names}, "
                    f"а вернулось {_describe(got)}")
        names = where if isinstance(where, tuple) else (None,) * len(expected)
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare(e, g, names[i] or f"№{i + 1}", tol)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = ", ".join(sorted(expected))
            return f"{where}: ожидался словарь с ключами {keys}, а вернулось {_describe(got)}"
        for key in expected:
            problem = compare(expected[key], got[key], f"{where}['{key}']", tol)
            if problem:
                return problem
        return None
    exp = np.asarray(expected, dtype=float)
    arr = _as_number_array(got)
    if arr is None:
        return f"{where}: ожидались числа, а вернулось {_describe(got)}"
    if arr.shape != exp.shape:
        return f"{where}: ожидалась форма {exp.shape}, а получена {arr.shape}"
    scale = max(1.0, float(np.max(np.abs(exp), initial=0.0)))
    if not np.allclose(arr, exp, rtol=rtol, atol=atol * scale, equal_nan=True):
        with np.errstate(all="ignore"):
            err = float(np.nanmax(np.abs(arr - exp))) if np.all(np.isfinite(arr)) else float("nan")
        return (f"{where}: ожидалось {_fmt(exp)},\nа получено {_fmt(arr)} "
                f"(наибольшее расхождение {err:.3g})")
    return None


def _error_text(error):
    kind, message = error["type"], error["message"]
    if kind == "NotImplementedError":
        return "функция ещё не реализована (NotImplementedError)"
    if kind == "ValueError" and "read-only" in message:
        return ("функция изменяет входной массив на месте (например, «w -= …» или «G += …»); "
                "входные данные должны остаться прежними, верните новые массивы")
    if kind == "MutatedDict":
        return "функция меняет переданный ей словарь; создайте новый словарь"
    return f"функция завершилась с ошибкой {kind}: {message}"


def _compare_runs(name, case, expected_run, got_run):
    """Russian description of the first difference between two run records, or None."""
    if got_run["error"]:
        step = f" (шаг {got_run['step'] + 1})" if case.get("steps", 1) > 1 else ""
        return _error_text(got_run["error"]) + step
    tol = _tolerance(case)
    where = OUTPUT_NAMES.get(name, "w")
    for step, (e, g) in enumerate(zip(expected_run["outputs"], got_run["outputs"])):
        problem = compare(e, g, where, tol)
        if problem:
            prefix = f"на шаге {step + 1}: " if case.get("steps", 1) > 1 else ""
            return prefix + problem
        e_calls, g_calls = expected_run["calls"][step], got_run["calls"][step]
        if e_calls is not None:
            if len(g_calls) != len(e_calls):
                return (f"grad_fn вызвана {plural(len(g_calls), 'раз', 'раза', 'раз')}, а нужно ровно один раз — "
                        "в точке «заглядывания» w − γ·V")
            problem = compare(e_calls[0], g_calls[0], "точка вызова grad_fn", tol)
            if problem:
                return problem
    return None


def _diagnose(name, case, got_run):
    """The description of a known mistake that reproduces the student's run, or None."""
    if got_run["error"]:
        return None
    for text, wrong in MISTAKES.get(name, []):
        try:
            with np.errstate(all="ignore"):
                wrong_run = run_case(wrong, case)[0]
        except Exception:
            continue
        if wrong_run["error"] is None and not _compare_runs(name, case, wrong_run, got_run):
            return text
    return None


def _minibatch_problem(case, runs):
    n, bs = case["args"][0], case["args"][1]
    first = runs[0]
    if first["error"]:
        return _error_text(first["error"])
    batches = first["outputs"][0]
    if not isinstance(batches, (list, tuple)):
        return f"ожидался список массивов индексов, а вернулось {_describe(batches)}"
    for b in batches:
        if not isinstance(b, np.ndarray) or b.ndim != 1 or b.dtype.kind not in "iu":
            return ("каждый мини-батч должен быть одномерным массивом целых индексов, "
                    f"а встретился {_describe(b)}")
    sizes = [len(b) for b in batches]
    want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
    allidx = np.concatenate(batches) if batches else np.array([], dtype=int)
    if sorted(allidx.tolist()) != list(range(n)):
        missing = sorted(set(range(n)) - set(allidx.tolist()))
        if missing and sizes == want[:len(sizes)] and len(sizes) < len(want):
            return "последний неполный мини-батч потерян: индексы " + str(missing[:5]) + " не попали ни в один батч"
        return ("индексы должны покрывать range(n_samples) ровно по одному разу, "
                f"а не хватает {missing[:5]}" if missing else "некоторые индексы повторяются")
    if sizes != want:
        return f"размеры мини-батчей {sizes} вместо {want}"
    if n >= 10 and allidx.tolist() == list(range(n)):
        return "индексы не перемешаны: батчи идут по порядку 0, 1, 2, …"
    for other in runs[1:]:
        again = other["outputs"][0] if not other["error"] else None
        if again is None or len(again) != len(batches) or any(
                not np.array_equal(a, b) for a, b in zip(again, batches)):
            return ("при одном и том же rng (то же зерно) получились разные батчи: перемешивайте "
                    "с помощью переданного rng (rng.permutation), а не np.random")
    return None


def verdict(name, runs_per_case):
    """The judgement for all cases of ``name``: (passed, Russian message)."""
    cases = cases_for(name)
    if len(runs_per_case) != len(cases):
        return False, "Данные проверки повреждены: число результатов не совпадает с числом случаев."
    if name == "minibatch_indices":
        firsts = {}
        for case, runs in zip(cases, runs_per_case):
            problem = _minibatch_problem(case, runs)
            if problem:
                return False, (f"Функция {name} не прошла скрытую проверку «{case['label']}»:\n"
                               f"{problem}.")
            key = tuple(case["args"][:2])
            order = np.concatenate(runs[0]["outputs"][0]).tolist()
            if key in firsts and firsts[key] == order and case["args"][0] >= 10:
                return False, (f"Функция {name}: при разных зёрнах rng получилось одинаковое "
                               "разбиение; перемешивайте с помощью переданного rng.")
            firsts[key] = order
        return True, f"✓ Скрытые проверки {name} пройдены ({len(cases)} случаев)."
    func = getattr(reference, name)
    for case, runs in zip(cases, runs_per_case):
        expected = run_case(func, case)[0]
        problem = _compare_runs(name, case, expected, runs[0])
        if problem:
            message = f"Функция {name} не прошла скрытую проверку «{case['label']}»:\n{problem}."
            mistake = _diagnose(name, case, runs[0])
            if mistake:
                message += f"\nВероятная ошибка: {mistake}."
            return False, message
    return True, f"✓ Скрытые проверки {name} пройдены ({len(cases)} случаев)."


def main(argv=None):
    phase, name = (argv or sys.argv[1:])[:2]
    if phase == "cases":
        json.dump({"cases": [encode(c) for c in cases_for(name)]}, sys.stdout)
    elif phase == "verdict":
        payload = json.load(sys.stdin)
        runs = [[_decode_run(r) for r in case_runs] for case_runs in payload["runs"]]
        passed, message = verdict(name, runs)
        json.dump({"passed": passed, "message": message}, sys.stdout, ensure_ascii=False)
    else:
        raise SystemExit(f"unknown phase {phase!r}")


def _decode_run(blob):
    run = decode(blob)
    run["outputs"] = list(run["outputs"])
    return run


if __name__ == "__main__":
    main()
