"""The path JupyterHub courses use, on one machine: nbgrader's exchange in a temporary folder.

The instructor releases a lesson; two students fetch it, work in their own home folders and
submit (one of them twice: the later submission counts); the instructor collects, grades
with ``python -m course autograde``, releases feedback, and each student fetches their own.
Each student has a home folder of their own, where nbgrader keeps its cache of their
submissions (and so finds the secret that names their feedback). On JupyterHub nbgrader
knows a student by the system user name; here both students run as the same user and are
named with nbgrader's ``--student`` option.
"""

import subprocess
import sys

import nbformat
import pytest
from helpers import auto_points, read_nb
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import notebook
from course.nbgrader_apps import environment, run_nbgrader
from course.nbmeta import marks

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"
COURSE_ID = "gd-optimizers"
WRONG_SGD = "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"


def _nbgrader(args, cwd, exchange, student=None):
    """``nbgrader *args`` in ``cwd`` with the temporary exchange; as ``student`` if given,
    with ``cwd`` as their home. Must succeed."""
    env = environment()
    if student:
        env["HOME"] = str(cwd)
        env.pop("JUPYTER_DATA_DIR", None)
        args = [*args, "--course", COURSE_ID, f"--student={student}"]
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
                           "--log-level=WARN"], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done


def _student_works(home, exchange, user, answers):
    """``user`` fetches the lesson into ``home`` and submits it once per item of ``answers``
    (None: the right answers; text: that sgd_update)."""
    home.mkdir()
    _nbgrader(["fetch_assignment", LESSON], home, exchange, user)
    path = home / LESSON / f"{LESSON}.ipynb"
    assert (home / LESSON / "optkit" / "checks.py").exists()
    solved = fill_solutions(read_nb(path), read_nb(notebook(LESSON, "source")))
    for sgd in answers:
        nb = nbformat.from_dict(solved)
        for cell in nb.cells:
            if sgd and marks(cell).get("grade_id") == "sgd_update":
                cell.source = sgd
        nbformat.write(nb, str(path))
        _nbgrader(["submit", LESSON], home, exchange, user)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """The whole cycle; (student homes, course folder, what autograde printed)."""
    root = tmp_path_factory.mktemp("hub")
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = root / "course"
    course.mkdir()
    copy_course(course)
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    _nbgrader(["release_assignment", LESSON], course, exchange)
    homes = {user: root / user for user in ("ivanov", "petrova")}
    _student_works(homes["ivanov"], exchange, "ivanov", [None])
    _student_works(homes["petrova"], exchange, "petrova", [None, WRONG_SGD])
    _nbgrader(["collect", LESSON], course, exchange)
    done = subprocess.run([sys.executable, "-m", "course", "autograde", LESSON, "--root",
                           str(course), "--jobs", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    feedback = subprocess.run([sys.executable, "-m", "course", "feedback", LESSON, "--root",
                               str(course)], capture_output=True, text=True)
    assert feedback.returncode == 0, feedback.stderr
    assert f"Урок {LESSON}: отзывы для 2 студентов" in feedback.stdout
    _nbgrader(["release_feedback", LESSON], course, exchange)
    for user, home in homes.items():
        _nbgrader(["fetch_feedback", LESSON], home, exchange, user)
    return homes, course, done.stdout


def _points(exclude=None):
    return auto_points(read_nb(notebook(LESSON, "source")), exclude)


def test_collect_takes_each_students_latest_submission(hub):
    _, course, _ = hub
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["ivanov", "petrova"]
    submitted = read_nb(course / "submitted" / "petrova" / LESSON / f"{LESSON}.ipynb")
    assert any(c.source == WRONG_SGD for c in submitted.cells)


def test_the_gradebook_has_both_students_exact_scores(hub):
    _, course, stdout = hub
    assert "Оценено работ: 2" in stdout
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(LESSON).submissions}
    assert scores == {"ivanov": _points(), "petrova": _points(exclude="sgd_update")}


def test_each_student_fetches_only_their_own_feedback_in_russian(hub):
    homes, _, _ = hub
    pages = {}
    for user, home in homes.items():
        found = list((home / LESSON / "feedback").glob(f"*/{LESSON}.html"))
        assert len(found) == 1, found
        pages[user] = found[0].read_text("utf-8")
    assert "Вероятная ошибка: шаг сделан вдоль градиента" in pages["petrova"]
    assert "Вероятная ошибка: шаг сделан вдоль градиента" not in pages["ivanov"]
