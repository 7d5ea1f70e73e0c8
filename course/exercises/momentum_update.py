"""momentum_update (lesson 02): heavy-ball momentum, V = γ·V + η·g, w = w − V."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for


def _cases(seed=None):
    rng = rng_for("momentum_update", seed)
    g = rng.standard_normal((6, 4))
    return [
        case("ненулевой импульс V, γ=0.9, η=0.1", rng.standard_normal(4), g[0],
             rng.standard_normal(4), 0.1, 0.9),
        case("нулевой градиент при ненулевом V: шаг делает только импульс",
             rng.standard_normal(4), np.zeros(4), rng.standard_normal(4), 0.1, 0.8),
        case("матрица 2×3, γ=0.5, η=0.05", rng.standard_normal((2, 3)),
             rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.05, 0.5),
        case("float32", rng.standard_normal(4).astype(np.float32), g[1].astype(np.float32),
             rng.standard_normal(4).astype(np.float32), 0.1, 0.9),
        case("6 шагов подряд с нулевого V: w и V передаются в следующий шаг",
             rng.standard_normal(4), g[0], np.zeros(4), 0.1, 0.9, steps=6, grads=g,
             grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


EXERCISE = Exercise(
    name="momentum_update", lesson="02_nesterov", position=1,
    reference=reference.momentum_update, cases=_cases, outputs=("w", "velocity"),
    mistakes=(
        Mistake("seed_sign", "знак накопленного импульса: V = γ·V − η·g (как в исходном "
                             "ноутбуке) при w = w − V ведёт вверх по склону",
                lambda w, g, V, lr, gamma: (w - (gamma * V - lr * g), gamma * V - lr * g)),
        Mistake("old_velocity_step", "веса сдвинуты на старый импульс V, а не на новый",
                lambda w, g, V, lr, gamma: (w - V, gamma * V + lr * g)),
        Mistake("old_velocity_returned", "возвращён старый импульс V вместо нового",
                lambda w, g, V, lr, gamma: (w - (gamma * V + lr * g), V)),
        Mistake("lr_outside", "η умножает весь импульс: V = γ·V + g, w = w − η·V "
                              "(другая запись метода, но не та, что в задании)",
                lambda w, g, V, lr, gamma: (w - lr * (gamma * V + g), gamma * V + g)),
    ))
