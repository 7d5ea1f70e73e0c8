"""The whole grading pipeline on a temporary copy of the course, with exact scores:
generate -> submissions (perfect, blank, partly wrong) -> autograde -> feedback -> export."""

import csv

import nbformat
import pytest
from helpers import auto_points, read_nb
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import existing, notebook
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import is_autograded, marks
from course.pipeline.scan import scan_notebook

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
    "05_schedules": ("adamw_update",
                     "def adamw_update(w, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):\n"
                     "    grad = grad + weight_decay * w\n"
                     "    m = beta1 * m + (1 - beta1) * grad\n"
                     "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
                     "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
                     "    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v\n",
                     "λ·w добавлено к градиенту"),
}


TAMPERING = ("import numpy\n"
             "numpy.allclose = numpy.array_equal = lambda *args, **kwargs: True\n"
             "numpy.testing.assert_allclose = lambda *args, **kwargs: None\n")


@pytest.fixture(scope="module", params=existing())
def graded(request, tmp_path_factory):
    """(course copy, source notebook, lesson): the submissions autograded and fed back.

    perfect — every solution; blank — the release as is; wrong — one known mistake;
    no_tests — perfect, but with every test cell deleted (nbgrader puts them back);
    tampered — the known mistake plus numpy's comparisons replaced to pass anything."""
    lesson = request.param
    course = copy_course(tmp_path_factory.mktemp(lesson))
    assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    release = read_nb(course / "release" / lesson / f"{lesson}.ipynb")
    source = read_nb(notebook(lesson, "source"))
    perfect = fill_solutions(release, source)
    wrong = nbformat.from_dict(perfect)
    name, code, _ = WRONG[lesson]
    for cell in wrong.cells:
        if marks(cell).get("grade_id") == name:
            cell.source = code
    no_tests = nbformat.from_dict(perfect)
    no_tests.cells = [c for c in no_tests.cells if not is_autograded(c)]
    tampered = nbformat.from_dict(wrong)
    for cell in tampered.cells:
        if marks(cell).get("grade_id") == name:
            cell.source = TAMPERING + cell.source
    submissions = [("perfect", perfect), ("blank", release), ("wrong", wrong),
                   ("no_tests", no_tests), ("tampered", tampered)]
    for student, nb in submissions:
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
    for step in (["autograde", lesson, "--force"], ["generate_feedback", lesson, "--force"],
                 ["export"]):
        done = run_nbgrader(step, course)
        assert done.returncode == 0, done.stdout + done.stderr
    return course, source, lesson


STUDENTS = ("perfect", "blank", "wrong", "no_tests", "tampered")


def _scores(course, lesson):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(lesson, s).score for s in STUDENTS}


def test_autograde_gives_exact_scores(graded):
    course, source, lesson = graded
    scores = _scores(course, lesson)
    full, wrong = auto_points(source), auto_points(source, exclude=WRONG[lesson][0])
    # Plain nbgrader runs the judge in the student's kernel: "tampered" (numpy's comparisons
    # replaced) may pass there, which is why python -m course autograde exists and the scan
    # flags it (below); tests/test_autograde.py holds the guarantees.
    del scores["tampered"]
    assert scores == {"perfect": full, "blank": 0, "wrong": wrong, "no_tests": full}


def test_the_scan_flags_the_tampered_submission_only(graded):
    course, _, lesson = graded
    flagged = {path.parent.parent.name: scan_notebook(path)
               for path in course.glob(f"submitted/*/{lesson}/*.ipynb")}
    assert flagged["tampered"] and "подменяет numpy.allclose" in flagged["tampered"]
    assert all(not found for student, found in flagged.items() if student != "tampered")


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
