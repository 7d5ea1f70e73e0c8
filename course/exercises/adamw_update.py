"""adamw_update (lesson 05): Adam plus decoupled weight decay, w − η·λ·w − η·M̂/√(V̂ + ε)."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for
from course.exercises.adam_update import EXERCISE as ADAM
from course.exercises.adam_update import adam_variant


def _cases(seed=None):
    rng = rng_for("adamw_update", seed)
    g = rng.standard_normal((6, 4))
    m3, v3 = 0.1 * rng.standard_normal(4), rng.uniform(0.1, 1.0, 4)
    return [
        case("первый шаг (t=1) с нулевых моментов, λ = 0.1", rng.standard_normal(4), g[0],
             np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8, 0.1),
        case("λ = 0: ровно шаг Adam", rng.standard_normal(4), g[1], m3, v3, 3, 0.01, 0.9,
             0.999, 1e-8, 0.0),
        case("большие η = 0.5 и λ = 0.5: видно, к каким весам применено затухание",
             rng.standard_normal(4), g[2], m3, v3, 5, 0.5, 0.9, 0.999, 1e-8, 0.5),
        case("t=3, ненулевые M и V, λ = 0.2", rng.standard_normal(4), g[3], m3, v3, 3, 0.05,
             0.9, 0.999, 1e-8, 0.2),
        case("большое t=1000, λ = 0.01", rng.standard_normal((2, 2)), g[4].reshape(2, 2),
             m3.reshape(2, 2), v3.reshape(2, 2), 1000, 0.001, 0.9, 0.999, 1e-8, 0.01),
        case("крошечный градиент (1e-6), t=1: видно, где стоит ε", rng.standard_normal(4),
             1e-6 * g[5], np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8, 0.1),
        case("float32, t=2, λ = 0.1", rng.standard_normal(4).astype(np.float32),
             g[0].astype(np.float32), m3.astype(np.float32), v3.astype(np.float32), 2, 0.01,
             0.9, 0.999, 1e-8, 0.1),
        case("6 шагов подряд с t=1, η = 0.1, λ = 0.3: w, M, V и t передаются дальше",
             rng.standard_normal(4), g[0], np.zeros(4), np.zeros(4), 1, 0.1, 0.9, 0.999, 1e-8,
             0.3, steps=6, grads=g, grad_arg=1, t_arg=4, feed=[[0, 0], [1, 2], [2, 3]]),
    ]


def _decayed(decay, **adam):
    """AdamW whose decay is ``decay(w_before, w_after_adam, lr, wd)``; ``adam``: the faults
    of the Adam step (``adam_variant``)."""
    def wrong(w, g, m, v, t, lr, b1, b2, eps, wd):
        stepped, m2, v2 = adam_variant(w, g, m, v, t, lr, b1, b2, eps, **adam)
        return decay(w, stepped, lr, wd), m2, v2
    return wrong


def _l2(w, g, m, v, t, lr, b1, b2, eps, wd):
    return adam_variant(w, g + wd * w, m, v, t, lr, b1, b2, eps)


EXERCISE = Exercise(
    name="adamw_update", lesson="05_schedules", position=2, reference=reference.adamw_update,
    cases=_cases, outputs=("w", "m", "v"),
    mistakes=(
        Mistake("l2_in_gradient", "λ·w добавлено к градиенту (L2-регуляризация, как weight_decay "
                                  "в torch.optim.Adam), а не вычтено из весов отдельно: тогда "
                                  "затухание проходит через M и V и делится на √V̂",
                _l2),
        Mistake("decay_without_lr", "затухание не умножено на η: w − λ·w вместо w − η·λ·w",
                _decayed(lambda w, new, lr, wd: new - wd * w)),
        Mistake("decay_after_step", "затухание применено к уже обновлённым весам; его надо "
                                    "считать от весов до шага: w − η·λ·w − η·M̂/√(V̂ + ε)",
                _decayed(lambda w, new, lr, wd: new - lr * wd * new)),
        Mistake("decay_sign", "знак затухания перепутан: веса растут (w + η·λ·w)",
                _decayed(lambda w, new, lr, wd: new + lr * wd * w)),
        Mistake("no_bias_correction", next(m.text for m in ADAM.mistakes
                                           if m.key == "no_bias_correction"),
                _decayed(lambda w, new, lr, wd: new - lr * wd * w, correct=False)),
        Mistake("eps_outside", "ε стоит вне корня: η·M̂ / (√V̂ + ε), как в AdamW из PyTorch и "
                               "Keras; в этом курсе ε под корнем: η·M̂ / √(V̂ + ε)",
                _decayed(lambda w, new, lr, wd: new - lr * wd * w, eps_out=True)),
    ))
