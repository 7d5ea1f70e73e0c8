"""adagrad_update (lesson 03): G = G + g², w = w − η·g / √(G + ε)."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for


def _cases(seed=None):
    rng = rng_for("adagrad_update", seed)
    g = rng.standard_normal((5, 4))
    return [
        case("ненулевое G, η=0.1, ε=1e-8", rng.standard_normal(4), g[0],
             rng.uniform(0.5, 2.0, 4), 0.1, 1e-8),
        case("крошечный градиент (1e-6) при G=0: видно, где стоит ε", rng.standard_normal(4),
             1e-6 * g[1], np.zeros(4), 0.1, 1e-8),
        case("нулевой градиент: веса не меняются", rng.standard_normal(4), np.zeros(4),
             rng.uniform(0.5, 2.0, 4), 0.1, 1e-8),
        case("float32", rng.standard_normal(4).astype(np.float32), g[2].astype(np.float32),
             rng.uniform(0.5, 2.0, 4).astype(np.float32), 0.1, 1e-8),
        case("5 шагов подряд с G=0: w и G передаются в следующий шаг",
             rng.standard_normal(4), g[0], np.zeros(4), 0.5, 1e-8, steps=5, grads=g,
             grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


EXERCISE = Exercise(
    name="adagrad_update", lesson="03_adagrad", position=1, reference=reference.adagrad_update,
    cases=_cases, outputs=("w", "G"),
    mistakes=(
        Mistake("eps_outside", "ε стоит вне корня: η·g / (√G + ε), как в PyTorch; в этом курсе "
                               "(и в AdaGrad из Keras 3) ε под корнем: η·g / √(G + ε)",
                lambda w, g, G, lr, eps: (w - lr * g / (np.sqrt(G + g * g) + eps), G + g * g)),
        Mistake("old_accumulator", "шаг сделан со старым накопителем G, до прибавления g²",
                lambda w, g, G, lr, eps: (w - lr * g / np.sqrt(G + eps), G + g * g)),
        Mistake("g_not_squared", "в накопитель прибавлен градиент g, а не его квадрат g²: "
                                 "G — сумма квадратов, а с g вместо g² G бывает отрицательным, "
                                 "и корень из него даёт nan",
                lambda w, g, G, lr, eps: (w - lr * g / np.sqrt(G + g + eps), G + g)),
        Mistake("abs_not_square", "накапливается |g| вместо g²",
                lambda w, g, G, lr, eps: (w - lr * g / np.sqrt(G + np.abs(g) + eps),
                                          G + np.abs(g))),
        Mistake("moving_average", "накопитель как в RMSProp (скользящее среднее), а в AdaGrad — "
                                  "сумма всех g²",
                lambda w, g, G, lr, eps: (lambda G2: (w - lr * g / np.sqrt(G2 + eps), G2))(
                    0.9 * G + 0.1 * g * g)),
    ))
