"""Runs one exercise function on one case and records what happens.

The same code drives the student's function inside the kernel and the reference and the
known mistakes inside the judge, so both sides thread state in exactly the same way.

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
A run record: {"outputs": [value per step], "calls": [grad_fn points per step or None],
"error": None or {"type", "message"}, "step": index of the failed step or None}.
"""

import warnings

import numpy as np


class _GradFn:
    """grad_fn(p) = A @ p + b that records every point it is called at."""

    def __init__(self, A, b):
        self.A, self.b, self.points = A, b, []

    def __call__(self, point):
        point = np.array(point, copy=True)
        self.points.append(point)
        return (self.A @ point + self.b).astype(np.result_type(point, np.float32), copy=False)


def _read_only(value):
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
        return value
    if isinstance(value, dict) and "__rng__" not in value and "__grad_fn__" not in value:
        return {k: _read_only(v) for k, v in value.items()}
    return value


def _materialize(arg):
    if isinstance(arg, dict) and "__rng__" in arg:
        return np.random.default_rng(arg["__rng__"])
    if isinstance(arg, dict) and "__grad_fn__" in arg:
        spec = arg["__grad_fn__"]
        return _GradFn(np.asarray(spec["A"]), np.asarray(spec["b"]))
    return _read_only(arg)


def _error(exc):
    return {"type": type(exc).__name__, "message": str(exc)[:500]}


def _one_run(func, case):
    args = list(case["args"])
    outputs, calls = [], []
    for step in range(case.get("steps", 1)):
        if "grads" in case:
            args[case["grad_arg"]] = case["grads"][step]
        if "t_arg" in case and step > 0:
            args[case["t_arg"]] = args[case["t_arg"]] + 1
        call_args = [_materialize(a) for a in args]
        dicts_before = [dict(a) if isinstance(a, dict) else None for a in call_args]
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                out = func(*call_args)
        except Exception as exc:  # the student's function may raise anything
            return {"outputs": outputs, "calls": calls, "error": _error(exc), "step": step}
        for a, before in zip(call_args, dicts_before):
            if before is not None and (a.keys() != before.keys()
                                       or any(a[k] is not before[k] for k in before)):
                return {"outputs": outputs, "calls": calls, "step": step,
                        "error": {"type": "MutatedDict", "message": ""}}
        grad_fns = [a for a in call_args if isinstance(a, _GradFn)]
        calls.append(grad_fns[0].points if grad_fns else None)
        outputs.append(out)
        for out_index, arg_index in case.get("feed", []):
            if out_index is None:
                args[arg_index] = out
            elif isinstance(out, (tuple, list)) and len(out) > out_index:
                args[arg_index] = out[out_index]
            else:
                break
    return {"outputs": outputs, "calls": calls, "error": None, "step": None}


def run_case(func, case):
    """Run ``case`` ``repeat`` times (default once); a list of run records."""
    return [_one_run(func, case) for _ in range(case.get("repeat", 1))]
