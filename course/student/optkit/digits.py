"""Рукописные цифры 8×8 и готовый классификатор для итогового задания урока 5.

Данные: 1797 изображений 8×8 (яркость пикселя — целое от 0 до 16), 10 классов (цифры 0–9).
Это тестовая часть набора UCI «Optical Recognition of Handwritten Digits» (E. Alpaydin,
C. Kaynak, 1998) в копии, которая входит в scikit-learn; набор распространяется по лицензии
Creative Commons Attribution 4.0 (CC BY 4.0). Файл ``digits.npz`` лежит рядом с этим модулем:
в нём 1397 изображений, разбитых на обучающую (1097) и валидационную (300) выборки. Ещё 400
изображений — тестовая выборка, по которой оценивают итоговое задание; её нет в наборе курса.

Столбцы — объекты: ``X`` формы (64, m) с яркостями, поделёнными на 16 (от 0 до 1);
``y`` формы (m,) — метки классов 0–9.

Сеть: скрытый слой из ``k`` сигмоид, выходной слой из 10 чисел (оценок классов), softmax и
перекрёстная энтропия. Веса — словарь ``W1`` (k, 64), ``b1`` (k, 1), ``W2`` (10, k),
``b2`` (10, 1). Градиенты вычислены обратным распространением ошибки и проверены численно.
"""

from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "digits.npz"
N_CLASSES = 10


def columns(pixels, labels):
    """Изображения (m, 64) с яркостями 0–16 и метки (m,) → ``(X, y)``: X формы (64, m) с
    яркостями от 0 до 1, y формы (m,) с целыми метками."""
    return np.asarray(pixels).T.astype(float) / 16.0, np.asarray(labels).astype(np.int64)


def load():
    """Возвращает ``(X_train, y_train, X_val, y_val)``: X формы (64, m), y формы (m,)."""
    with np.load(DATA) as data:
        X, y = columns(data["pixels"], data["labels"])
        train, val = data["train_index"].astype(np.int64), data["validation_index"].astype(np.int64)
    return X[:, train], y[train], X[:, val], y[val]


def images():
    """Изображения набора курса формы (1397, 8, 8) с яркостями 0–16 и их метки (1397,)."""
    with np.load(DATA) as data:
        return data["pixels"].reshape(-1, 8, 8), data["labels"].astype(np.int64)


def init_params(seed, k=32, n_features=64):
    """Случайные начальные веса: W из N(0, 1/n), где n — число входов слоя; смещения — нули."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((k, n_features)) / np.sqrt(n_features),
        "b1": np.zeros((k, 1)),
        "W2": rng.standard_normal((N_CLASSES, k)) / np.sqrt(k),
        "b2": np.zeros((N_CLASSES, 1)),
    }


def _sigma(z):
    return 0.5 + 0.5 * np.tanh(z / 2.0)


def _hidden(params, X):
    """Выходы скрытого слоя (k, m)."""
    return _sigma(params["W1"] @ X + params["b1"])


def scores(params, X):
    """Оценки классов (10, m) для объектов-столбцов X (64, m)."""
    return params["W2"] @ _hidden(params, X) + params["b2"]


def probabilities(scores):
    """Softmax по столбцам: вероятности классов (10, m)."""
    shifted = scores - scores.max(axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=0, keepdims=True)


def loss_and_grads(params, X, y):
    """Перекрёстная энтропия L = −(1/m)·Σ log p(yᵢ | xᵢ) и её градиенты.

    Возвращает ``(L, grads)``: L — число, grads — словарь с ключами и формами весов.
    """
    hidden = _hidden(params, X)
    m = X.shape[1]
    p = probabilities(params["W2"] @ hidden + params["b2"])
    columns = np.arange(m)
    cross_entropy = float(-np.mean(np.log(np.maximum(p[y, columns], 1e-300))))
    d_scores = p
    d_scores[y, columns] -= 1.0
    d_scores /= m                                                   # ∂L/∂scores, (10, m)
    d_pre = (params["W2"].T @ d_scores) * hidden * (1.0 - hidden)   # (k, m)
    grads = {
        "W1": d_pre @ X.T,
        "b1": d_pre.sum(axis=1, keepdims=True),
        "W2": d_scores @ hidden.T,
        "b2": d_scores.sum(axis=1, keepdims=True),
    }
    return cross_entropy, grads


def accuracy(params, X, y):
    """Доля объектов, у которых класс с наибольшей оценкой совпал с меткой."""
    return float(np.mean(np.argmax(scores(params, X), axis=0) == y))
