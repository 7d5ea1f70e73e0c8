"""The seams of the instructor's path that a newcomer hit following the README
(shared/reviews/newcomer-2026-12-07.md), each reproduced: what the instructor types between
two steps works, or says in Russian what to do."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from helpers import read_nb, tree_hash
from nbgrader.api import Gradebook

from course.__main__ import main
from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import ROOT, notebook
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import marks
from course.pipeline import submission
from course.pipeline.intake import take_in

LESSON = "01_sgd"


def _intake(tmp_path, source):
    (tmp_path / "course").mkdir(exist_ok=True)
    with pytest.raises(SystemExit) as stop:
        main(["intake", LESSON, str(source), "--root", str(tmp_path / "course")])
    return str(stop.value)


def test_nbgrader_exports_grades_csv_that_git_ignores():
    # ``nbgrader export`` writes grades.csv in the course root, which is the repository
    ignored = subprocess.run(["git", "check-ignore", "-q", "grades.csv"], cwd=ROOT)
    assert ignored.returncode == 0


def test_intake_of_a_mistyped_path_says_so_in_russian(tmp_path):
    said = _intake(tmp_path, tmp_path / "nope.zip")
    assert said.startswith("Нет такого файла или папки:") and "nope.zip" in said


def test_intake_of_a_file_that_is_not_a_zip_says_so_in_russian(tmp_path):
    fake = tmp_path / "bad.zip"
    fake.write_text("это не архив", "utf-8")
    assert "не zip-архив" in _intake(tmp_path, fake)


def test_intake_of_an_empty_zip_says_nothing_was_taken_in(tmp_path):
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert "нет ни одного ноутбука (.ipynb): работ не принято" in _intake(tmp_path, empty)


def test_a_zip_whose_name_does_not_end_in_zip_is_taken_in(tmp_path):
    archive = tmp_path / "работы.ZIP"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(f"ivanov_{LESSON}.ipynb", json.dumps(read_nb(notebook(LESSON, "release"))))
    assert list(take_in(archive, LESSON, tmp_path / "course").accepted) == ["ivanov"]


@pytest.mark.notebooks
def test_release_feedback_works_for_students_taken_in_by_intake(tmp_path):
    """nbgrader's release_feedback reads the submission secret that its exchange writes
    beside each submission; a student taken in by intake has one too."""
    course = copy_course(tmp_path / "course")
    src = tmp_path / "in"
    for student in ("ivanov", "petrov"):
        (src / student / LESSON).mkdir(parents=True)
        shutil.copy(notebook(LESSON, "release"), src / student / LESSON / f"{LESSON}.ipynb")
    take_in(src, LESSON, course)
    for student in ("ivanov", "petrov"):  # as generate_feedback leaves it
        feedback = course / "feedback" / student / LESSON
        shutil.copytree(course / "submitted" / student / LESSON, feedback)
        (feedback / f"{LESSON}.ipynb").unlink()
        (feedback / f"{LESSON}.html").write_text("<p>отзыв</p>", "utf-8")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    done = run_nbgrader(["release_feedback", LESSON, f"--Exchange.root={exchange}"], course)
    assert done.returncode == 0, done.stderr
    assert len(list((exchange / "gd-optimizers" / "feedback").glob("*.html"))) == 2


@pytest.mark.notebooks
def test_due_date_set_from_a_shell_without_the_environment_on_path(tmp_path):
    """The README's step «Сроки сдачи» on a fresh clone, from a plain shell that has not
    activated .venv: nbgrader creates the gradebook by running ``alembic`` by name, which
    is found only because the course's nbgrader_config.py puts this environment first."""
    course = copy_course(tmp_path / "course")
    bare = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    bare["PATH"] = "/usr/bin:/bin"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "db", "assignment", "add", LESSON,
         "--duedate=2027-02-14 23:59:00 Europe/Moscow"],
        cwd=course, env=bare, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert str(gradebook.find_assignment(LESSON).duedate) == "2027-02-14 20:59:00"


