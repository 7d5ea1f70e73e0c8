"""The whole grading pipeline on a temporary copy of the course, with exact scores:
generate -> submissions (perfect, blank, partly wrong) -> autograde -> feedback -> export."""

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import LESSONS, copy_course, fill_solutions, nbgrader_meta, read_nb, run_nbgrader
from course.lessons import notebook

pytestmark = pytest.mark.notebooks

# One known mistake per lesson: (exercise, wrong solution, text the feedback must show).
WRONG = {
    "01_sgd": ("sgd_update", "def sgd_update(w, grad, lr):\n    return w + lr * grad\n",
               "шаг сделан вдоль градиента"),
    "02_nesterov": ("nesterov_update",
                    "def nesterov_update(w, velocity, grad_fn, lr, gamma):\n"
                    "    velocity = gamma * velocity + lr * grad_fn(w)\n"
                    "    return w - velocity, velocity\n",
                    "градиент взят в текущей точке w, а не в точке «заглядывания»"),
    "03_adagrad": ("adagrad_update",
                   "def adagrad_update(w, grad, G, lr, eps):\n"
                   "    G = G + grad ** 2\n"
                   "    return w - lr * grad / (np.sqrt(G) + eps), G\n",
                   "ε стоит вне корня"),
    "04_adam": ("adam_update",
                "def adam_update(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
                "    m = beta1 * m + (1 - beta1) * grad\n"
                "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
                "    return w - lr * m / np.sqrt(v + eps), m, v\n",
                "нет коррекции смещения"),
}


def _auto_points(source_nb, failing=None):
    """Points of the autograded cells, leaving out the tests of exercise ``failing``."""
    total = 0
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            if failing is None or not meta["grade_id"].startswith(f"test_{failing}"):
                total += meta["points"]
    return total


@pytest.fixture(scope="module", params=LESSONS)
def graded(request, tmp_path_factory):
    """(course copy, source notebook, lesson): three submissions autograded and fed back."""
    lesson = request.param
    course = copy_course(tmp_path_factory.mktemp(lesson))
    assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    release = read_nb(course / "release" / lesson / f"{lesson}.ipynb")
    source = read_nb(notebook(lesson, "source"))
    perfect = fill_solutions(release, source)
    wrong = nbformat.from_dict(perfect)
    name, code, _ = WRONG[lesson]
    for cell in wrong.cells:
        if nbgrader_meta(cell).get("grade_id") == name:
            cell.source = code
    for student, nb in [("perfect", perfect), ("blank", release), ("wrong", wrong)]:
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
    for step in (["autograde", lesson, "--force"], ["generate_feedback", lesson, "--force"],
                 ["export"]):
        done = run_nbgrader(step, course)
        assert done.returncode == 0, done.stdout + done.stderr
    return course, source, lesson


def _scores(course, lesson):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(lesson, s).score for s in ("perfect", "blank", "wrong")}


def test_autograde_gives_exact_scores(graded):
    course, source, lesson = graded
    scores = _scores(course, lesson)
    assert scores == {"perfect": _auto_points(source), "blank": 0,
                      "wrong": _auto_points(source, failing=WRONG[lesson][0])}


def test_export_lists_the_same_scores(graded):
    course, _, lesson = graded
    with open(course / "grades.csv", encoding="utf-8") as f:
        rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)
                if r["assignment"] == lesson}
    assert rows == _scores(course, lesson)


def test_feedback_names_the_mistake_in_russian_and_hides_test_code(graded):
    course, _, lesson = graded
    html = (course / "feedback" / "wrong" / lesson / f"{lesson}.html").read_text("utf-8")
    assert WRONG[lesson][2] in html
    assert "course.grading" not in html and "HIDDEN TESTS" not in html
    perfect = (course / "feedback" / "perfect" / lesson / f"{lesson}.html").read_text("utf-8")
    assert "Скрытые проверки" in perfect and "course.grading" not in perfect
