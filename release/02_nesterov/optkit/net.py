"""Сеть урока 1 на ваших функциях (уроки 2–4): прямой проход, функция потерь и градиенты.

Готовой сети здесь нет: ``forward`` и ``loss_and_grads`` — ваши функции из урока 1. При первом
вызове модуль загружает их из ноутбука урока 1, который лежит рядом (``../01_sgd/01_sgd.ipynb``),
так же, как ``previous`` загружает функции обновления. Пока урок 1 не решён или его ноутбука
нет рядом, вызов объясняет это по-русски.

Столбцы — объекты: ``X`` (n, m), ``y`` (1, m). Веса — словарь ``W1`` (k, n), ``b1`` (k, 1),
``W2`` (1, k), ``b2`` (1, 1). Скрытый слой из k сигмоид, линейный выход,
L = (1/m)·Σ (ŷ − y)².
"""

from . import previous
from .checks import fail

LESSON = "01_sgd"
_LOADED = {}


def _yours(name):
    """Your function ``name`` from lesson 1, loaded once."""
    if name not in _LOADED:
        func = previous.load(LESSON, name)
        if func is None:
            fail(f"Сеть урока 1 недоступна: для неё нужна ваша функция {name} из урока 1. "
                 f"Решите урок 1 и положите его папку {LESSON} рядом с папкой этого урока, "
                 "затем выполните ячейку заново.")
        _LOADED[name] = func
    return _LOADED[name]


def forward(params, X):
    """Ваша ``forward`` из урока 1: возвращает (y_hat (1, m), hidden (k, m))."""
    return _yours("forward")(params, X)


def loss_and_grads(params, X, y):
    """Ваша ``loss_and_grads`` из урока 1: возвращает (L, grads) — число и словарь
    градиентов с ключами и формами весов."""
    return _yours("loss_and_grads")(params, X, y)
