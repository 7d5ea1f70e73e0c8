"""Общий стенд для всех уроков: одни и те же опыты для любого оптимизатора.

* ``flatten``, ``unflatten`` — словарь весов сети ↔ один вектор (так его видят оптимизаторы);
* ``run_2d`` — траектория оптимизатора на двумерной поверхности;
* ``train``, ``train_seeds`` — обучение сети мини-батчами (при одном или нескольких зёрнах),
  история функции потерь, времени и, если нужно, других измерений после каждой эпохи.
"""

import time

import numpy as np


def flatten(tree, like):
    """Словарь массивов → один вектор; порядок ключей — как в словаре ``like``."""
    return np.concatenate([np.ravel(tree[k]) for k in like])


def unflatten(vector, like):
    """Вектор → словарь массивов с ключами и формами словаря ``like``."""
    out, start = {}, 0
    for k in like:
        size = np.size(like[k])
        out[k] = vector[start:start + size].reshape(np.shape(like[k]))
        start += size
    return out


def run_2d(surface, optimizer, n_steps=100, start=None, max_norm=1e6):
    """Запускает ``optimizer`` на поверхности ``surface`` из точки ``start``.

    Возвращает массив формы (n_steps + 1, 2): точки траектории, начиная со старта.
    Если метод «улетел» (норма точки больше ``max_norm`` или не число), траектория
    обрывается на этом шаге.
    """
    w = np.array(surface.start if start is None else start, dtype=float)
    state = optimizer.init(w)
    path = [w]
    with np.errstate(all="ignore"):
        for t in range(1, n_steps + 1):
            w, state = optimizer.step(w, surface.grad, state, t)
            path.append(w)
            if not np.linalg.norm(w) < max_norm:
                break
    return np.array(path)


def train(loss_and_grads, params, X, y, optimizer, batches, epochs=20, seed=0, measure=None):
    """Обучает сеть мини-батчами и возвращает историю.

    loss_and_grads(params, X, y) -> (loss, grads) — функция потерь и её градиенты
    (годится любая модель: grads — словарь с теми же ключами, что params);
    params — начальные веса (словарь массивов, не изменяется);
    X — объекты-столбцы (n_features, m); y — ответы, объекты по последней оси ((1, m) или (m,));
    optimizer — из модуля ``optimizers``;
    batches(n_samples, rng) -> список массивов индексов — разбиение эпохи на мини-батчи;
    epochs — число эпох; seed — зерно генератора случайных чисел для перемешивания;
    measure — необязательная функция measure(params) -> словарь {имя: число}: что ещё
    измерить перед обучением и после каждой эпохи (например, точность на другой выборке).

    Возвращает словарь: ``params`` — обученные веса; ``loss`` — функция потерь на всей
    выборке перед обучением и после каждой эпохи (длина epochs + 1); ``seconds`` —
    время от начала обучения к тем же моментам (без времени измерений); по списку на каждое
    имя из ``measure``; ``diverged`` — True, если обучение разошлось (потери стали больше
    ``DIVERGED`` или перестали быть числом) и было остановлено досрочно.
    """
    with np.errstate(all="ignore"):  # a diverging run overflows; that is shown, not warned
        return _train(loss_and_grads, params, X, y, optimizer, batches, epochs, seed, measure)


DIVERGED = 1e6


def _train(loss_and_grads, params, X, y, optimizer, batches, epochs, seed, measure):
    rng = np.random.default_rng(seed)
    w = flatten(params, params)
    state = optimizer.init(w)

    def evaluate(w, history):
        current = unflatten(w, params)
        history["loss"].append(float(loss_and_grads(current, X, y)[0]))
        for name, value in (measure(current) if measure else {}).items():
            history.setdefault(name, []).append(value)

    history = {"loss": [], "seconds": [0.0]}
    evaluate(w, history)
    t, started, evaluating = 0, time.perf_counter(), 0.0
    for _ in range(epochs):
        for idx in batches(X.shape[1], rng):

            def grad_fn(point, Xb=X[:, idx], yb=y[..., idx]):
                return flatten(loss_and_grads(unflatten(point, params), Xb, yb)[1], params)

            t += 1
            w, state = optimizer.step(w, grad_fn, state, t)
        tick = time.perf_counter()
        evaluate(w, history)
        evaluating += time.perf_counter() - tick
        history["seconds"].append(time.perf_counter() - started - evaluating)
        if not history["loss"][-1] < DIVERGED:
            break
    history["params"] = unflatten(w, params)
    history["diverged"] = not history["loss"][-1] < DIVERGED
    return history


SEEDS = (0, 1, 2, 3, 4)


def train_seeds(loss_and_grads, make_params, X, y, optimizer, batches, epochs=20, seeds=SEEDS):
    """Тот же запуск ``train`` при нескольких зёрнах: выводы не должны держаться на одном.

    make_params(seed) -> начальные веса (словарь массивов); зерно задаёт и начальные веса,
    и порядок мини-батчей. Возвращает словарь массивов по зёрнам (строка — зерно):
    ``loss`` формы (len(seeds), epochs + 1) — после расхождения потери равны inf;
    ``seconds`` той же формы (после расхождения nan); ``diverged`` — флаги расхождения;
    ``params`` — список обученных весов.
    """
    losses = np.full((len(seeds), epochs + 1), np.inf)
    seconds = np.full((len(seeds), epochs + 1), np.nan)
    diverged, trained = np.zeros(len(seeds), dtype=bool), []
    for row, seed in enumerate(seeds):
        run = train(loss_and_grads, make_params(seed), X, y, optimizer, batches, epochs, seed)
        done = len(run["loss"])
        losses[row, :done] = run["loss"]
        seconds[row, :done] = run["seconds"]
        diverged[row] = run["diverged"]
        trained.append(run["params"])
    return {"loss": losses, "seconds": seconds, "diverged": diverged, "params": trained}
