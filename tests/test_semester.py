"""A semester in one test, as the README's checklists run it: two lessons, eight students
arriving by both routes (nbgrader's exchange and a Moodle zip), one late, one late with an
extension, one resubmitting; due dates set before the lessons are in the gradebook;
written answers graded by hand; autograde run twice; feedback released through the
exchange and zipped for Moodle; the Moodle worksheet filled. Every student's final number
is exact, no manual grade is lost, and what the course's commands print is Russian."""

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime

import nbformat
import pytest
from helpers import auto_points, read_nb
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import notebook
from course.nbmeta import marks

pytestmark = pytest.mark.notebooks
COURSE_ID = "gd-optimizers"
FIRST, SECOND = "01_sgd", "02_nesterov"
WRONG_SGD = "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"
DUE = datetime(2027, 2, 14, 20, 59)  # UTC: 23:59 in Moscow
EXCHANGE = ("ivanov", "petrova", "smirnov", "kuznetsova")
# Moodle: (folder name, participant, «Последнее изменение (ответ)», Moscow time)
MOODLE = {"Иван_Орлов": ("Иван Орлов", "5023120", "воскресенье, 14 февраля 2027, 10:00"),
          "Анна_Белова": ("Анна Белова", "5023121", "воскресенье, 14 февраля 2027, 12:00"),
          "Олег_Волков": ("Олег Волков", "5023122", "вторник, 16 февраля 2027, 9:00"),
          "Мария_Зайцева": ("Мария Зайцева", "5023123", "вторник, 16 февраля 2027, 9:00")}
NOT_SUBMITTED = ("Пётр Лисин", "5023124")
HEADER = ('\ufeffИдентификатор,"Полное имя","Адрес электронной почты",Статус,Оценка,'
          '"Максимальная оценка","Оценка может быть изменена","Последнее изменение (ответ)",'
          '"Последнее изменение (оценка)","Отзыв в виде комментария"\n')
ENGLISH = re.compile(r"\b(the|error|warning|traceback|failed|not found|submission|grade)\b",
                     re.IGNORECASE)


def _worksheet():
    rows = [f'Участник{num},"{name}",{num}@example.org,"Отправлено для оценивания",,"10,00",'
            f'Да,"{when}",-,\n' for name, num, when in MOODLE.values()]
    name, num = NOT_SUBMITTED
    rows.append(f'Участник{num},"{name}",{num}@example.org,"Нет ответа на задание",,"10,00",'
                'Да,-,-,\n')
    return (HEADER + "".join(rows)).encode()


def _run(args, cwd, env=None):
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, f"{args}:\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def _course(args, course):
    """``python -m course *args`` on ``course``; what it printed (must be Russian)."""
    said = _run(["-m", "course", *args, "--root", str(course)], course)
    english = [line for line in said.splitlines() if ENGLISH.search(line)
               and "Оценивание" not in line]  # tqdm's bar: «Оценивание: 100%|…| 9/9 [00:30<…]»
    assert not english, english
    return said


def _nbgrader(args, cwd, exchange, student=None):
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
           + os.environ["PATH"]}
    if student:
        env["HOME"] = str(cwd)
        env.pop("JUPYTER_DATA_DIR", None)
        args = [*args, "--course", COURSE_ID, f"--student={student}"]
    return _run(["-m", "nbgrader", *args, f"--Exchange.root={exchange}", "--log-level=WARN"],
                cwd, env)


def _solved(lesson, path=None, sgd=None):
    nb = fill_solutions(read_nb(path or notebook(lesson, "release")),
                        read_nb(notebook(lesson, "source")))
    for cell in nb.cells:
        if sgd and marks(cell).get("grade_id") == "sgd_update":
            cell.source = sgd
    return nb


def _written(lesson):
    source = read_nb(notebook(lesson, "source"))
    return {marks(c)["grade_id"]: marks(c)["points"] for c in source.cells
            if c.cell_type == "markdown" and marks(c).get("grade")}


