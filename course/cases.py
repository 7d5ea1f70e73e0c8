"""Seeded cases for the hidden checks, one generator per exercise function.

A case is a dict:
    label  Russian description shown when the case fails;
    args   positional arguments of the first call;
    steps  number of calls; after each call ``feed`` moves outputs into arguments
           (``[out_index, arg_index]``, out_index None for a single returned value),
           ``grads`` (if present) replaces argument ``grad_arg`` before each call,
           ``t_arg`` (if present) is incremented before each later call;
    repeat number of identical, independent runs (minibatch determinism).
Special arguments: {"__rng__": seed} becomes ``np.random.default_rng(seed)``;
{"__grad_fn__": {"A": A, "b": b}} becomes a counting ``grad_fn(p) = A @ p + b``.
"""

import numpy as np

PARAM_SHAPES = lambda n, k: {"W1": (k, n), "b1": (k, 1), "W2": (1, k), "b2": (1, 1)}


def _rng(name):
    return np.random.default_rng(sum(map(ord, name)) * 7919)


def _case(label, *args, **extra):
    return {"label": label, "args": list(args), "steps": 1, **extra}


def _params(rng, n, k, scale=1.0):
    return {key: scale * rng.standard_normal(shape) for key, shape in PARAM_SHAPES(n, k).items()}


def minibatch_indices():
    cases = []
    for n, bs, seed in [(10, 3, 1), (10, 3, 2), (12, 4, 3), (7, 10, 4), (1, 1, 5), (100, 32, 6),
                        (100, 32, 7), (64, 1, 8)]:
        cases.append(_case(f"n_samples={n}, batch_size={bs}, rng с зерном {seed}",
                           n, bs, {"__rng__": seed}, repeat=2))
    return cases


def forward():
    rng = _rng("forward")
    X = rng.standard_normal((3, 5))
    return [
        _case("k=4, n=3, m=5, случайные веса", _params(rng, 3, 4), X),
        _case("один объект (m=1)", _params(rng, 2, 3), rng.standard_normal((2, 1))),
        _case("один нейрон (k=1)", _params(rng, 3, 1), X),
        _case("большие веса: сигмоида насыщается", _params(rng, 3, 4, scale=30.0), X),
        _case("float32", {k: v.astype(np.float32) for k, v in _params(rng, 3, 4).items()},
              X.astype(np.float32)),
    ]


def loss_and_grads():
    rng = _rng("loss_and_grads")
    out = []
    for label, n, k, m in [("k=4, n=3, m=6", 3, 4, 6), ("один объект (m=1)", 2, 3, 1),
                           ("один нейрон (k=1)", 3, 1, 8), ("k=8, n=2, m=50", 2, 8, 50)]:
        p = _params(rng, n, k)
        p["b2"] = p["b2"] + 1.5  # a non-zero output bias makes the seed's `2+` visible
        out.append(_case(label, p, rng.standard_normal((n, m)), rng.standard_normal((1, m))))
    p = _params(rng, 3, 4)
    X = rng.standard_normal((3, 6))
    yhat_like = p["W2"] @ (1 / (1 + np.exp(-(p["W1"] @ X + p["b1"])))) + p["b2"]
    out.append(_case("идеальные предсказания: потери и градиенты равны нулю", p, X, yhat_like))
    return out


def sgd_update():
    rng = _rng("sgd_update")
    g5 = rng.standard_normal((5, 3))
    return [
        _case("вектор из 5 чисел, lr=0.1", rng.standard_normal(5), rng.standard_normal(5), 0.1),
        _case("матрица 3×4, lr=0.01", rng.standard_normal((3, 4)), rng.standard_normal((3, 4)),
              0.01),
        _case("нулевой градиент: веса не меняются", rng.standard_normal(4), np.zeros(4), 0.5),
        _case("float32", rng.standard_normal(6).astype(np.float32),
              rng.standard_normal(6).astype(np.float32), 0.1),
        _case("5 шагов подряд: новые веса передаются в следующий шаг",
              rng.standard_normal(3), g5[0], 0.2, steps=5, grads=g5, grad_arg=1,
              feed=[[None, 0]]),
    ]


