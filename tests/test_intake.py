"""Submissions are taken in from nbgrader, Moodle and plain-file layouts without touching
the originals; broken, foreign and duplicate files are reported in Russian."""

import hashlib
import json
import os
import zipfile

import nbformat
import pytest
from helpers import auto_points, read_nb, tree_hash

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import notebook
from course.nbgrader_apps import run_nbgrader
from course.pipeline import report, submission
from course.pipeline.autograde import Settings, autograde
from course.pipeline.intake import detect, take_in

LESSON = "01_sgd"


def _nb_text(lesson=LESSON):
    return json.dumps(read_nb(notebook(lesson, "release")))


def _write(path, text, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime:
        os.utime(path, (mtime, mtime))


@pytest.fixture
def course(tmp_path):
    (tmp_path / "course").mkdir()
    return tmp_path / "course"


def test_nbgrader_layout_with_renamed_notebooks(tmp_path, course):
    src = tmp_path / "in"
    _write(src / "ivanov" / LESSON / f"{LESSON}.ipynb", _nb_text())
    _write(src / "petrova" / LESSON / f"{LESSON} (1).ipynb", _nb_text())
    _write(src / "sidorov" / LESSON / f"Копия {LESSON}.ipynb", _nb_text())
    before = tree_hash(src)
    report = take_in(src, LESSON, course)
    assert detect(src) == "nbgrader"
    assert sorted(report.accepted) == ["ivanov", "petrova", "sidorov"]
    for student in report.accepted:
        assert (course / "submitted" / student / LESSON / f"{LESSON}.ipynb").exists()
        assert (course / "submitted" / student / LESSON / "timestamp.txt").exists()
    assert any("принят как 01_sgd.ipynb" in n for n in report.notes["petrova"])
    assert tree_hash(src) == before


def test_moodle_zip_with_broken_empty_foreign_and_duplicate_files(tmp_path, course):
    src = tmp_path / "moodle.zip"
    with zipfile.ZipFile(src, "w") as archive:
        archive.writestr("Иван Иванов_101_assignsubmission_file_/01_sgd.ipynb", _nb_text())
        archive.writestr("Анна Петрова_102_assignsubmission_file_/01_sgd.ipynb", "{not json")
        archive.writestr("Олег Сидоров_103_assignsubmission_file_/01_sgd.ipynb", "")
        archive.writestr("Ольга Орлова_104_assignsubmission_file_/02.ipynb",
                         _nb_text("02_nesterov"))
        archive.writestr("Пётр Павлов_105_assignsubmission_file_/old.ipynb", _nb_text())
        archive.writestr("Пётр Павлов_105_assignsubmission_file_/new.ipynb", _nb_text())
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    report = take_in(src, LESSON, course)
    students = ["Анна_Петрова", "Иван_Иванов", "Олег_Сидоров", "Ольга_Орлова", "Пётр_Павлов"]
    # unusable files are taken as they are: autograde gives them 0 and says why
    assert sorted(report.accepted) == students
    with zipfile.ZipFile(src) as archive:
        assert (course / "submitted" / "Анна_Петрова" / LESSON / f"{LESSON}.ipynb").read_bytes(
            ) == archive.read("Анна Петрова_102_assignsubmission_file_/01_sgd.ipynb")
    assert "не JSON" in " ".join(report.notes["Анна_Петрова"])
    assert "пустой файл" in " ".join(report.notes["Олег_Сидоров"])
    assert "ноутбук урока 02_nesterov, а не 01_sgd" in " ".join(report.notes["Ольга_Орлова"])
    assert report.unusable == {"Анна_Петрова", "Олег_Сидоров", "Ольга_Орлова"}
    for student in report.unusable:
        assert "работу нельзя оценить: она получит 0 баллов" in report.notes[student]
    assert any("сдано 2 файла; принят самый новый" in n for n in report.notes["Пётр_Павлов"])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    saved = submission.load_all(course)
    assert saved["Анна_Петрова", LESSON].intake_notes == report.notes["Анна_Петрова"]
    assert saved["Иван_Иванов", LESSON].intake_notes == []  # nothing to say


def test_a_broken_resubmission_keeps_the_work_taken_in_before(tmp_path, course):
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first / f"ivanov_{LESSON}.ipynb", _nb_text())
    _write(second / f"ivanov_{LESSON}.ipynb", "{broken")
    take_in(first, LESSON, course)
    report = take_in(second, LESSON, course)
    taken = course / "submitted" / "ivanov" / LESSON / f"{LESSON}.ipynb"
    assert taken.read_text("utf-8") == _nb_text()
    assert "новая работа не принята, оставлена принятая раньше" in report.notes["ivanov"]
    assert "ivanov" not in report.accepted


def test_two_different_files_named_by_one_student_are_a_conflict_not_a_replacement(
        tmp_path, course):
    src = tmp_path / "in"
    _write(src / f"ivanov_{LESSON}.ipynb", _nb_text(), mtime=1_000_000)
    _write(src / f"ivanov_{LESSON} (1).ipynb", _nb_text() + "\n", mtime=2_000_000)
    _write(src / "petrova.ipynb", _nb_text())
    _write(src / f"petrova_{LESSON}.ipynb", _nb_text())  # the same file twice is no conflict
    report = take_in(src, LESSON, course)
    assert detect(src) == "files"
    assert sorted(report.accepted) == ["petrova"]
    assert sorted(report.conflicts["ivanov"]) == [f"ivanov_{LESSON} (1).ipynb",
                                                  f"ivanov_{LESSON}.ipynb"]
    assert any(n.startswith("конфликт: файлы") for n in report.notes["ivanov"])
    assert not (course / "submitted" / "ivanov").exists()


@pytest.mark.notebooks
def test_a_moodle_class_is_taken_in_graded_and_reported(tmp_path):
    course = copy_course(tmp_path / "course")
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    perfect = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    src = tmp_path / "moodle.zip"
    with zipfile.ZipFile(src, "w") as archive:
        archive.writestr(f"Иван Иванов_101_assignsubmission_file_/Копия {LESSON}.ipynb",
                         nbformat.writes(perfect))
        archive.writestr(f"Анна Петрова_102_assignsubmission_file_/{LESSON}.ipynb", "{not json")
    take_in(src, LESSON, course)
    autograde(course, [LESSON], settings=Settings(jobs=1))
    data = report.write(course, tmp_path / "report")
    assert data["grades"]["Иван_Иванов"][LESSON] == auto_points(perfect)
    assert data["grades"]["Анна_Петрова"][LESSON] == 0
    anna = " ".join(data["notes"][("Анна_Петрова", LESSON)])
    assert "файл повреждён, это не JSON" in anna and "оценена в 0 баллов" in anna
    assert f"файл «Копия {LESSON}.ipynb» принят как {LESSON}.ipynb" in data["notes"][
        ("Иван_Иванов", LESSON)]


def test_moodle_namesakes_stay_two_students(tmp_path, course):
    src = tmp_path / "moodle"
    _write(src / "Иван Иванов_101_assignsubmission_file_" / f"{LESSON}.ipynb", _nb_text())
    _write(src / "Иван Иванов_202_assignsubmission_file_" / f"{LESSON}.ipynb", _nb_text())
    report = take_in(src, LESSON, course)
    assert sorted(report.accepted) == ["Иван_Иванов_101", "Иван_Иванов_202"]
