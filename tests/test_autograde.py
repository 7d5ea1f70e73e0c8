"""python -m course autograde: bad submissions cost only what they break, nothing leaks
between students, and the scores are nbgrader's own.

One batch grades a submission of every kind the issue names; each test then checks one
promise about it. Student code in this batch that attacks files runs only if the sandbox
(bubblewrap) is there; under CI the sandbox is required.
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import (auto_points, copy_course, fill_solutions, is_test_cell, nbgrader_meta,
                      read_nb, run_nbgrader, tree_hash)
from course import notes, report, sandbox
from course.autograde import CannotGrade, autograde
from course.execute import MAX_RESTARTS
from course.lessons import notebook

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"
CELL_TIMEOUT = 20
WRONG_SGD = "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"
# A fake course package beside the notebook: every check passes, whatever the answer.
FAKE_GRADING = "def check(name, func):\n    print(name, 'верно')\n"


def _in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _with_cell(nb, code, after_grade_id=None):
    """A copy of ``nb`` with a code cell ``code`` added (after a given cell, else at the end)."""
    nb = nbformat.from_dict(nb)
    index = len(nb.cells)
    for i, c in enumerate(nb.cells):
        if after_grade_id and nbgrader_meta(c).get("grade_id") == after_grade_id:
            index = i + 1
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    return nb


def _replace(nb, grade_id_prefix, code):
    """A copy of ``nb`` whose cells with grade ids starting with the prefix hold ``code``."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id", "").startswith(grade_id_prefix):
            cell.source = code
    return nb


def _tests_moved_to_the_end(nb):
    nb = nbformat.from_dict(nb)
    tests = [c for c in nb.cells if is_test_cell(c)]
    nb.cells = [c for c in nb.cells if not is_test_cell(c)] + tests[::-1]
    return nb


def _points(exclude=None):
    return auto_points(read_nb(notebook(LESSON, "source")), exclude)


def _berserk(perfect):
    """``perfect`` with MAX_RESTARTS + 1 cells killing the kernel after the sgd_update answer."""
    nb = perfect
    for _ in range(MAX_RESTARTS + 1):
        nb = _with_cell(nb, "import os\nos._exit(1)", after_grade_id="sgd_update")
    return nb


def _points_before(nb, grade_id):
    """Points of the test cells of ``nb`` that come before the cell ``grade_id``."""
    points = 0
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return points
        if is_test_cell(cell):
            points += nbgrader_meta(cell)["points"]
    raise AssertionError(f"no cell {grade_id}")


