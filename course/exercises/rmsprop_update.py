"""rmsprop_update (lesson 03): s = ρ·s + (1 − ρ)·g², w = w − η·g / √(s + ε)."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for


def _cases(seed=None):
    rng = rng_for("rmsprop_update", seed)
    g = rng.standard_normal((5, 4))
    return [
        case("ненулевое s, ρ=0.9, η=0.01", rng.standard_normal(4), g[0],
             rng.uniform(0.5, 2.0, 4), 0.01, 0.9, 1e-8),
        case("ρ=0.99: старое s весит сильнее", rng.standard_normal(4), g[1],
             rng.uniform(0.5, 2.0, 4), 0.01, 0.99, 1e-8),
        case("крошечный градиент (1e-6) при s=0: видно, где стоит ε", rng.standard_normal(4),
             1e-6 * g[2], np.zeros(4), 0.01, 0.9, 1e-8),
        case("float32", rng.standard_normal(4).astype(np.float32), g[3].astype(np.float32),
             rng.uniform(0.5, 2.0, 4).astype(np.float32), 0.01, 0.9, 1e-8),
        case("5 шагов подряд с s=0: w и s передаются в следующий шаг",
             rng.standard_normal(4), g[0], np.zeros(4), 0.05, 0.9, 1e-8, steps=5, grads=g,
             grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


def _rms(w, g, s, lr, rho, eps, *, new_s=None, denominator=None):
    s2 = rho * s + (1 - rho) * g * g if new_s is None else new_s(s, g, rho)
    return w - lr * g / (np.sqrt(s2 + eps) if denominator is None else denominator(s, s2, eps)), s2


EXERCISE = Exercise(
    name="rmsprop_update", lesson="03_adagrad", position=2, reference=reference.rmsprop_update,
    cases=_cases, outputs=("w", "s"),
    mistakes=(
        Mistake("eps_outside", "ε стоит вне корня: η·g / (√s + ε), как в PyTorch; в этом курсе "
                               "(и в RMSprop из Keras 3) ε под корнем: η·g / √(s + ε)",
                lambda w, g, s, lr, rho, eps: _rms(
                    w, g, s, lr, rho, eps, denominator=lambda s, s2, e: np.sqrt(s2) + e)),
        Mistake("rho_swapped", "ρ и 1 − ρ перепутаны: s = (1 − ρ)·s + ρ·g²",
                lambda w, g, s, lr, rho, eps: _rms(
                    w, g, s, lr, rho, eps, new_s=lambda s, g, r: (1 - r) * s + r * g * g)),
        Mistake("g_not_squared", "в s прибавлен градиент g, а не его квадрат: s = ρ·s + "
                                 "(1 − ρ)·g² — среднее квадратов, а с g вместо g² s бывает "
                                 "отрицательным, и корень из него даёт nan",
                lambda w, g, s, lr, rho, eps: _rms(
                    w, g, s, lr, rho, eps, new_s=lambda s, g, r: r * s + (1 - r) * g)),
        Mistake("sum_accumulator", "накопитель как в AdaGrad: s = s + g² (сумма вместо "
                                   "скользящего среднего)",
                lambda w, g, s, lr, rho, eps: _rms(
                    w, g, s, lr, rho, eps, new_s=lambda s, g, r: s + g * g)),
        Mistake("old_accumulator", "шаг сделан со старым s, до обновления",
                lambda w, g, s, lr, rho, eps: _rms(
                    w, g, s, lr, rho, eps, denominator=lambda s, s2, e: np.sqrt(s + e))),
    ))
