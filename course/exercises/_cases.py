"""Helpers for writing cases (see ``course.client.runner`` for what a case holds)."""

import numpy as np

PARAM_SHAPES = {"W1": lambda n, k: (k, n), "b1": lambda n, k: (k, 1),
                "W2": lambda n, k: (1, k), "b2": lambda n, k: (1, 1)}


def rng_for(name, seed=None):
    """A generator seeded by the exercise's name and ``seed`` (a submission's, see
    ``course.judge.submission_seed``): the same cases on every call with the same seed;
    without a seed, the course's fixed cases (nbval, the instructor's own runs)."""
    base = sum(map(ord, name)) * 7919
    return np.random.default_rng(base if seed is None else [base, seed])


def case(label, *args, **extra):
    """A case: Russian ``label`` shown when it fails, the arguments of the first call and
    ``extra`` keys (steps, feed, grads, grad_arg, t_arg, repeat)."""
    return {"label": label, "args": list(args), "steps": 1, **extra}


def params(rng, n, k, scale=1.0):
    """Random network weights for n inputs and k hidden neurons."""
    return {key: scale * rng.standard_normal(shape(n, k)) for key, shape in PARAM_SHAPES.items()}


def grad_fn(rng, n):
    """A counting grad_fn(p) = A @ p + b of a random well-conditioned quadratic."""
    Q = rng.standard_normal((n, n))
    return {"__grad_fn__": {"A": Q @ Q.T + n * np.eye(n), "b": rng.standard_normal(n)}}
