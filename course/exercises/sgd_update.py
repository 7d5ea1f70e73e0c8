"""sgd_update (lesson 01): one step of gradient descent."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for


def _cases(seed=None):
    rng = rng_for("sgd_update", seed)
    g5 = rng.standard_normal((5, 3))
    return [
        case("вектор из 5 чисел, lr=0.1", rng.standard_normal(5), rng.standard_normal(5), 0.1),
        case("матрица 3×4, lr=0.01", rng.standard_normal((3, 4)), rng.standard_normal((3, 4)),
             0.01),
        case("нулевой градиент: веса не меняются", rng.standard_normal(4), np.zeros(4), 0.5),
        case("float32", rng.standard_normal(6).astype(np.float32),
             rng.standard_normal(6).astype(np.float32), 0.1),
        case("5 шагов подряд: новые веса передаются в следующий шаг",
             rng.standard_normal(3), g5[0], 0.2, steps=5, grads=g5, grad_arg=1,
             feed=[[None, 0]]),
    ]


EXERCISE = Exercise(
    name="sgd_update", lesson="01_sgd", position=4, reference=reference.sgd_update,
    cases=_cases,
    mistakes=(
        Mistake("sign", "шаг сделан вдоль градиента (w + η·g), а не против него",
                lambda w, g, lr: w + lr * g),
        Mistake("no_lr", "забыта скорость обучения: w − g вместо w − η·g",
                lambda w, g, lr: w - g),
    ))
