"""Known wrong implementations, one list per exercise, for diagnosing a failed check.

Each entry is (Russian description of the mistake, function with the exercise's signature).
When a student's result matches one of them on the failed case, the message names it.
"""

import numpy as np


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _net_grads(params, X, y, *, bias2="2*", mean=True, sign=1.0, factor=2.0):
    hidden = _sig(params["W1"] @ X + params["b1"])
    err = params["W2"] @ hidden + params["b2"] - y
    m = X.shape[1] if mean else 1
    d_out = sign * factor * err / m
    d_hidden = (params["W2"].T @ d_out) * hidden * (1 - hidden)
    b2 = (2 + err.sum()) / m if bias2 == "2+" else d_out.sum(axis=1, keepdims=True)
    loss = float(np.mean(err ** 2)) if mean else float(np.sum(err ** 2))
    return loss, {"W1": d_hidden @ X.T, "b1": d_hidden.sum(axis=1, keepdims=True),
                  "W2": d_out @ hidden.T, "b2": np.reshape(b2, (1, 1))}


def _forward_variant(params, X, *, hidden_bias=True, out_bias=True, out_sigmoid=False):
    hidden = _sig(params["W1"] @ X + (params["b1"] if hidden_bias else 0))
    out = params["W2"] @ hidden + (params["b2"] if out_bias else 0)
    return (_sig(out) if out_sigmoid else out), hidden


MISTAKES = {
    "forward": [
        ("забыто смещение b1 скрытого слоя",
         lambda p, X: _forward_variant(p, X, hidden_bias=False)),
        ("забыто смещение b2 выходного слоя",
         lambda p, X: _forward_variant(p, X, out_bias=False)),
        ("к выходу применена сигмоида, а выход сети линейный",
         lambda p, X: _forward_variant(p, X, out_sigmoid=True)),
    ],
    "loss_and_grads": [
        ("в градиенте по b2 стоит «2+» вместо «2*», как в исходном ноутбуке",
         lambda p, X, y: _net_grads(p, X, y, bias2="2+")),
        ("нет деления на m: взята сумма, а не среднее по объектам",
         lambda p, X, y: _net_grads(p, X, y, mean=False)),
        ("у градиентов обратный знак: взято (y − ŷ) вместо (ŷ − y)",
         lambda p, X, y: _net_grads(p, X, y, sign=-1.0)),
        ("потерян множитель 2 из производной квадрата",
         lambda p, X, y: _net_grads(p, X, y, factor=1.0)),
    ],
    "sgd_update": [
        ("шаг сделан вдоль градиента (w + η·g), а не против него",
         lambda w, g, lr: w + lr * g),
    ],
    "momentum_update": [
        ("знак импульса: V = γ·V − η·g (как в исходном ноутбуке) при w = w − V",
         lambda w, g, V, lr, gamma: (w - (gamma * V - lr * g), gamma * V - lr * g)),
        ("веса сдвинуты на старый импульс V, а не на новый",
         lambda w, g, V, lr, gamma: (w - V, gamma * V + lr * g)),
        ("возвращён старый импульс V вместо нового",
         lambda w, g, V, lr, gamma: (w - (gamma * V + lr * g), V)),
        ("η умножает весь импульс: V = γ·V + g, w = w − η·V",
         lambda w, g, V, lr, gamma: (w - lr * (gamma * V + g), gamma * V + g)),
    ],
    "nesterov_update": [
        ("градиент взят в текущей точке w, а не в точке «заглядывания» w − γ·V "
         "(это обычный метод импульса)",
         lambda w, V, f, lr, gamma: (lambda V2: (w - V2, V2))(gamma * V + lr * f(w))),
        ("точка «заглядывания» взята как w + γ·V вместо w − γ·V",
         lambda w, V, f, lr, gamma: (lambda V2: (w - V2, V2))(gamma * V + lr * f(w + gamma * V))),
        ("знак, как в исходном ноутбуке: V = γ·V − η·∇L(w − γ·V) при w = w − V",
         lambda w, V, f, lr, gamma: (lambda V2: (w - V2, V2))(gamma * V - lr * f(w - gamma * V))),
    ],
    "adagrad_update": [
        ("ε стоит вне корня: η·g / (√G + ε), как в PyTorch и Keras; в этом курсе ε под корнем",
         lambda w, g, G, lr, eps: (w - lr * g / (np.sqrt(G + g * g) + eps), G + g * g)),
        ("шаг сделан со старым накопителем G, до прибавления g²",
         lambda w, g, G, lr, eps: (w - lr * g / np.sqrt(G + eps), G + g * g)),
        ("накапливается |g| вместо g²",
         lambda w, g, G, lr, eps: (w - lr * g / np.sqrt(G + np.abs(g) + eps), G + np.abs(g))),
        ("накопитель как в RMSProp (скользящее среднее), а в AdaGrad — сумма",
         lambda w, g, G, lr, eps: (lambda G2: (w - lr * g / np.sqrt(G2 + eps), G2))(
             0.9 * G + 0.1 * g * g)),
    ],
    "rmsprop_update": [
        ("ε стоит вне корня: η·g / (√s + ε), как в PyTorch и Keras; в этом курсе ε под корнем",
         lambda w, g, s, lr, rho, eps: (lambda s2: (w - lr * g / (np.sqrt(s2) + eps), s2))(
             rho * s + (1 - rho) * g * g)),
        ("ρ и 1 − ρ перепутаны: s = (1 − ρ)·s + ρ·g²",
         lambda w, g, s, lr, rho, eps: (lambda s2: (w - lr * g / np.sqrt(s2 + eps), s2))(
             (1 - rho) * s + rho * g * g)),
        ("накопитель как в AdaGrad: s = s + g² (сумма вместо скользящего среднего)",
         lambda w, g, s, lr, rho, eps: (w - lr * g / np.sqrt(s + g * g + eps), s + g * g)),
        ("шаг сделан со старым s, до обновления",
         lambda w, g, s, lr, rho, eps: (w - lr * g / np.sqrt(s + eps),
                                        rho * s + (1 - rho) * g * g)),
    ],
    "adam_update": [],
}


