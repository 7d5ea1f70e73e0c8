"""Графики: траектории на линиях уровня и кривые обучения. Все подписи — по-русски."""

import matplotlib.pyplot as plt
import numpy as np


def plot_paths(surface, paths, title=None, ax=None):
    """Рисует линии уровня ``surface`` и траектории методов.

    paths — словарь {название метода: массив точек формы (n, 2)}.
    Возвращает оси matplotlib.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    x1 = np.linspace(*surface.xlim, 300)
    x2 = np.linspace(*surface.ylim, 300)
    X1, X2 = np.meshgrid(x1, x2)
    Z = surface.f(np.stack([X1, X2]))
    if surface.log_levels:
        levels = np.logspace(-1, np.log10(Z.max()), 20)
    else:
        levels = np.linspace(0, np.sqrt(Z.max()), 25)[1:] ** 2  # evenly spaced ellipses
    ax.contour(X1, X2, Z, levels=levels, cmap="Greys", linewidths=0.7)
    ax.plot(*surface.minimum, marker="*", color="black", markersize=14, linestyle="none",
            label="минимум")
    for name, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2.5, linewidth=1.2,
                label=f"{name} ({len(path) - 1} шагов)")
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or surface.name)
    ax.legend(loc="best", fontsize=9)
    return ax


def plot_curves(curves, xlabel, ylabel, title, x=None, logy=True, logx=False, ax=None):
    """Рисует несколько кривых на одном графике.

    curves — словарь {подпись: значения}; x — общий массив абсцисс или словарь
    {подпись: абсциссы} (например, время в секундах для каждой кривой);
    по умолчанию абсциссы — номера 0, 1, 2, ... Кривая, ушедшая в бесконечность,
    обрывается крестиком, а к её подписи добавляется «расходится».
    logy, logx — логарифмическая шкала по осям (при logx точки с x ≤ 0 не рисуются).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        xs = x[label] if isinstance(x, dict) else x
        xs = np.arange(len(values)) if xs is None else np.asarray(xs, dtype=float)
        xs = xs[:len(values)]
        shown = np.isfinite(values) & (np.abs(values) < 1e6)
        diverged = not shown.all()
        if diverged:  # draw the run up to the blow-up and say so
            label = f"{label} — расходится"
            shown = np.arange(len(values)) < np.argmin(shown)
        if logx:
            shown &= xs > 0
        (line,) = ax.plot(xs[shown], values[shown], linewidth=1.6, label=label)
        if diverged and shown.any():
            ax.plot(xs[shown][-1], values[shown][-1], marker="x", markersize=10,
                    color=line.get_color())
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    return ax
