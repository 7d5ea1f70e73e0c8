"""The lessons of the course and the helper files each one ships."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT = Path(__file__).resolve().parent / "student" / "optkit"

LESSONS = ("01_sgd", "02_nesterov", "03_adagrad", "04_adam", "05_schedules")

_COMMON = ("__init__.py", "checks.py", "data.py", "surfaces.py", "optimizers.py", "harness.py",
           "plots.py", "previous.py")

# A lesson's helpers never contain that lesson's answers: the ready network (net.py) holds
# the answers of lesson 1, so lesson 1 does not get it.
KIT_FILES = {
    "01_sgd": _COMMON,
    "02_nesterov": _COMMON + ("net.py",),
    "03_adagrad": _COMMON + ("net.py",),
    "04_adam": _COMMON + ("net.py",),
    "05_schedules": _COMMON + ("net.py", "digits.py", "digits.npz", "capstone.py"),
}


def exercises(lesson):
    """The exercise functions of a lesson, in order (``course.exercises`` is their home)."""
    from course.exercises import of_lesson  # imports numpy: only when asked

    return tuple(exercise.name for exercise in of_lesson(lesson))


def exercise_of(grade_id, lesson):
    """The exercise of ``lesson`` that the test cell ``grade_id`` checks (its id starts with
    ``test_<exercise>``), or None."""
    for name in exercises(lesson):
        if grade_id.startswith(f"test_{name}"):
            return name
    return None


def existing():
    """The lessons whose source notebook exists, in course order."""
    return [name for name in LESSONS if notebook(name, "source").exists()]


def notebook(lesson, where):
    """Path of a lesson's notebook under ``source`` or ``release``."""
    return ROOT / where / lesson / f"{lesson}.ipynb"
