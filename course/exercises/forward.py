"""forward (lesson 01): the network's forward pass."""

import numpy as np

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, params, rng_for
from course.reference import sigmoid


def _cases(seed=None):
    rng = rng_for("forward", seed)
    X = rng.standard_normal((3, 5))
    return [
        case("k=4, n=3, m=5, случайные веса", params(rng, 3, 4), X),
        case("один объект (m=1)", params(rng, 2, 3), rng.standard_normal((2, 1))),
        case("один нейрон (k=1)", params(rng, 3, 1), X),
        case("большие веса: сигмоида насыщается", params(rng, 3, 4, scale=30.0), X),
        case("float32", {k: v.astype(np.float32) for k, v in params(rng, 3, 4).items()},
             X.astype(np.float32)),
    ]


def _variant(p, X, *, hidden_bias=True, out_bias=True, out_sigmoid=False):
    hidden = sigmoid(p["W1"] @ X + (p["b1"] if hidden_bias else 0))
    out = p["W2"] @ hidden + (p["b2"] if out_bias else 0)
    return (sigmoid(out) if out_sigmoid else out), hidden


EXERCISE = Exercise(
    name="forward", lesson="01_sgd", position=2, reference=reference.forward, cases=_cases,
    outputs=("y_hat", "hidden"),
    mistakes=(
        Mistake("no_hidden_bias", "забыто смещение b1 скрытого слоя",
                lambda p, X: _variant(p, X, hidden_bias=False)),
        Mistake("no_output_bias", "забыто смещение b2 выходного слоя",
                lambda p, X: _variant(p, X, out_bias=False)),
        Mistake("output_sigmoid", "к выходу применена сигмоида, а выход сети линейный",
                lambda p, X: _variant(p, X, out_sigmoid=True)),
    ))
