"""python -m course autograde: bad submissions cost only what they break, nothing leaks
between students, and the scores are nbgrader's own."""

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import copy_course, fill_solutions, nbgrader_meta, read_nb, run_nbgrader
from course import report
from course.autograde import autograde
from course.lessons import notebook

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"


def _with_cell(nb, code, after_grade_id=None):
    """A copy of ``nb`` with a code cell ``code`` added (after a given cell, else at the end)."""
    nb = nbformat.from_dict(nb)
    cell = nbformat.v4.new_code_cell(code)
    index = len(nb.cells)
    for i, c in enumerate(nb.cells):
        if after_grade_id and nbgrader_meta(c).get("grade_id") == after_grade_id:
            index = i + 1
    nb.cells.insert(index, cell)
    return nb


def _replace(nb, grade_id, code):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            cell.source = code
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("course"))
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    perfect = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    submissions = {
        "perfect": perfect,
        "blank": release,
        "wrong": _replace(perfect, "sgd_update",
                          "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"),
        # a stray cell kills the kernel: it costs nothing else
        "killer": _with_cell(perfect, "import os\nos._exit(1)", after_grade_id="forward"),
        # sgd_update kills the kernel when called: only the cells that call it are lost
        "suicidal": _replace(perfect, "sgd_update",
                             "def sgd_update(w, grad, lr):\n    import os\n    os._exit(1)\n"),
        "hog": _with_cell(perfect, "hog = bytearray(64 * 2 ** 30)"),
        "vandal": _with_cell(perfect, "open('../../../../gradebook.db', 'w').write('x')"),
        "chatty": _with_cell(perfect, "print('x' * 10_000_000)"),
    }
    for student, nb in submissions.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    broken = course / "submitted" / "broken" / LESSON
    broken.mkdir(parents=True)
    (broken / f"{LESSON}.ipynb").write_text("{ это не JSON")
    outcomes = {o.student: o for o in autograde(course, LESSON, jobs=2, memory_gb=4)}
    return course, outcomes


def _score(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(LESSON, student).score


def _points(exclude=None):
    source = read_nb(notebook(LESSON, "source"))
    return sum(nbgrader_meta(c)["points"] for c in source.cells
               if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
               and not (exclude and nbgrader_meta(c)["grade_id"].startswith(f"test_{exclude}")))


def test_every_student_gets_exactly_the_points_earned(graded):
    course, _ = graded
    full = _points()
    assert {s: _score(course, s) for s in
            ["perfect", "blank", "hog", "vandal", "chatty", "broken", "killer", "suicidal"]} == {
        "perfect": full, "blank": 0, "hog": full, "vandal": full, "chatty": full,
        "broken": 0, "killer": full, "suicidal": _points(exclude="sgd_update")}


def test_a_kernel_death_is_reported_in_russian(graded):
    _, outcomes = graded
    assert any("ядро аварийно завершалось" in n for n in outcomes["killer"].notes)
    assert any("ядро аварийно завершалось" in n for n in outcomes["suicidal"].notes)
    assert any("повреждён" in n for n in outcomes["broken"].notes)


def test_the_class_report_lists_scores_mistakes_and_flags(graded, tmp_path):
    course, _ = graded
    data = report.write(course, tmp_path)
    assert data["grades"]["perfect"][LESSON] == _points()
    assert data["grades"]["wrong"][f"{LESSON}:sgd_update"] == 0
    assert data["mistakes"][(LESSON, "шаг сделан вдоль градиента (w + η·g), а не против него")] == 1
    assert ("vandal", LESSON) in data["flagged"] and ("perfect", LESSON) not in data["flagged"]
    rows = (tmp_path / "grades.csv").read_text("utf-8").splitlines()
    assert rows[0].startswith("студент,01_sgd,01_sgd:forward")
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_the_real_gradebook_is_out_of_the_students_reach(graded):
    course, _ = graded
    assert (course / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"