def _grade_by_hand(course, lesson, students):
    """Give each written answer of ``students`` half its points, as formgrader would."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            for cell, points in _written(lesson).items():
                grade = gb.find_grade(cell, lesson, lesson, student)
                grade.manual_score, grade.needs_manual_grade = points / 2, False
        gb.db.commit()


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    root = tmp_path_factory.mktemp("semester")
    exchange = root / "exchange"
    exchange.mkdir()
    course = copy_course(root / "course")
    said = {}
    # Before the course: due dates first (the gradebook knows no lesson yet).
    for lesson in (FIRST, SECOND):
        _nbgrader(["db", "assignment", "add", lesson,
                   f"--duedate={DUE:%Y-%m-%d %H:%M:%S} UTC"], course, exchange)
        _nbgrader(["release_assignment", lesson, "--course", COURSE_ID], course, exchange)
    # Lesson 1 through the exchange: petrova submits twice, the second time with a mistake.
    for user in EXCHANGE:
        home = root / user
        home.mkdir()
        _nbgrader(["fetch_assignment", FIRST], home, exchange, user)
        path = home / FIRST / f"{FIRST}.ipynb"
        nbformat.write(_solved(FIRST, path), str(path))
        _nbgrader(["submit", FIRST], home, exchange, user)
    nbformat.write(_solved(FIRST, sgd=WRONG_SGD), str(root / "petrova" / FIRST / f"{FIRST}.ipynb"))
    _nbgrader(["submit", FIRST], root / "petrova", exchange, "petrova")
    # Lesson 2 through the exchange: ivanov only.
    _nbgrader(["fetch_assignment", SECOND], root / "ivanov", exchange, "ivanov")
    path = root / "ivanov" / SECOND / f"{SECOND}.ipynb"
    nbformat.write(_solved(SECOND, path), str(path))
    _nbgrader(["submit", SECOND], root / "ivanov", exchange, "ivanov")
    _nbgrader(["collect", FIRST], course, exchange)
    _nbgrader(["collect", SECOND], course, exchange)
    # Lesson 1 from Moodle, with the worksheet's submission times.
    archive, sheet = root / "работы.zip", root / "Оценки.csv"
    sheet.write_bytes(_worksheet())
    with zipfile.ZipFile(archive, "w") as out:
        for name, num, _ in MOODLE.values():
            out.writestr(f"{name}_{num}_assignsubmission_file/Копия {FIRST}.ipynb",
                         nbformat.writes(_solved(FIRST)))
    said["intake"] = _course(["intake", FIRST, str(archive), "--worksheet", str(sheet)], course)
    said["extend"] = _course(["extend", "Мария_Зайцева", FIRST, "--days", "2"], course)
    said["autograde"] = _course(["autograde", FIRST, SECOND, "--jobs", "2"], course)
    _grade_by_hand(course, FIRST, [*EXCHANGE, *MOODLE])
    said["autograde again"] = _course(["autograde", FIRST, SECOND, "--jobs", "2"], course)
    said["feedback"] = _course(["feedback", FIRST, SECOND], course)
    _nbgrader(["release_feedback", FIRST, "--course", COURSE_ID], course, exchange)
    _nbgrader(["fetch_feedback", FIRST], root / "petrova", exchange, "petrova")
    filled, fb = root / "Оценки-01_sgd.csv", root / "отзывы.zip"
    said["export"] = _course(["export", "moodle", FIRST, str(sheet), "-o", str(filled),
                              "--zip", str(fb)], course)
    return {"course": course, "root": root, "said": said, "sheet": sheet, "filled": filled,
            "zip": fb}


def _max(lesson):
    return auto_points(read_nb(notebook(lesson, "source"))) + sum(_written(lesson).values())


def _expected_first():
    """Lesson 1 points per student: all right, written answers at half; petrova's second
    submission misses sgd_update; Олег_Волков is 36 hours late (2 started days: −20 %)."""
    right = auto_points(read_nb(notebook(FIRST, "source"))) + sum(_written(FIRST).values()) / 2
    wrong = right - (auto_points(read_nb(notebook(FIRST, "source")))
                     - auto_points(read_nb(notebook(FIRST, "source")), exclude="sgd_update"))
    found = {student: right for student in (*EXCHANGE, *MOODLE)}
    found["petrova"] = wrong
    found["Олег_Волков"] = right * 0.8
    return found


def test_every_students_final_points_are_exact(semester):
    course = semester["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        first = {s.student.id: s.score - s.late_submission_penalty
                 for s in gb.find_assignment(FIRST).submissions}
        second = {s.student.id: s.score for s in gb.find_assignment(SECOND).submissions}
        assert gb.find_assignment(FIRST).duedate == DUE  # kept when autograde recorded it
    assert first == pytest.approx(_expected_first())
    assert second == {"ivanov": auto_points(read_nb(notebook(SECOND, "source")))}


def test_no_manual_grade_is_lost_when_autograde_runs_again(semester):
    course = semester["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in (*EXCHANGE, *MOODLE):
            for cell, points in _written(FIRST).items():
                grade = gb.find_grade(cell, FIRST, FIRST, student)
                assert (grade.manual_score, grade.needs_manual_grade) == (points / 2, False)
    assert "Оценки письменных ответов, выставленные вручную, сохранены" in semester["said"][
        "autograde again"]
    # lesson 2's written answers are not graded yet: feedback says so
    assert f"урок {SECOND}: письменные ответы ещё не проверены у ivanov" in semester["said"][
        "feedback"]


def test_the_moodle_worksheet_is_filled_exactly_and_the_rest_kept(semester):
    lines = semester["filled"].read_bytes().decode("utf-8").split("\n")
    original = semester["sheet"].read_bytes().decode("utf-8").split("\n")
    assert lines[0] == original[0] and len(lines) == len(original)
    expected = _expected_first()
    for line, (student, (name, num, when)) in zip(lines[1:], MOODLE.items()):
        grade = f"{expected[student] / _max(FIRST) * 10:.2f}".replace(".", ",")
        assert line.startswith(f'Участник{num},"{name}",{num}@example.org,"Отправлено для '
                               f'оценивания","{grade}","10,00",Да,"{when}",-,"Урок {FIRST}: ')
    assert "штраф за опоздание" in lines[3] and "штраф" not in lines[4]
    assert lines[5] == original[5]  # did not submit: untouched, grade empty
    assert "Нет в ведомости" in semester["said"]["export"]  # the exchange students


def test_feedback_reaches_both_routes(semester):
    pages = list((semester["root"] / "petrova" / FIRST / "feedback").glob(f"*/{FIRST}.html"))
    assert len(pages) == 1
    assert "Вероятная ошибка: шаг сделан вдоль градиента" in pages[0].read_text("utf-8")
    names = zipfile.ZipFile(io.BytesIO(semester["zip"].read_bytes())).namelist()
    assert sorted(names) == sorted(f"{name}_{num}_assignsubmission_file_/{FIRST}.html"
                                   for name, num, _ in MOODLE.values())
    volkov = zipfile.ZipFile(semester["zip"]).read(
        f"Олег Волков_5023122_assignsubmission_file_/{FIRST}.html").decode("utf-8")
    assert "Штраф за опоздание" in volkov


def test_the_course_commands_spoke_russian(semester):
    said = semester["said"]
    assert "Время сдачи из ведомости" in said["intake"] and "4 работы" in said["intake"]
    assert "продление 2 дня" in said["extend"]
    assert "записываю" in said["autograde"]  # the lessons were only due dates before
    assert json.dumps(said, ensure_ascii=False)  # everything above was checked by _course
