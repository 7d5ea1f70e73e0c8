"""The lessons of the course and the helper files each one ships."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT = Path(__file__).resolve().parent / "student" / "optkit"

LESSONS = ("01_sgd", "02_nesterov", "03_adagrad", "04_adam", "05_schedules")

# Every lesson: the checks, plots and the optimizers with their table of update rules.
_COMMON = ("__init__.py", "checks.py", "plots.py", "rules.py", "optimizers.py", "harness.py")
# Lessons 1-4 run the seed's network on the 2-D surfaces and its data.
_SEED = ("data.py", "surfaces.py")

# A lesson ships only the kit modules it imports and what they import (tests/test_kit.py
# follows the imports; optkit/__init__'s module list says the same). A lesson's helpers never
# contain any lesson's answers: the network of lessons 2-4 (net.py) runs the student's own
# forward and loss_and_grads, loaded from lesson 1's notebook by previous.py.
KIT_FILES = {
    "01_sgd": _COMMON + _SEED,
    "02_nesterov": _COMMON + _SEED + ("net.py", "previous.py"),
    "03_adagrad": _COMMON + _SEED + ("net.py", "previous.py"),
    "04_adam": _COMMON + _SEED + ("net.py", "previous.py"),
    "05_schedules": _COMMON + ("previous.py", "digits.py", "digits.npz", "capstone.py"),
}


def exercises(lesson):
    """The exercise functions of a lesson, in order (``course.exercises`` is their home)."""
    from course.exercises import of_lesson  # imports numpy: only when asked

    return tuple(exercise.name for exercise in of_lesson(lesson))


def exercise_of(grade_id):
    """The exercise whose points the graded cell ``grade_id`` carries (``Exercise.cell``, the
    one owner of that id), or None."""
    from course.exercises import BY_CELL

    exercise = BY_CELL.get(grade_id)
    return exercise.name if exercise else None


def existing():
    """The lessons whose source notebook exists, in course order."""
    return [name for name in LESSONS if notebook(name, "source").exists()]


def notebook(lesson, where):
    """Path of a lesson's notebook under ``source`` or ``release``."""
    return ROOT / where / lesson / f"{lesson}.ipynb"