def momentum_update():
    rng = _rng("momentum_update")
    g = rng.standard_normal((6, 4))
    return [
        _case("ненулевой импульс V, γ=0.9, η=0.1", rng.standard_normal(4), g[0],
              rng.standard_normal(4), 0.1, 0.9),
        _case("нулевой градиент при ненулевом V: шаг делает только импульс",
              rng.standard_normal(4), np.zeros(4), rng.standard_normal(4), 0.1, 0.8),
        _case("матрица 2×3, γ=0.5, η=0.05", rng.standard_normal((2, 3)),
              rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.05, 0.5),
        _case("float32", rng.standard_normal(4).astype(np.float32), g[1].astype(np.float32),
              rng.standard_normal(4).astype(np.float32), 0.1, 0.9),
        _case("6 шагов подряд с нулевого V: w и V передаются в следующий шаг",
              rng.standard_normal(4), g[0], np.zeros(4), 0.1, 0.9, steps=6, grads=g,
              grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


def _grad_fn(rng, n):
    Q = rng.standard_normal((n, n))
    return {"__grad_fn__": {"A": Q @ Q.T + n * np.eye(n), "b": rng.standard_normal(n)}}


def nesterov_update():
    rng = _rng("nesterov_update")
    return [
        _case("ненулевой импульс V, γ=0.9, η=0.05", rng.standard_normal(3),
              rng.standard_normal(3), _grad_fn(rng, 3), 0.05, 0.9),
        _case("нулевой V: первый шаг совпадает с градиентным спуском", rng.standard_normal(3),
              np.zeros(3), _grad_fn(rng, 3), 0.1, 0.9),
        _case("γ=0.5, η=0.02", rng.standard_normal(4), rng.standard_normal(4),
              _grad_fn(rng, 4), 0.02, 0.5),
        _case("float32", rng.standard_normal(3).astype(np.float32),
              rng.standard_normal(3).astype(np.float32), _grad_fn(rng, 3), 0.05, 0.9),
        _case("6 шагов подряд: w и V передаются в следующий шаг", rng.standard_normal(3),
              np.zeros(3), _grad_fn(rng, 3), 0.05, 0.9, steps=6, feed=[[0, 0], [1, 1]]),
    ]


def adagrad_update():
    rng = _rng("adagrad_update")
    g = rng.standard_normal((5, 4))
    return [
        _case("ненулевое G, η=0.1, ε=1e-8", rng.standard_normal(4), g[0],
              rng.uniform(0.5, 2.0, 4), 0.1, 1e-8),
        _case("крошечный градиент (1e-6) при G=0: видно, где стоит ε", rng.standard_normal(4),
              1e-6 * g[1], np.zeros(4), 0.1, 1e-8),
        _case("нулевой градиент: веса не меняются", rng.standard_normal(4), np.zeros(4),
              rng.uniform(0.5, 2.0, 4), 0.1, 1e-8),
        _case("float32", rng.standard_normal(4).astype(np.float32), g[2].astype(np.float32),
              rng.uniform(0.5, 2.0, 4).astype(np.float32), 0.1, 1e-8),
        _case("5 шагов подряд с G=0: w и G передаются в следующий шаг",
              rng.standard_normal(4), g[0], np.zeros(4), 0.5, 1e-8, steps=5, grads=g,
              grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


def rmsprop_update():
    rng = _rng("rmsprop_update")
    g = rng.standard_normal((5, 4))
    return [
        _case("ненулевое s, ρ=0.9, η=0.01", rng.standard_normal(4), g[0],
              rng.uniform(0.5, 2.0, 4), 0.01, 0.9, 1e-8),
        _case("ρ=0.99: старое s весит сильнее", rng.standard_normal(4), g[1],
              rng.uniform(0.5, 2.0, 4), 0.01, 0.99, 1e-8),
        _case("крошечный градиент (1e-6) при s=0: видно, где стоит ε", rng.standard_normal(4),
              1e-6 * g[2], np.zeros(4), 0.01, 0.9, 1e-8),
        _case("float32", rng.standard_normal(4).astype(np.float32), g[3].astype(np.float32),
              rng.uniform(0.5, 2.0, 4).astype(np.float32), 0.01, 0.9, 1e-8),
        _case("5 шагов подряд с s=0: w и s передаются в следующий шаг",
              rng.standard_normal(4), g[0], np.zeros(4), 0.05, 0.9, 1e-8, steps=5, grads=g,
              grad_arg=1, feed=[[0, 0], [1, 2]]),
    ]


def adam_update():
    rng = _rng("adam_update")
    g = rng.standard_normal((6, 4))
    state = lambda: (0.1 * rng.standard_normal(4), rng.uniform(0.1, 1.0, 4))
    m3, v3 = state()
    m1000, v1000 = state()
    return [
        _case("первый шаг (t=1) с нулевых моментов", rng.standard_normal(4), g[0], np.zeros(4),
              np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8),
        _case("t=3, ненулевые M и V", rng.standard_normal(4), g[1], m3, v3, 3, 0.01, 0.9,
              0.999, 1e-8),
        _case("большое t=1000, ненулевые M и V", rng.standard_normal(4), g[2], m1000, v1000,
              1000, 0.001, 0.9, 0.999, 1e-8),
        _case("крошечный градиент (1e-6), t=1: видно, где стоит ε", rng.standard_normal(4),
              1e-6 * g[3], np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8),
        _case("β₁=0.8, β₂=0.95, t=2", rng.standard_normal((2, 2)), g[4].reshape(2, 2),
              m3.reshape(2, 2), v3.reshape(2, 2), 2, 0.05, 0.8, 0.95, 1e-8),
        _case("float32, t=2", rng.standard_normal(4).astype(np.float32),
              g[5].astype(np.float32), m3.astype(np.float32), v3.astype(np.float32), 2, 0.01,
              0.9, 0.999, 1e-8),
        _case("6 шагов подряд с t=1 и нулевых моментов: w, M, V и t передаются дальше",
              rng.standard_normal(4), g[0], np.zeros(4), np.zeros(4), 1, 0.05, 0.9, 0.999,
              1e-8, steps=6, grads=g, grad_arg=1, t_arg=4, feed=[[0, 0], [1, 2], [2, 3]]),
    ]


GENERATORS = {f.__name__: f for f in [
    minibatch_indices, forward, loss_and_grads, sgd_update, momentum_update, nesterov_update,
    adagrad_update, rmsprop_update, adam_update,
]}


def cases_for(name):
    """The list of cases for exercise ``name`` (same list on every call)."""
    return GENERATORS[name]()