@pytest.mark.notebooks
def test_autograde_on_a_fresh_clone_registers_the_lesson_without_touching_release(tmp_path):
    """A fresh clone has no gradebook.db: autograde records the lesson itself (the README's
    cycle goes from collect straight to autograde)."""
    from course.assign import assignment
    from course.pipeline.record import check_generated

    course = copy_course(tmp_path / "course")
    before = tree_hash(course / "release")
    assert assignment.unregistered([LESSON], course) == [LESSON]
    assignment.register(LESSON, course)
    assert assignment.unregistered([LESSON], course) == []
    check_generated(course, [LESSON])  # what autograde checks before it grades
    assert tree_hash(course / "release") == before


@pytest.mark.notebooks
def test_rerunning_autograde_keeps_written_answers_graded_by_hand(tmp_path, capsys):
    """nbgrader flags every manually graded cell again on each autograde; an unchanged
    written answer stays graded, a changed one waits for a grade, and ``course feedback``
    warns about it."""
    from course.assign import assignment
    from course.nbgrader_apps import autograde_in_process
    from course.pipeline import manual

    course = copy_course(tmp_path / "course")
    assignment.register(LESSON, course)
    source = read_nb(notebook(LESSON, "source"))
    perfect = fill_solutions(read_nb(notebook(LESSON, "release")), source)
    written = [marks(c)["grade_id"] for c in perfect.cells
               if c.cell_type == "markdown" and marks(c).get("solution")]
    for student in ("ivanov", "petrov"):
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(perfect, str(folder / f"{LESSON}.ipynb"))
        (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    autograde_in_process(course, [])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("ivanov", "petrov"):
            for cell in written:
                grade = gb.find_grade(cell, LESSON, LESSON, student)
                grade.manual_score, grade.needs_manual_grade = 1.0, False
        gb.db.commit()
    before = manual.graded_answers(course, [LESSON])
    assert len(before) == 2 * len(written) > 0
    changed = nbformat.from_dict(perfect)
    next(c for c in changed.cells if marks(c).get("grade_id") == written[0]).source = (
        "Другой ответ.")
    nbformat.write(changed, str(course / "submitted" / "petrov" / LESSON / f"{LESSON}.ipynb"))
    autograde_in_process(course, [])
    assert manual.pending(course, LESSON) == ["ivanov", "petrov"]  # nbgrader's own flags
    assert manual.keep_graded(course, before) == 2 * len(written) - 1
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        flags = {(student, cell): gb.find_grade(cell, LESSON, LESSON, student).needs_manual_grade
                 for student in ("ivanov", "petrov") for cell in written}
        scores = {gb.find_grade(cell, LESSON, LESSON, "ivanov").manual_score for cell in written}
    assert [key for key, flagged in flags.items() if flagged] == [("petrov", written[0])]
    assert scores == {1.0}
    main(["feedback", LESSON, "--root", str(course)])
    assert "письменные ответы ещё не проверены у petrov" in capsys.readouterr().err


def test_a_student_whose_file_could_not_be_graded_gets_a_feedback_page(tmp_path, capsys):
    """autograde gives an empty file 0 points without a graded notebook, so nbgrader makes
    no feedback for it; the course's feedback explains the zero to the student."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(LESSON)
        gb.update_or_create_student("sidorov")
        gb.add_submission(LESSON, "sidorov")
    folder = course / "submitted" / "sidorov" / LESSON
    folder.mkdir(parents=True)
    (folder / f"{LESSON}.ipynb").write_text("")
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text("секрет")
    submission.save(course, submission.Submission(
        "sidorov", LESSON, notes=["«<b>x</b>.ipynb»: пустой файл"]))
    main(["feedback", LESSON, "--root", str(course)])
    assert "sidorov — работу не удалось оценить" in capsys.readouterr().out
    page = course / "feedback" / "sidorov" / LESSON
    html = (page / f"{LESSON}.html").read_text("utf-8")
    assert "пустой файл" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
    assert (page / "submission_secret.txt").read_text() == "секрет"
