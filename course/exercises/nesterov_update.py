"""nesterov_update (lesson 02): V = γ·V + η·∇L(w − γ·V), w = w − V; grad_fn called once."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, grad_fn, rng_for


def _cases():
    rng = rng_for("nesterov_update")
    return [
        case("ненулевой импульс V, γ=0.9, η=0.05", rng.standard_normal(3),
             rng.standard_normal(3), grad_fn(rng, 3), 0.05, 0.9),
        case("нулевой V: первый шаг совпадает с градиентным спуском", rng.standard_normal(3),
             np.zeros(3), grad_fn(rng, 3), 0.1, 0.9),
        case("γ=0.5, η=0.02", rng.standard_normal(4), rng.standard_normal(4),
             grad_fn(rng, 4), 0.02, 0.5),
        case("float32", rng.standard_normal(3).astype(np.float32),
             rng.standard_normal(3).astype(np.float32), grad_fn(rng, 3), 0.05, 0.9),
        case("6 шагов подряд: w и V передаются в следующий шаг", rng.standard_normal(3),
             np.zeros(3), grad_fn(rng, 3), 0.05, 0.9, steps=6, feed=[[0, 0], [1, 1]]),
    ]


def _step(w, V, f, lr, gamma, *, at, sign=1.0):
    V2 = gamma * V + sign * lr * f(at(w, V, gamma))
    return w - V2, V2


EXERCISE = Exercise(
    name="nesterov_update", lesson="02_nesterov", position=2,
    reference=reference.nesterov_update, cases=_cases, outputs=("w", "velocity"),
    calls="ровно один раз — в точке «заглядывания» w − γ·V",
    mistakes=(
        Mistake("gradient_at_w", "градиент взят в текущей точке w, а не в точке «заглядывания» "
                                 "w − γ·V (это обычный метод импульса)",
                lambda w, V, f, lr, gamma: _step(w, V, f, lr, gamma, at=lambda w, V, g: w)),
        Mistake("lookahead_plus", "точка «заглядывания» взята как w + γ·V вместо w − γ·V",
                lambda w, V, f, lr, gamma: _step(w, V, f, lr, gamma,
                                                 at=lambda w, V, g: w + g * V)),
        Mistake("seed_sign", "знак, как в исходном ноутбуке: V = γ·V − η·∇L(w − γ·V) при "
                             "w = w − V",
                lambda w, V, f, lr, gamma: _step(w, V, f, lr, gamma,
                                                 at=lambda w, V, g: w - g * V, sign=-1.0)),
    ))
