"""capstone_choice (lesson 05): the student's choice of method, hyperparameters and schedule
for the digits classifier. Graded by a rule, not by comparison: the judge trains the network
itself, outside the kernel, with the reference implementations of the chosen method on the
kit's training split and seeds, and the choice passes if the accuracy on the held-out test
split (``capstone_test.npz`` beside this module, made by scripts/make_digits.py and never
shipped: students tune on the validation split) reaches the threshold at every seed. The
kernel sends nothing but the plain dict the function returns."""

import functools
import json
from pathlib import Path

import numpy as np

from course import reference
from course.exercises import Exercise
from course.exercises._cases import case
from course.student.optkit import capstone, digits
from course.student.optkit.rules import RULES

HELD_OUT = Path(__file__).resolve().parent / "capstone_test.npz"

# Every function a choice may need: each method's update rule (the kit's table) and the schedule.
UPDATES = tuple(rule.function for rule in RULES.values()) + ("warmup_cosine_lr",)


def reference_functions():
    """{name: reference implementation} of every function a choice may need."""
    return {name: getattr(reference, name) for name in UPDATES}


def _cases(seed=None):
    return [case("ваш выбор для итогового задания: обучение с нуля эталонными реализациями "
                 f"при зёрнах {', '.join(map(str, capstone.SEEDS))} и точность на тестовой "
                 "выборке, которой нет в наборе курса")]


@functools.lru_cache(maxsize=1)
def held_out():
    """``(X, y)`` of the held-out test split, in the kit's layout (``digits.columns``)."""
    with np.load(HELD_OUT) as data:
        return digits.columns(data["pixels"], data["labels"])


def held_out_accuracies(choice):
    """Accuracies on the held-out test split after training by ``choice`` with the reference
    implementations, one per seed of capstone.SEEDS."""
    return capstone.final_accuracies(choice, reference_functions(), evaluate_on=held_out())


@functools.lru_cache(maxsize=256)
def _accuracies(canonical):
    """held_out_accuracies, cached per choice (a class often submits the same one)."""
    return tuple(held_out_accuracies(json.loads(canonical)))


def _percent(x):
    return f"{100 * x:.1f} %"


def _verdict(cases, runs_per_case, error_text):
    """(label of the case, Russian problem) or None when the threshold is reached."""
    label = cases[0]["label"]
    run = runs_per_case[0][0]
    if run["error"]:
        return label, error_text(run["error"])
    choice = run["outputs"][0] if run["outputs"] else None
    problem = capstone.check_choice(choice)
    if problem:
        return label, f"выбор записан неверно: {problem}"
    settings = capstone._settings(choice)
    accuracies = _accuracies(json.dumps(settings, sort_keys=True))
    if min(accuracies) < capstone.THRESHOLD:
        shown = ", ".join(f"зерно {seed}: {_percent(a)}"
                          for seed, a in zip(capstone.SEEDS, accuracies))
        return label, (f"точность на тестовой выборке после обучения ({shown}) не "
                       f"достигла порога {_percent(capstone.THRESHOLD)} при каждом зерне")
    return None


EXERCISE = Exercise(name="capstone_choice", lesson="05_schedules", position=3,
                    reference=reference.capstone_choice, cases=_cases, outputs="выбор",
                    verdict=_verdict)
