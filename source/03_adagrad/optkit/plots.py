"""Графики: траектории на линиях уровня и кривые обучения. Все подписи — по-русски."""

import matplotlib.pyplot as plt
import numpy as np

from .checks import plural


def _window(surface, paths, grow=3.0):
    """The plot limits: the surface's own window, widened to show every point of the paths
    that lies within ``grow`` window sizes of it (a run that flies off is cut at the edge)."""
    limits = []
    for axis, (low, high) in enumerate([surface.xlim, surface.ylim]):
        span = high - low
        points = np.concatenate([np.asarray(p, dtype=float)[:, axis] for p in paths.values()]
                                or [np.zeros(0)])
        points = points[np.isfinite(points) & (points > low - grow * span)
                        & (points < high + grow * span)]
        if points.size:
            margin = 0.05 * span
            low, high = min(low, points.min() - margin), max(high, points.max() + margin)
        limits.append((low, high))
    return limits


def plot_paths(surface, paths, title=None, ax=None):
    """Рисует линии уровня ``surface`` и траектории методов.

    paths — словарь {название метода: массив точек формы (n, 2)}. Область графика
    расширяется, чтобы были видны все шаги (кроме улетевших далеко). Кружок — последняя точка
    траектории, звёздочка — минимум. Подписи — под графиком, чтобы не закрывать траектории.
    Возвращает оси matplotlib.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5.5))
    xlim, ylim = _window(surface, paths)
    x1 = np.linspace(*xlim, 300)
    x2 = np.linspace(*ylim, 300)
    X1, X2 = np.meshgrid(x1, x2)
    Z = surface.f(np.stack([X1, X2]))
    if surface.log_levels:
        levels = np.logspace(-1, np.log10(Z.max()), 20)
    else:
        levels = np.linspace(0, np.sqrt(Z.max()), 25)[1:] ** 2  # evenly spaced ellipses
    # grey from light to dark, but never so light that the levels near the minimum vanish
    colors = plt.get_cmap("Greys")(np.linspace(0.35, 0.9, len(levels)))
    ax.contour(X1, X2, Z, levels=levels, colors=colors, linewidths=0.7)
    for name, path in paths.items():
        (line,) = ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2.5, linewidth=1.2,
                          label=f"{name} ({plural(len(path) - 1, 'шаг', 'шага', 'шагов')})")
        ax.plot(*path[-1], marker="o", markersize=7, markeredgecolor="black",
                color=line.get_color(), linestyle="none", label=f"_{name}")
    ax.plot(*surface.minimum, marker="*", color="black", markersize=15, linestyle="none",
            label="минимум", zorder=5)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title or surface.name)
    legend_below(ax)
    return ax


def legend_below(ax, title=None):
    """Подписи линий — под графиком, где они не закрывают данные (после ax.plot(..., label=...))."""
    labels = [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    ncol = 1 if max((len(label) for label in labels), default=0) > 32 else 2  # long: one column
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9, ncol=ncol,
              frameon=False, title=title, title_fontsize=9)


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
    legend_below(ax)
    return ax


def plot_bands(runs, xlabel, ylabel, title, x=None, logy=True, logx=False, ax=None):
    """Медиана по зёрнам и полоса от наименьшего до наибольшего значения.

    runs — словарь {подпись: массив формы (число зёрен, число точек)}, например
    ``harness.train_seeds(...)["loss"]``; inf или nan — запуск разошёлся. Линия — медиана по
    зёрнам; она обрывается крестиком там, где разошлась половина запусков или больше, а к
    подписи добавляется, у скольких зёрен обучение разошлось. x — общий массив абсцисс или
    словарь {подпись: абсциссы}; logx — логарифмическая шкала по x (точки с x ≤ 0 не видны).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    starts = []
    for label, values in runs.items():
        values = np.asarray(values, dtype=float)
        values = np.where(np.isfinite(values) & (np.abs(values) < 1e6), values, np.inf)
        n_seeds = values.shape[0]
        xs = x[label] if isinstance(x, dict) else x
        xs = np.arange(values.shape[1]) if xs is None else np.asarray(xs, dtype=float)
        median = np.median(values, axis=0)
        finite = np.isfinite(median)
        shown = finite & (xs > 0 if logx else True)
        failed = int(np.sum(~np.isfinite(values[:, -1])))
        if failed:
            label = f"{label} — расходится у {failed} из {n_seeds}"
        (line,) = ax.plot(xs[shown], median[shown], linewidth=1.8, label=label)
        low, high = np.min(values, axis=0), np.max(values, axis=0)
        band = shown & np.isfinite(low)
        ax.fill_between(xs[band], low[band], np.minimum(high[band], 1e12),
                        color=line.get_color(), alpha=0.2, linewidth=0)
        if not finite.all() and shown.any():
            ax.plot(xs[shown][-1], median[shown][-1], marker="x", markersize=10,
                    color=line.get_color())
        if shown.any():
            starts.append(median[shown][0])
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if logy and starts and ax.get_ylim()[1] > 10 * max(starts):
        # a run that blows up leaves the chart upwards instead of squashing the others
        ax.set_ylim(top=10 * max(starts))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    legend_below(ax, title=f"линия — медиана {n_seeds} зёрен, полоса — от мин. до макс.")
    return ax


def explore(draw, controls):
    """Интерактивный опыт: ползунки ``controls`` и график, который рисует ``draw``.

    draw(**значения) рисует один график по текущим значениям ползунков;
    controls — словарь {имя аргумента draw: элемент управления ipywidgets}. При каждом изменении
    ползунка график рисуется заново. Без браузера (например, при проверке ноутбука)
    график рисуется один раз при начальных значениях. Возвращает панель для показа.
    """
    import ipywidgets as widgets

    output = widgets.interactive_output(draw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values()),
                                      layout=widgets.Layout(flex_flow="row wrap")), output])


def explore_paths(methods, controls, surfaces, n_steps=100):
    """Траектории методов на выбранной поверхности при значениях ползунков.

    methods(**значения) -> словарь {название метода: оптимизатор} (ваши функции в обёртках
    ``optimizers``); controls — ползунки гиперпараметров {имя: элемент управления};
    surfaces — словарь {название: поверхность из ``surfaces``}, выбирается списком.
    Слева — траектории, справа — значение функции по шагам. Возвращает панель.
    """
    import ipywidgets as widgets

    from . import harness

    choice = widgets.Dropdown(options=list(surfaces), description="функция")
    steps = widgets.IntSlider(value=n_steps, min=10, max=1000, step=10, description="шагов")

    def draw(surface, n_steps, **values):
        surface = surfaces[surface]
        paths = {name: harness.run_2d(surface, opt, n_steps)
                 for name, opt in methods(**values).items()}
        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
        plot_paths(surface, paths, ax=left)
        plot_curves({name: [surface.f(p) for p in path] for name, path in paths.items()},
                    xlabel="шаг t", ylabel="f(x) (логарифмическая шкала)",
                    title="значение функции по шагам", ax=right)
        plt.show()

    return explore(draw, {"surface": choice, "n_steps": steps, **controls})
