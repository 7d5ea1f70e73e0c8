"""adam_update (lesson 04): moments, bias correction, w = w − η·M̂ / √(V̂ + ε), t from 1."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for


def _cases(seed=None):
    rng = rng_for("adam_update", seed)
    g = rng.standard_normal((6, 4))
    m3, v3 = 0.1 * rng.standard_normal(4), rng.uniform(0.1, 1.0, 4)
    m1000, v1000 = 0.1 * rng.standard_normal(4), rng.uniform(0.1, 1.0, 4)
    return [
        case("первый шаг (t=1) с нулевых моментов", rng.standard_normal(4), g[0], np.zeros(4),
             np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8),
        case("t=3, ненулевые M и V", rng.standard_normal(4), g[1], m3, v3, 3, 0.01, 0.9,
             0.999, 1e-8),
        case("большое t=1000, ненулевые M и V", rng.standard_normal(4), g[2], m1000, v1000,
             1000, 0.001, 0.9, 0.999, 1e-8),
        case("крошечный градиент (1e-6), t=1: видно, где стоит ε", rng.standard_normal(4),
             1e-6 * g[3], np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8),
        case("β₁=0.8, β₂=0.95, t=2", rng.standard_normal((2, 2)), g[4].reshape(2, 2),
             m3.reshape(2, 2), v3.reshape(2, 2), 2, 0.05, 0.8, 0.95, 1e-8),
        case("float32, t=2", rng.standard_normal(4).astype(np.float32),
             g[5].astype(np.float32), m3.astype(np.float32), v3.astype(np.float32), 2, 0.01,
             0.9, 0.999, 1e-8),
        case("6 шагов подряд с t=1 и нулевых моментов: w, M, V и t передаются дальше",
             rng.standard_normal(4), g[0], np.zeros(4), np.zeros(4), 1, 0.05, 0.9, 0.999,
             1e-8, steps=6, grads=g, grad_arg=1, t_arg=4, feed=[[0, 0], [1, 2], [2, 3]]),
    ]


def adam_variant(w, g, m, v, t, lr, b1, b2, eps, *, correct=True, t_shift=0, eps_out=False,
                 return_hat=False, square=True, v_correction_beta=None):
    """An Adam step with one of the known faults switched on (AdamW's mistakes use it too)."""
    m2 = b1 * m + (1 - b1) * g
    v2 = b2 * v + (1 - b2) * (g * g if square else g)
    tt = t + t_shift
    mh = m2 / (1 - b1 ** tt) if correct else m2
    b2_correction = b2 if v_correction_beta is None else v_correction_beta
    vh = v2 / (1 - b2_correction ** tt) if correct else v2
    step = mh / (np.sqrt(vh) + eps) if eps_out else mh / np.sqrt(vh + eps)
    return (w - lr * step, mh, vh) if return_hat else (w - lr * step, m2, v2)


EXERCISE = Exercise(
    name="adam_update", lesson="04_adam", position=1, reference=reference.adam_update,
    cases=_cases, outputs=("w", "m", "v"),
    mistakes=(
        Mistake("no_bias_correction", "нет коррекции смещения: M̂ = M/(1 − β₁ᵗ) и "
                                      "V̂ = V/(1 − β₂ᵗ) не вычислены",
                lambda *a: adam_variant(*a, correct=False)),
        Mistake("t_from_0", "t отсчитывается от 0 или увеличен лишний раз: в коррекции стоит "
                            "t + 1 вместо t",
                lambda *a: adam_variant(*a, t_shift=1)),
        Mistake("t_minus_1", "в коррекции стоит t − 1 вместо t",
                lambda *a: adam_variant(*a, t_shift=-1)),
        Mistake("eps_outside", "ε стоит вне корня: η·M̂ / (√V̂ + ε), как в PyTorch и в Adam из "
                               "Keras; в этом курсе ε под корнем: η·M̂ / √(V̂ + ε)",
                lambda *a: adam_variant(*a, eps_out=True)),
        Mistake("betas_swapped", "β₁ и β₂ перепутаны",
                lambda w, g, m, v, t, lr, b1, b2, eps: adam_variant(w, g, m, v, t, lr, b2, b1,
                                                                    eps)),
        Mistake("g_not_squared", "во второй момент прибавлен градиент g, а не его квадрат: "
                                 "V = β₂·V + (1 − β₂)·g² — среднее квадратов, а с g вместо g² V "
                                 "бывает отрицательным, и √V̂ даёт nan",
                lambda *a: adam_variant(*a, square=False)),
        Mistake("beta1_in_v_correction", "в коррекции V стоит β₁ вместо β₂: V̂ = V/(1 − β₂ᵗ)",
                lambda w, g, m, v, t, lr, b1, b2, eps: adam_variant(
                    w, g, m, v, t, lr, b1, b2, eps, v_correction_beta=b1)),
        Mistake("corrected_moments_returned", "в состояние возвращены скорректированные "
                                              "моменты M̂ и V̂, а нужно вернуть M и V без "
                                              "коррекции: иначе на следующем шаге коррекция "
                                              "применится к ним повторно",
                lambda *a: adam_variant(*a, return_hat=True)),
    ))
