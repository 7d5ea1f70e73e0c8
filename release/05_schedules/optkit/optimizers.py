"""Обёртки: из ваших функций обновления получаются оптимизаторы для общего стенда.

Оптимизатор знает только, какое состояние хранит метод и какие гиперпараметры
передать; само правило обновления — ваша функция. Веса — один вектор ``w``
(стенд сам «разворачивает» словарь весов сети в вектор и обратно).

Скорость обучения ``lr`` — число или функция номера шага ``t`` (t = 1, 2, ...),
например ``lambda t: 0.5 / (1 + 0.01 * t)`` для затухания.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Optimizer:
    """``init(w)`` создаёт состояние; ``step(w, grad_fn, state, t)`` делает шаг t ≥ 1.

    ``grad_fn(point)`` возвращает градиент функции потерь в точке той же формы, что ``w``.
    ``step`` возвращает пару ``(новые w, новое состояние)``.
    """

    name: str
    init: Callable
    step: Callable


def _rate(lr, t):
    return lr(t) if callable(lr) else lr


def sgd(sgd_update, lr, name="SGD"):
    """Градиентный спуск: ``sgd_update(w, grad, lr)``; состояния нет."""
    return Optimizer(
        name,
        init=lambda w: None,
        step=lambda w, grad_fn, state, t: (sgd_update(w, grad_fn(w), _rate(lr, t)), None),
    )


def momentum(momentum_update, lr, gamma, name="Импульс"):
    """Метод импульса: состояние — накопленный импульс V (нули в начале)."""
    return Optimizer(
        name,
        init=np.zeros_like,
        step=lambda w, grad_fn, V, t: momentum_update(w, grad_fn(w), V, _rate(lr, t), gamma),
    )


def nesterov(nesterov_update, lr, gamma, name="Нестеров"):
    """Метод Нестерова: функция обновления сама вызывает ``grad_fn`` в точке «заглядывания»."""
    return Optimizer(
        name,
        init=np.zeros_like,
        step=lambda w, grad_fn, V, t: nesterov_update(w, V, grad_fn, _rate(lr, t), gamma),
    )


def adagrad(adagrad_update, lr, eps=1e-8, name="AdaGrad"):
    """AdaGrad: состояние — сумма квадратов градиентов G (нули в начале)."""
    return Optimizer(
        name,
        init=np.zeros_like,
        step=lambda w, grad_fn, G, t: adagrad_update(w, grad_fn(w), G, _rate(lr, t), eps),
    )


def rmsprop(rmsprop_update, lr, rho=0.9, eps=1e-8, name="RMSProp"):
    """RMSProp: состояние — скользящее среднее квадратов градиентов s (нули в начале)."""
    return Optimizer(
        name,
        init=np.zeros_like,
        step=lambda w, grad_fn, s, t: rmsprop_update(w, grad_fn(w), s, _rate(lr, t), rho, eps),
    )


def adam(adam_update, lr, beta1=0.9, beta2=0.999, eps=1e-8, name="Adam"):
    """Adam: состояние — пара моментов (M, V) (нули в начале); t передаётся стендом."""

    def step(w, grad_fn, state, t):
        M, V = state
        w, M, V = adam_update(w, grad_fn(w), M, V, t, _rate(lr, t), beta1, beta2, eps)
        return w, (M, V)

    return Optimizer(name, init=lambda w: (np.zeros_like(w), np.zeros_like(w)), step=step)
