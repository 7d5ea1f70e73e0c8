"""One home per exercise on the judge's side: each module of this package defines
``EXERCISE``, an ``Exercise`` that holds everything the judge knows about one exercise
function: its lesson, the reference, the seeded cases of its hidden check, the known mistakes
and the names of its outputs. Adding an exercise is adding one module here, its reference
function (``course.reference``) and its cells in the lesson's source notebook (the solution,
the visible check, the hidden-check cell ``Exercise.cell``); an update rule that later
lessons reuse also gets its entry in the kit's table of update rules.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation: ``key`` names it in records and reports (never the
    Russian ``text``); ``func`` has the exercise's signature."""

    key: str
    text: str
    func: Callable


@dataclass(frozen=True)
class Exercise:
    """Everything about one exercise function.

    name       the function's name (also the grade_id of its solution cell);
    lesson     the lesson folder, e.g. "01_sgd"; ``position`` orders exercises within it;
    reference  the correct implementation (``course.reference``);
    cases      () -> list of case dicts (see ``course.client.runner``), the same on every call;
    outputs    names of the returned values, for messages ("w" or a tuple of names);
    mistakes   known wrong implementations, tried in order when a case fails;
    hint       optional (case, expected run, student run) -> (key, Russian text) or None,
               for mistakes recognised by a property rather than by a wrong implementation;
    labels     {key: Russian name} of the mistakes ``hint`` can return, for reports;
    verdict    optional (cases, runs per case, error_text) -> (failed case's label, Russian
               problem) or None, replacing the comparison with the reference (exercises
               graded on properties); ``error_text(error record)`` words a run's error;
    calls      for exercises given a ``grad_fn``: Russian words for how often and where it
               must be called, said when the count is wrong.
    """

    name: str
    lesson: str
    position: int
    reference: Callable
    cases: Callable[[], list]
    outputs: object = "w"
    mistakes: tuple = field(default=())
    hint: Optional[Callable] = None
    labels: dict = field(default_factory=dict)
    verdict: Optional[Callable] = None
    calls: str = ""

    @property
    def cell(self):
        """grade_id of the hidden-check cell whose points the judge decides."""
        return f"test_{self.name}_hidden"


def _discover():
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            exercise = importlib.import_module(f"{__name__}.{info.name}").EXERCISE
            found[exercise.name] = exercise
    return dict(sorted(found.items(), key=lambda kv: (kv[1].lesson, kv[1].position)))


ALL = _discover()
BY_CELL = {exercise.cell: exercise for exercise in ALL.values()}


def of_lesson(lesson):
    """The exercises of ``lesson``, in the order of the lesson."""
    return [exercise for exercise in ALL.values() if exercise.lesson == lesson]