def _submissions(course, release, perfect):
    other = read_nb(course / "release" / "02_nesterov" / "02_nesterov.ipynb")
    submissions = {
        "perfect": perfect,
        "blank": release,
        "wrong": _replace(perfect, "sgd_update", WRONG_SGD),
        # a stray cell kills the kernel: it costs nothing else
        "killer": _with_cell(perfect, "import os\nos._exit(1)", after_grade_id="forward"),
        "segfault": _with_cell(perfect, "import ctypes\nctypes.string_at(0)",
                               after_grade_id="forward"),
        # sgd_update kills the kernel when called: only the cells that call it are lost
        "suicidal": _replace(perfect, "sgd_update",
                             "def sgd_update(w, grad, lr):\n    import os\n    os._exit(1)\n"),
        "looper": _with_cell(perfect, "while True:\n    pass", after_grade_id="forward"),
        "stubborn": _with_cell(perfect, "import signal\nsignal.signal(signal.SIGINT, "
                               "signal.SIG_IGN)\nwhile True:\n    pass",
                               after_grade_id="forward"),
        # the kernel dies more often than it is restarted: the cells after the last death
        # are not run and count as failed
        "berserk": _berserk(perfect),
        "hog": _with_cell(perfect, "hog = bytearray(64 * 2 ** 30)"),
        "chatty": _with_cell(perfect, "print('x' * 10_000_000)"),
        "foreign": other,
        # test cells edited to pass, deleted, or moved: nbgrader restores them
        "edited": _replace(_replace(perfect, "sgd_update", WRONG_SGD), "test_sgd_update", "pass"),
        "deleted": nbformat.from_dict({**perfect, "cells": [
            c for c in perfect.cells if not is_test_cell(c)]}),
        "reordered": _tests_moved_to_the_end(perfect),
        # an answer deleted with its tests costs that exercise only
        "cut": nbformat.from_dict({**perfect, "cells": [
            c for c in perfect.cells
            if "minibatch_indices" not in nbgrader_meta(c).get("grade_id", "")]}),
        "faker": _replace(perfect, "sgd_update", WRONG_SGD),
    }
    if sandbox.available():
        # Unsandboxed, these would really reach the files of the course and the grader.
        target = course.resolve()
        submissions["vandal"] = _with_cell(perfect, (
            "import glob, shutil\n"
            "attacks = [\n"
            f"    lambda: open({str(target / 'gradebook.db')!r}, 'w').write('x'),\n"
            f"    lambda: shutil.rmtree({str(target / 'submitted' / 'perfect')!r}),\n"
            "    lambda: open('../../../../gradebook.db', 'w').write('x'),\n"
            "] + [lambda path=path: shutil.rmtree(path) for path in glob.glob('/tmp/*')]\n"
            "for attack in attacks:\n"
            "    try:\n"
            "        attack()\n"
            "    except OSError:\n"
            "        pass\n"))
    return submissions


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if _in_ci():
        assert sandbox.available(), "bubblewrap (bwrap) is required in CI"
    course = copy_course(tmp_path_factory.mktemp("course"))
    for lesson in (LESSON, "02_nesterov"):
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    perfect = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    for student, nb in _submissions(course, release, perfect).items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    fake = course / "submitted" / "faker" / LESSON / "course"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "grading.py").write_text(FAKE_GRADING)
    for student, text in (("broken", "{ это не JSON"), ("empty", "")):
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        (folder / f"{LESSON}.ipynb").write_text(text)
    before = tree_hash(course / "submitted")
    outcomes = {o.student: o for o in autograde(course, [LESSON], jobs=2, memory_gb=4,
                                                 cell_timeout=CELL_TIMEOUT)}
    return course, outcomes, before


