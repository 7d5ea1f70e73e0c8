"""Данные и начальные веса для сети из исходного ноутбука.

Столбцы — объекты: ``X`` имеет форму (n_features, m), ``y`` — (1, m).
Сеть: скрытый слой из ``k`` сигмоид, линейный выход; ``params`` — словарь
``W1`` (k, n), ``b1`` (k, 1), ``W2`` (1, k), ``b2`` (1, 1).
"""

import numpy as np


def make_regression(m=512, n_features=2, noise=0.05, seed=0):
    """Гладкая нелинейная зависимость с шумом.

    Возвращает ``(X, y)``: ``X`` формы (n_features, m) с признаками из [-2, 2],
    ``y`` формы (1, m): y = sin(x₁) + 0.5·x₂² − 0.5 (+ шум) при n_features = 2;
    остальные признаки, если есть, входят слабым линейным слагаемым.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n_features, m))
    y = np.sin(X[0]) - 0.5
    if n_features > 1:
        y = y + 0.5 * X[1] ** 2
    if n_features > 2:
        y = y + 0.1 * X[2:].sum(axis=0)
    y = y + noise * rng.standard_normal(m)
    return X, y.reshape(1, m)


def init_params(n_features, k=8, seed=0):
    """Случайные начальные веса сети с ``k`` нейронами скрытого слоя.

    Веса берутся из N(0, 1/n), где n — число входов слоя (инициализация ЛеКуна),
    смещения — нули. Возвращает словарь
    ``W1`` (k, n), ``b1`` (k, 1), ``W2`` (1, k), ``b2`` (1, 1).
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((k, n_features)) / np.sqrt(n_features),
        "b1": np.zeros((k, 1)),
        "W2": rng.standard_normal((1, k)) / np.sqrt(k),
        "b2": np.zeros((1, 1)),
    }


def make_sparse_regression(m=2000, n_features=50, rare_share=0.02, noise=0.01, seed=0):
    """Линейная задача с редкими признаками: y = w*ᵀx + шум.

    Первые 5 признаков есть почти у каждого объекта, остальные — у доли ``rare_share``
    объектов (иначе равны нулю). Возвращает ``(X, y, w_true)``: ``X`` формы
    (n_features, m), ``y`` формы (1, m), ``w_true`` формы (n_features, 1).
    """
    rng = np.random.default_rng(seed)
    present = rng.random((n_features, m)) < rare_share
    present[:5] = rng.random((5, m)) < 0.9
    X = np.where(present, rng.uniform(0.5, 1.5, size=(n_features, m)), 0.0)
    w_true = rng.uniform(-2.0, 2.0, size=(n_features, 1))
    y = w_true.T @ X + noise * rng.standard_normal((1, m))
    return X, y, w_true


def demo_network():
    """Маленький пример для видимых проверок урока 1: n = 2 признака, k = 3 нейрона, m = 4.

    Возвращает ``(params, X, y)``: веса W1 (3, 2), b1 (3, 1), W2 (1, 3), b2 (1, 1),
    объекты X (2, 4) и ответы y (1, 4). Каждый вызов создаёт новые массивы.
    """
    params = {
        "W1": np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 1.0]]),
        "b1": np.array([[0.1], [-0.2], [0.0]]),
        "W2": np.array([[1.0, -2.0, 0.5]]),
        "b2": np.array([[0.3]]),
    }
    X = np.array([[1.0, -1.0, 0.5, 2.0], [0.0, 2.0, -1.0, 1.0]])
    y = np.array([[1.0, 0.0, -1.0, 0.5]])
    return params, X, y
