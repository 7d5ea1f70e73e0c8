"""Обёртки: из ваших функций обновления получаются оптимизаторы для общего стенда.

Оптимизатор знает только, какое состояние хранит метод и какие гиперпараметры
передать (это записано в таблице ``rules``); само правило обновления — ваша функция.
Веса — один вектор ``w`` (стенд сам «разворачивает» словарь весов сети в вектор и обратно).

Скорость обучения ``lr`` — число или функция номера шага ``t`` (t = 1, 2, ...),
например ``lambda t: 0.5 / (1 + 0.01 * t)`` — расписание 1/t.
"""

from dataclasses import dataclass
from typing import Callable

from .rules import RULES


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


def from_rule(method, update, lr, name, **hyper):
    """Оптимизатор метода ``method`` (ключ ``rules.RULES``) с вашей функцией ``update``.

    lr — число или функция номера шага; hyper — гиперпараметры метода (недостающие берутся
    по умолчанию из таблицы правил).
    """
    rule = RULES[method]
    hyper = {**rule.defaults, **hyper}
    return Optimizer(
        name,
        init=rule.init,
        step=lambda w, grad_fn, state, t: rule.step(update, w, grad_fn, state, t,
                                                    _rate(lr, t), hyper),
    )


def sgd(sgd_update, lr, name="SGD"):
    """Градиентный спуск: ``sgd_update(w, grad, lr)``; состояния нет."""
    return from_rule("sgd", sgd_update, lr, name)


def momentum(momentum_update, lr, gamma, name="Импульс"):
    """Метод импульса: состояние — накопленный импульс V (нули в начале)."""
    return from_rule("momentum", momentum_update, lr, name, gamma=gamma)


def nesterov(nesterov_update, lr, gamma, name="Нестеров"):
    """Метод Нестерова: функция обновления сама вызывает ``grad_fn`` в точке «заглядывания»."""
    return from_rule("nesterov", nesterov_update, lr, name, gamma=gamma)


def adagrad(adagrad_update, lr, eps=1e-8, name="AdaGrad"):
    """AdaGrad: состояние — сумма квадратов градиентов G (нули в начале)."""
    return from_rule("adagrad", adagrad_update, lr, name, eps=eps)


def rmsprop(rmsprop_update, lr, rho=0.9, eps=1e-8, name="RMSProp"):
    """RMSProp: состояние — скользящее среднее квадратов градиентов s (нули в начале)."""
    return from_rule("rmsprop", rmsprop_update, lr, name, rho=rho, eps=eps)


def adam(adam_update, lr, beta1=0.9, beta2=0.999, eps=1e-8, name="Adam"):
    """Adam: состояние — пара моментов (M, V) (нули в начале); t передаётся стендом."""
    return from_rule("adam", adam_update, lr, name, beta1=beta1, beta2=beta2, eps=eps)


def adamw(adamw_update, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, name="AdamW"):
    """AdamW: как Adam, плюс коэффициент затухания весов λ (``weight_decay``)."""
    return from_rule("adamw", adamw_update, lr, name, beta1=beta1, beta2=beta2, eps=eps,
                     weight_decay=weight_decay)
