"""minibatch_indices (lesson 01): graded on properties, not on one random stream."""

import numpy as np

from course import reference
from course.exercises import Exercise
from course.exercises._cases import case


def _cases():
    return [case(f"n_samples={n}, batch_size={bs}, rng с зерном {seed}", n, bs,
                 {"__rng__": seed}, repeat=2)
            for n, bs, seed in [(10, 3, 1), (10, 3, 2), (12, 4, 3), (7, 10, 4), (1, 1, 5),
                                (100, 32, 6), (100, 32, 7), (64, 1, 8)]]


def _problem(case_, runs, error_text):
    from course.judge.compare import describe  # the judge imports the exercises

    n, bs = case_["args"][0], case_["args"][1]
    first = runs[0]
    if first["error"]:
        return error_text(first["error"])
    batches = first["outputs"][0]
    if not isinstance(batches, (list, tuple)):
        return f"ожидался список массивов индексов, а функция вернула {describe(batches)}"
    for b in batches:
        if not isinstance(b, np.ndarray) or b.ndim != 1 or b.dtype.kind not in "iu":
            return ("каждый мини-батч должен быть одномерным массивом целых индексов, "
                    f"а среди них есть {describe(b)}")
    sizes = [len(b) for b in batches]
    want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
    joined = np.concatenate(batches).tolist() if batches else []
    if sorted(joined) != list(range(n)):
        missing = sorted(set(range(n)) - set(joined))
        if missing and sizes == want[:len(sizes)] and len(sizes) < len(want):
            return ("последний неполный мини-батч потерян: индексы "
                    f"{missing[:5]} не попали ни в один батч")
        if missing:
            return ("индексы должны покрывать range(n_samples) ровно по одному разу, "
                    f"а не хватает {missing[:5]}")
        return "некоторые индексы повторяются"
    if sizes != want:
        return f"размеры мини-батчей {sizes} вместо {want}"
    if n >= 10 and joined == list(range(n)):
        return "индексы не перемешаны: батчи идут по порядку 0, 1, 2, …"
    for other in runs[1:]:
        again = None if other["error"] else other["outputs"][0]
        if not isinstance(again, (list, tuple)) or len(again) != len(batches) or any(
                not isinstance(a, np.ndarray) or not np.array_equal(a, b)
                for a, b in zip(again, batches)):
            return ("при одном и том же rng (то же зерно) получились разные батчи: перемешивайте "
                    "с помощью переданного rng (rng.permutation), а не np.random")
    return None


def _verdict(cases, runs_per_case, error_text):
    """(label of the failed case, Russian problem) or None."""
    orders = {}
    for case_, runs in zip(cases, runs_per_case):
        problem = _problem(case_, runs, error_text)
        if problem:
            return case_["label"], problem
        order = np.concatenate(runs[0]["outputs"][0]).tolist()
        key = tuple(case_["args"][:2])
        if orders.get(key) == order and case_["args"][0] >= 10:
            return case_["label"], ("при разных зёрнах rng получилось одинаковое разбиение: "
                                    "перемешивайте с помощью переданного rng")
        orders[key] = order
    return None


EXERCISE = Exercise(name="minibatch_indices", lesson="01_sgd", position=1,
                    reference=reference.minibatch_indices, cases=_cases, outputs="batches",
                    verdict=_verdict)