def _score(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(LESSON, student).score


def test_every_student_gets_exactly_the_points_earned(graded):
    course, outcomes, _ = graded
    full, without_sgd = _points(), _points(exclude="sgd_update")
    expected = {"perfect": full, "blank": 0, "wrong": without_sgd, "killer": full,
                "segfault": full, "suicidal": without_sgd, "looper": full, "stubborn": full,
                "hog": full, "chatty": full, "foreign": 0, "edited": without_sgd,
                "deleted": full, "reordered": full, "faker": without_sgd, "broken": 0,
                "cut": _points(exclude="minibatch_indices"),
                "empty": 0}
    expected["berserk"] = _points_before(read_nb(notebook(LESSON, "source")), "sgd_update")
    assert 0 < expected["berserk"] < full
    if "vandal" in outcomes:
        expected["vandal"] = full
    assert {s: _score(course, s) for s in outcomes} == expected


def _notes(outcomes, student):
    return " ".join(outcomes[student].notes)


def test_what_happened_is_said_in_russian(graded):
    course, outcomes, _ = graded
    for student in ("killer", "segfault", "suicidal"):
        assert "аварийно заверш" in _notes(outcomes, student)
    assert "аварийно завершали ядро: они засчитаны" in _notes(outcomes, "suicidal")
    assert f"прервана по пределу времени {CELL_TIMEOUT} с: она засчитана как ошибочная" in _notes(
        outcomes, "looper")
    assert "не остановилась" in _notes(outcomes, "stubborn")
    assert f"ядро Python аварийно завершалось больше {MAX_RESTARTS} раз, поэтому ячейки " in (
        _notes(outcomes, "berserk"))
    assert "сдан ноутбук урока 02_nesterov" in _notes(outcomes, "foreign")
    assert "course/grading.py" in _notes(outcomes, "faker")
    for student in ("broken", "empty"):
        assert "повреждён" in _notes(outcomes, student)
    assert "восстановлены из версии для студентов: test_" in _notes(outcomes, "deleted")
    assert "minibatch_indices, test_minibatch_indices" in _notes(outcomes, "cut")
    assert outcomes["perfect"].notes == [] and outcomes["reordered"].notes == []
    assert notes.load(course, notes.AUTOGRADE)[("stubborn", LESSON)] == outcomes["stubborn"].notes


def test_no_student_changes_any_file_but_their_own_output(graded):
    course, outcomes, before = graded
    if _in_ci():
        assert "vandal" in outcomes
    assert tree_hash(course / "submitted") == before
    assert (course / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"
    assert (course / "autograded" / "perfect" / LESSON / f"{LESSON}.ipynb").exists()


def test_the_class_report_lists_scores_mistakes_flags_and_notes(graded, tmp_path):
    course, _, _ = graded
    data = report.write(course, tmp_path)
    assert data["grades"]["perfect"][LESSON] == _points()
    assert data["grades"]["wrong"][f"{LESSON}:sgd_update"] == 0
    assert data["mistakes"][(LESSON, "шаг сделан вдоль градиента (w + η·g), а не против него")] >= 3
    assert "рядом с работой лежит файл Python course/grading.py" in data["flagged"][
        ("faker", LESSON)]
    assert ("perfect", LESSON) not in data["flagged"]
    rows = (tmp_path / "grades.csv").read_text("utf-8").splitlines()
    assert rows[0].startswith("студент,01_sgd,02_nesterov,01_sgd:forward")
    with open(tmp_path / "notes.csv", encoding="utf-8") as f:
        notes = {(row[0], row[1]): row[2] for row in csv.reader(f)}
    assert notes[("stubborn", LESSON)].startswith("ячейка ") and ("perfect", LESSON) not in notes
    assert (tmp_path / "report.png").stat().st_size > 10_000
    page = (tmp_path / "report.html").read_text("utf-8")
    assert 'src="report.png"' in page and "шаг сделан вдоль градиента (w + η·g)" in page
    assert "<td>faker</td>" in page and "course/grading.py" in page


def test_a_lesson_never_built_is_refused_in_russian(tmp_path):
    course = copy_course(tmp_path)
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(read_nb(notebook(LESSON, "source")), str(folder / f"{LESSON}.ipynb"))
    with pytest.raises(CannotGrade, match=f"python -m course build {LESSON}"):
        autograde(course, [LESSON])
    assert not (course / "gradebook.db").exists()
    assert not (course / "autograded").exists()


@pytest.mark.parametrize("command, message", [
    (["autograde", LESSON], "нет работ по урокам 01_sgd"),
    (["report"], "нет gradebook.db: оценок ещё нет"),
])
def test_the_command_line_says_what_is_missing(tmp_path, command, message):
    # Run as an instructor would, without activating the environment (its bin not on PATH).
    done = subprocess.run([sys.executable, "-m", "course", *command, "--root", str(tmp_path)],
                          capture_output=True, text=True,
                          env={**os.environ, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_kernel_that_cannot_start_stops_grading_and_writes_nothing(tmp_path, monkeypatch):
    course = copy_course(tmp_path / "course")
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    nbformat.write(fill_solutions(release, read_nb(notebook(LESSON, "source"))),
                   str(folder / f"{LESSON}.ipynb"))
    # A broken environment: every kernel exits as it starts (the workers start as usual).
    # It lies under /tmp, so in the sandbox it is seen only because PYTHONPATH is kept visible.
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "sitecustomize.py").write_text(
        "import os\nif os.environ.get('NBGRADER_EXECUTION') == 'autograde':\n    os._exit(3)\n")
    monkeypatch.setenv("PYTHONPATH", str(broken))
    before = tree_hash(course)
    with pytest.raises(CannotGrade, match="Ядро Python не запускается .*баллы не записаны"):
        autograde(course, [LESSON], jobs=1)
    assert tree_hash(course) == before


def test_the_sandbox_keeps_the_environment_visible_when_it_lies_under_tmp(tmp_path,
                                                                          monkeypatch):
    outside = Path("/usr")
    (tmp_path / "lib").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(outside), ""])
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "lib"))
    visible = sandbox.environment()
    assert tmp_path.resolve() in visible and (tmp_path / "lib").resolve() in visible
    assert outside not in visible


def test_the_command_line_speaks_russian_in_help_and_errors():
    run = [sys.executable, "-m", "course"]
    help_text = subprocess.run([*run, "autograde", "--help"], capture_output=True,
                               text=True).stdout
    assert help_text.startswith("использование: python -m course autograde")
    assert "показать эту справку и выйти" in help_text and "--jobs N" in help_text
    wrong = subprocess.run([*run, "autograde", "--jobs", "два"], capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "ошибка: аргумент --jobs: недопустимое значение 'два'" in wrong.stderr
    assert "usage" not in wrong.stderr + help_text and "error" not in wrong.stderr
