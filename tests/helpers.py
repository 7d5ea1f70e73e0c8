"""Helpers shared by the tests (imported as ``helpers``; fixtures live in conftest.py)."""

import hashlib
import shutil

import nbformat
from nbformat.v4 import new_markdown_cell

from course.assign.solved import fill_solutions
from course.exercises import BY_CELL
from course.lessons import notebook
from course.nbmeta import grade_id, is_autograded, points


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def auto_points(nb, exclude=None):
    """Points of the autograded test cells of ``nb``, leaving out the checks of exercise
    ``exclude``."""
    return sum(points(c) for c in nb.cells if is_autograded(c)
               and not (exclude and getattr(BY_CELL.get(grade_id(c)), "name", None) == exclude))


def tree_hash(root):
    """A hash of the names and contents of every file under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def with_cell(nb, code, after_grade_id=None):
    """A copy of ``nb`` with a code cell ``code`` added (after a given cell, else at the end)."""
    nb = nbformat.from_dict(nb)
    index = len(nb.cells)
    for i, c in enumerate(nb.cells):
        if after_grade_id and grade_id(c) == after_grade_id:
            index = i + 1
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    return nb


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
        gid = grade_id(cell)
        if index <= 2 or gid in keep or (gid is None and cell.source.startswith("def sigmoid")):
            if gid in ("forward", "sgd_update", "question_condition_number"):
                cells.append(new_markdown_cell(f"### {title_above(solved.cells, index)}"))
            if gid == "sgd_update":
                cell.source = WRONG_SGD
            if gid == "question_condition_number":
                cell.source = next(c.source for c in release.cells if grade_id(c) == gid)
            cells.append(cell)
    solved.cells = cells
    return solved


def release_feedback(exchange_root, course_root, lesson, html):
    """What the instructor's ``nbgrader release_feedback`` does after grading the newest
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
