"""Готовая сеть из урока 1 (для уроков 2–4): прямой проход, функция потерь и градиенты.

Столбцы — объекты: ``X`` (n, m), ``y`` (1, m). Веса — словарь ``W1`` (k, n), ``b1`` (k, 1),
``W2`` (1, k), ``b2`` (1, 1). Скрытый слой из k сигмоид, линейный выход,
L = (1/m)·Σ (ŷ − y)².
"""

import numpy as np


def _sigma(z):
    return 0.5 + 0.5 * np.tanh(z / 2.0)


def forward(params, X):
    """Возвращает (y_hat (1, m), hidden (k, m))."""
    hidden = _sigma(np.dot(params["W1"], X) + params["b1"])
    return np.dot(params["W2"], hidden) + params["b2"], hidden


def loss_and_grads(params, X, y):
    """Возвращает (L, grads): L — число, grads — словарь градиентов с формами весов."""
    out, hidden = forward(params, X)
    residual = out - y
    scale = 2.0 / residual.shape[1]
    back_out = scale * residual                                   # ∂L/∂ŷ, (1, m)
    back_hidden = np.dot(params["W2"].T, back_out) * hidden * (1.0 - hidden)   # (k, m)
    grads = dict(
        W2=np.dot(back_out, hidden.T),
        b2=np.sum(back_out, axis=1, keepdims=True),
        W1=np.dot(back_hidden, X.T),
        b1=np.sum(back_hidden, axis=1, keepdims=True),
    )
    return float(np.mean(np.square(residual))), grads
