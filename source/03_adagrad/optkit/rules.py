"""Правила обновления курса в одной таблице: как вызывать вашу функцию каждого метода.

Для каждого метода (ключ ``RULES``) записано: имя функции обновления и урок, в котором вы её
пишете; какое состояние метод хранит и каким оно бывает в начале; как сделать один шаг
t ≥ 1 вашей функцией; гиперпараметры со значениями по умолчанию; пробный вызов, по которому
видно, решено ли упражнение. Этой таблицей пользуются ``optimizers`` (обёртки для опытов),
``previous`` (загрузка ваших функций из предыдущих уроков) и ``capstone`` (итоговое задание).
Само правило обновления — всегда ваша функция.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Rule:
    """Один метод оптимизации.

    function — имя функции обновления (например, "momentum_update");
    lesson   — урок, в котором её пишут (например, "02_nesterov");
    init     — init(w) → начальное состояние метода для весов w;
    step     — step(update, w, grad_fn, state, t, lr, hyper) → (новые w, новое состояние):
               один шаг t ≥ 1 функцией ``update`` со скоростью обучения ``lr`` (число) и
               гиперпараметрами ``hyper`` (словарь);
    defaults — гиперпараметры метода (кроме lr) со значениями по умолчанию;
    probe    — аргументы пробного вызова функции обновления (незаполненная заготовка
               бросит NotImplementedError).
    """

    function: str
    lesson: str
    init: Callable
    step: Callable
    defaults: dict = field(default_factory=dict)
    probe: tuple = ()


def _zeros(w):
    return np.zeros_like(w)


def _two_moments(w):
    return np.zeros_like(w), np.zeros_like(w)


def _adam_step(update, w, grad_fn, state, t, lr, hyper):
    m, v = state
    extra = (hyper["weight_decay"],) if "weight_decay" in hyper else ()
    w, m, v = update(w, grad_fn(w), m, v, t, lr, hyper["beta1"], hyper["beta2"], hyper["eps"],
                     *extra)
    return w, (m, v)


_W, _G, _Z = np.ones(2), np.ones(2), np.zeros(2)
_ADAM = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

RULES = {
    "sgd": Rule(
        "sgd_update", "01_sgd", init=lambda w: None,
        step=lambda update, w, grad_fn, state, t, lr, hyper: (update(w, grad_fn(w), lr), None),
        probe=(_W, _G, 0.1)),
    "momentum": Rule(
        "momentum_update", "02_nesterov", init=_zeros,
        step=lambda update, w, grad_fn, V, t, lr, hyper: update(w, grad_fn(w), V, lr,
                                                                hyper["gamma"]),
        defaults={"gamma": 0.9}, probe=(_W, _G, _Z, 0.1, 0.9)),
    "nesterov": Rule(
        "nesterov_update", "02_nesterov", init=_zeros,
        step=lambda update, w, grad_fn, V, t, lr, hyper: update(w, V, grad_fn, lr,
                                                                hyper["gamma"]),
        defaults={"gamma": 0.9}, probe=(_W, _Z, lambda p: p, 0.1, 0.9)),
    "adagrad": Rule(
        "adagrad_update", "03_adagrad", init=_zeros,
        step=lambda update, w, grad_fn, G, t, lr, hyper: update(w, grad_fn(w), G, lr,
                                                                hyper["eps"]),
        defaults={"eps": 1e-8}, probe=(_W, _G, _Z, 0.1, 1e-8)),
    "rmsprop": Rule(
        "rmsprop_update", "03_adagrad", init=_zeros,
        step=lambda update, w, grad_fn, s, t, lr, hyper: update(w, grad_fn(w), s, lr,
                                                                hyper["rho"], hyper["eps"]),
        defaults={"rho": 0.9, "eps": 1e-8}, probe=(_W, _G, _Z, 0.1, 0.9, 1e-8)),
    "adam": Rule(
        "adam_update", "04_adam", init=_two_moments, step=_adam_step, defaults=dict(_ADAM),
        probe=(_W, _G, _Z, _Z, 1, 0.1, 0.9, 0.999, 1e-8)),
    "adamw": Rule(
        "adamw_update", "05_schedules", init=_two_moments, step=_adam_step,
        defaults={**_ADAM, "weight_decay": 0.01},
        probe=(_W, _G, _Z, _Z, 1, 0.1, 0.9, 0.999, 1e-8, 0.01)),
}

BY_FUNCTION = {rule.function: rule for rule in RULES.values()}