def _adam(w, g, m, v, t, lr, b1, b2, eps, *, correct=True, t_shift=0, eps_out=False,
          return_hat=False):
    m2 = b1 * m + (1 - b1) * g
    v2 = b2 * v + (1 - b2) * g * g
    tt = t + t_shift
    mh = m2 / (1 - b1 ** tt) if correct else m2
    vh = v2 / (1 - b2 ** tt) if correct else v2
    step = mh / (np.sqrt(vh) + eps) if eps_out else mh / np.sqrt(vh + eps)
    return (w - lr * step, mh, vh) if return_hat else (w - lr * step, m2, v2)


MISTAKES["adam_update"] = [
    ("нет коррекции смещения: M̂ = M/(1 − β₁ᵗ) и V̂ = V/(1 − β₂ᵗ) не вычислены",
     lambda *a: _adam(*a, correct=False)),
    ("t отсчитывается от 0 или увеличен лишний раз: в коррекции стоит t + 1 вместо t",
     lambda *a: _adam(*a, t_shift=1)),
    ("в коррекции стоит t − 1 вместо t",
     lambda *a: _adam(*a, t_shift=-1)),
    ("ε стоит вне корня: η·M̂ / (√V̂ + ε), как в PyTorch и Keras; в этом курсе ε под корнем",
     lambda *a: _adam(*a, eps_out=True)),
    ("β₁ и β₂ перепутаны",
     lambda w, g, m, v, t, lr, b1, b2, eps: _adam(w, g, m, v, t, lr, b2, b1, eps)),
    ("в состояние возвращены скорректированные моменты M̂ и V̂ вместо M и V",
     lambda *a: _adam(*a, return_hat=True)),
]
