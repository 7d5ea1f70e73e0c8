"""loss_and_grads (lesson 01): the mean squared error and its exact gradients."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, params, rng_for
from course.reference import sigmoid


def _cases(seed=None):
    rng = rng_for("loss_and_grads", seed)
    out = []
    for label, n, k, m in [("k=4, n=3, m=6", 3, 4, 6), ("один объект (m=1)", 2, 3, 1),
                           ("один нейрон (k=1)", 3, 1, 8), ("k=8, n=2, m=50", 2, 8, 50)]:
        p = params(rng, n, k)
        p["b2"] = p["b2"] + 1.5  # a non-zero output bias makes the seed's `2+` visible
        out.append(case(label, p, rng.standard_normal((n, m)), rng.standard_normal((1, m))))
    p = params(rng, 3, 4)
    X = rng.standard_normal((3, 6))
    perfect = p["W2"] @ sigmoid(p["W1"] @ X + p["b1"]) + p["b2"]
    out.append(case("идеальные предсказания: потери и градиенты равны нулю", p, X, perfect))
    return out


def _net(p, X, y, *, b2=None, mean=True, sign=1.0, factor=2.0, sigmoid_derivative=True):
    """Gradients with one deliberate fault; ``b2``: f(sum of errors, m) for the bias."""
    hidden = sigmoid(p["W1"] @ X + p["b1"])
    err = p["W2"] @ hidden + p["b2"] - y
    m = X.shape[1]
    d_out = sign * factor * err / (m if mean else 1)
    d_hidden = p["W2"].T @ d_out
    if sigmoid_derivative:
        d_hidden = d_hidden * hidden * (1 - hidden)
    grad_b2 = d_out.sum(axis=1, keepdims=True) if b2 is None else np.reshape(b2(err.sum(), m),
                                                                             (1, 1))
    loss = float(np.mean(err ** 2)) if mean else float(np.sum(err ** 2))
    return loss, {"b2": grad_b2, "W2": d_out @ hidden.T,
                  "b1": d_hidden.sum(axis=1, keepdims=True), "W1": d_hidden @ X.T}


_SEED_B2 = "в градиенте по b2 стоит «2 +» вместо «2 ·», как в исходном ноутбуке"


def _hint(case_, expected, got):
    """A gradient that is exactly m times the right one: the sum, not the mean."""
    m = case_["args"][1].shape[1]
    try:
        right, mine = expected["outputs"][0][1], got["outputs"][0][1]
        if m == 1 or not isinstance(mine, dict):
            return None
        keys = [key for key in right if key in mine and np.any(right[key] != 0)
                and np.shape(mine[key]) == np.shape(right[key])
                and np.allclose(np.asarray(mine[key], dtype=float), m * right[key], rtol=1e-6)]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if not keys:
        return None
    names = ", ".join(f"grads['{key}']" for key in keys)
    return ("grad_not_mean", f"{names} ровно в m = {m} раз больше верного: нет деления на m "
                             "(взята сумма по объектам, а L — среднее)")


EXERCISE = Exercise(
    name="loss_and_grads", lesson="01_sgd", position=3, reference=reference.loss_and_grads,
    cases=_cases, outputs=("loss", "grads"), hint=_hint,
    labels={"grad_not_mean": "градиент в m раз больше верного: сумма вместо среднего"},
    mistakes=(
        # the seed's `2+` in the forms students write it (s: the sum of errors ŷ − y)
        *(Mistake("seed_b2_plus", _SEED_B2,
                  lambda p, X, y, b2=b2: _net(p, X, y, b2=b2))
          for b2 in (lambda s, m: (2 + s) / m, lambda s, m: 2 + s / m,
                     lambda s, m: (s - 2) / m, lambda s, m: 2 + 2 * s / m)),
        Mistake("sum_not_mean", "нет деления на m: и потери, и градиенты взяты как сумма, "
                                "а не среднее по объектам",
                lambda p, X, y: _net(p, X, y, mean=False)),
        Mistake("sign", "у градиентов обратный знак: в них стоит (y − ŷ) вместо (ŷ − y), "
                        "и шаг w − η·g пойдёт вверх по склону",
                lambda p, X, y: _net(p, X, y, sign=-1.0)),
        Mistake("no_sigmoid_derivative", "забыта производная сигмоиды: градиент по W1·X + b1 — "
                                         "это W2ᵀ·∂L/∂ŷ, умноженное поэлементно на H ⊙ (1 − H); "
                                         "grads['b2'] и grads['W2'] при этом верны",
                lambda p, X, y: _net(p, X, y, sigmoid_derivative=False)),
        Mistake("no_factor_2", "потерян множитель 2 из производной квадрата: (ŷ − y)² даёт "
                               "2·(ŷ − y)",
                lambda p, X, y: _net(p, X, y, factor=1.0)),
    ))
