"""Двумерные функции для опытов с траекториями оптимизаторов.

Точка — массив формы (2,). У каждой поверхности есть значение ``f(p)``,
градиент ``grad(p)``, точка минимума, стандартный старт и область для графика.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Surface:
    """Функция двух переменных вместе со всем, что нужно для опыта и графика."""

    name: str
    f: Callable
    grad: Callable
    minimum: np.ndarray
    start: np.ndarray
    xlim: tuple
    ylim: tuple
    log_levels: bool = False


def _quadratic(name, A, start, xlim, ylim):
    A = np.asarray(A, dtype=float)
    return Surface(
        name=name,
        f=lambda p: 0.5 * np.einsum("i...,ij,j...->...", p, A, p),
        grad=lambda p: A @ p,
        minimum=np.zeros(2),
        start=np.asarray(start, dtype=float),
        xlim=xlim,
        ylim=ylim,
    )


def ravine(a=0.1, b=2.0):
    """Овраг f = a·x₁² + b·x₂², оси оврага совпадают с осями координат.

    Число обусловленности b/a (по умолчанию 20).
    """
    return _quadratic(f"овраг {a:g}·x₁² + {b:g}·x₂²", np.diag([2 * a, 2 * b]), [-9.0, 2.0],
                      (-10.0, 10.0), (-4.0, 4.0))


def rotated_ravine(a=0.1, b=2.0, degrees=45.0):
    """Тот же овраг, повёрнутый на ``degrees`` градусов: координаты перемешаны."""
    phi = np.deg2rad(degrees)
    R = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
    A = R @ np.diag([2 * a, 2 * b]) @ R.T
    return _quadratic(f"овраг, повёрнутый на {degrees:g}°", A, [-7.0, -5.0], (-9.0, 9.0),
                      (-7.0, 7.0))


def rosenbrock(a=1.0, b=100.0):
    """Функция Розенброка f = (a − x₁)² + b·(x₂ − x₁²)², минимум в (a, a²)."""

    def f(p):
        return (a - p[0]) ** 2 + b * (p[1] - p[0] ** 2) ** 2

    def grad(p):
        return np.array([
            -2 * (a - p[0]) - 4 * b * p[0] * (p[1] - p[0] ** 2),
            2 * b * (p[1] - p[0] ** 2),
        ])

    return Surface(
        name="функция Розенброка",
        f=f,
        grad=grad,
        minimum=np.array([a, a * a]),
        start=np.array([-1.5, 2.0]),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        log_levels=True,
    )
