"""Submissions are taken in from nbgrader, Moodle and plain-file layouts without touching
the originals; broken, foreign and duplicate files are reported in Russian."""

import hashlib
import json
import os
import zipfile

import pytest

from conftest import read_nb
from course.intake import detect, take_in
from course.lessons import notebook

LESSON = "01_sgd"


def _nb_text(lesson=LESSON):
    return json.dumps(read_nb(notebook(lesson, "release")))


def _tree_hash(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


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
    before = _tree_hash(src)
    report = take_in(src, LESSON, course)
    assert detect(src) == "nbgrader"
    assert sorted(report.accepted) == ["ivanov", "petrova", "sidorov"]
    for student in report.accepted:
        assert (course / "submitted" / student / LESSON / f"{LESSON}.ipynb").exists()
        assert (course / "submitted" / student / LESSON / "timestamp.txt").exists()
    assert any("принят как 01_sgd.ipynb" in n for n in report.notes["petrova"])
    assert _tree_hash(src) == before


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
    assert sorted(report.accepted) == ["Иван_Иванов", "Пётр_Павлов"]
    assert any("не JSON" in n for n in report.notes["Анна_Петрова"])
    assert any("пустой файл" in n for n in report.notes["Олег_Сидоров"])
    assert any("урока 02_nesterov" in n for n in report.notes["Ольга_Орлова"])
    assert any("сдано 2 файла; принят самый новый" in n for n in report.notes["Пётр_Павлов"])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_plain_files_named_by_student_keep_the_newest_of_two(tmp_path, course):
    src = tmp_path / "in"
    _write(src / f"ivanov_{LESSON}.ipynb", _nb_text(), mtime=1_000_000)
    _write(src / f"ivanov_{LESSON} (1).ipynb", _nb_text().replace("ВАШ", "ВАШ "), mtime=2_000_000)
    _write(src / "petrova.ipynb", _nb_text())
    report = take_in(src, LESSON, course)
    assert detect(src) == "files"
    assert sorted(report.accepted) == ["ivanov", "petrova"]
    assert report.accepted["ivanov"].name == f"ivanov_{LESSON} (1).ipynb"
