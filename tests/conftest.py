"""Shared fixtures: the lessons, notebook helpers and temporary copies of the course."""

import hashlib
import shutil

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from course.build.assignment import copy_course  # noqa: F401 (re-exported for the tests)
from course.lessons import existing, notebook
from course.nbgrader_apps import run_nbgrader  # noqa: F401 (re-exported for the tests)

LESSONS = existing()


def pytest_configure(config):
    if not LESSONS:
        raise pytest.UsageError("no lesson notebooks under source/")


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell):
    """Whether ``cell`` is an autograded test cell (graded, not a solution)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade") and not meta.get("solution"))


def auto_points(nb, exclude=None):
    """Points of the autograded test cells of ``nb``, leaving out the tests of exercise
    ``exclude``."""
    return sum(nbgrader_meta(c)["points"] for c in nb.cells if is_test_cell(c)
               and not (exclude and nbgrader_meta(c)["grade_id"].startswith(f"test_{exclude}")))


def tree_hash(root):
    """A hash of the names and contents of every file under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def solution_cells(nb):
    """{grade_id: cell} of the cells students fill in (code and written answers)."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def fill_solutions(release_nb, source_nb):
    """A copy of a release notebook with the source's solutions and model answers put in
    place of the stubs."""
    filled = nbformat.from_dict(release_nb)
    answers = solution_cells(source_nb)
    for cell in filled.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in answers:
            cell.source = "\n".join(
                line for line in answers[gid].source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return filled


@pytest.fixture(params=LESSONS)
def lesson(request):
    return request.param


WRONG_SGD = "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"  # a step up the slope
# What «Проверить урок» says about ``three_line_lesson()``: (kind, title, status) per line.
THREE_LINES = [("exercise", "Упражнение 2. Прямой проход", "passed"),
               ("exercise", "Упражнение 4. Шаг градиентного спуска", "failed"),
               ("question", "Вопрос 1 (2 балла)", "missing")]


def three_line_lesson():
    """Lesson 1 cut down to its set-up, «Прямой проход» (solved right), «Шаг градиентного
    спуска» (solved wrong: ``WRONG_SGD``) and its first written question (not answered), each
    under the title the whole lesson gives it."""
    from course.panel.lesson import title_above

    release = read_nb(notebook("01_sgd", "release"))
    solved = fill_solutions(release, read_nb(notebook("01_sgd", "source")))
    keep = {"forward", "test_forward", "test_forward_hidden", "sgd_update", "test_sgd_update",
            "test_sgd_update_hidden", "question_condition_number"}
    cells = []
    for index, cell in enumerate(solved.cells):
        gid = nbgrader_meta(cell).get("grade_id")
        if index <= 2 or gid in keep or (gid is None and cell.source.startswith("def sigmoid")):
            if gid in ("forward", "sgd_update", "question_condition_number"):
                cells.append(new_markdown_cell(f"### {title_above(solved.cells, index)}"))
            if gid == "sgd_update":
                cell.source = WRONG_SGD
            if gid == "question_condition_number":
                cell.source = next(c.source for c in release.cells
                                   if nbgrader_meta(c).get("grade_id") == gid)
            cells.append(cell)
    solved.cells = cells
    return solved


def release_feedback(exchange_root, course_root, lesson, html):
    """What the instructor's ``nbgrader release_feedback`` does after grading the one
    submission in the exchange's inbound: its feedback page ``html`` goes to the exchange
    (nbgrader's own exchange code, as its command runs it)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config

    course_id = next(p.name for p in exchange_root.iterdir() if p.is_dir())
    submission = max((exchange_root / course_id / "inbound").iterdir(),
                     key=lambda p: (p / "timestamp.txt").read_text())
    student = submission.name.split("+")[0]
    feedback = course_root / "feedback" / student / lesson
    feedback.mkdir(parents=True, exist_ok=True)
    (feedback / f"{lesson}.html").write_text(html, "utf-8")
    for name in ("timestamp.txt", "submission_secret.txt"):
        shutil.copy(submission / name, feedback / name)
    config = Config()
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.assignment_id = lesson
    config.Exchange.root = str(exchange_root)
    ExchangeFactory(config=config).ReleaseFeedback(
        coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
        config=config).start()
