"""The seams of the instructor's path that a newcomer hit following the README
(shared/reviews/newcomer-2026-12-07.md), each reproduced: what the instructor types between
two steps works, or says in Russian what to do."""

import json
import shutil
import subprocess
import zipfile

import pytest

from conftest import copy_course, read_nb, run_nbgrader, tree_hash
from course.__main__ import main
from course.lessons import ROOT, notebook
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
def test_autograde_on_a_fresh_clone_registers_the_lesson_without_touching_release(tmp_path):
    """A fresh clone has no gradebook.db: autograde records the lesson itself (the README's
    cycle goes from collect straight to autograde)."""
    from course.build import assignment
    from course.pipeline.autograde import _check_generated

    course = copy_course(tmp_path / "course")
    before = tree_hash(course / "release")
    assert assignment.unregistered([LESSON], course) == [LESSON]
    assignment.register(LESSON, course)
    assert assignment.unregistered([LESSON], course) == []
    _check_generated(course, [LESSON])  # what autograde checks before it grades
    assert tree_hash(course / "release") == before
