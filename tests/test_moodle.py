"""Grades go back to Moodle: the offline grading worksheet, as Moodle writes it in Russian and
English (and as Excel under Russian Windows saves it), is filled in by participant number,
touching only the grade and comment cells; the feedback zip has the folders Moodle reads."""

import io
import json
import shutil
import zipfile

import pytest
from helpers import read_nb
from nbgrader.api import Gradebook

from course.__main__ import main
from course.lessons import notebook
from course.pipeline import moodle
from course.pipeline.intake import take_in

LESSON = "01_sgd"

# Written exactly as Moodle 4.4 writes it (OpenSpout: BOM, ',', '"', PHP's fputcsv quoting a
# cell with a space, '\n'); see the review notes on the worksheet format.
RU_HEADER = ('\ufeffИдентификатор,"Полное имя","Адрес электронной почты",Статус,Оценка,'
             '"Максимальная оценка","Оценка может быть изменена",'
             '"Последнее изменение (ответ)","Последнее изменение (оценка)",'
             '"Отзыв в виде комментария"\n')
RU_ROWS = (
    'Участник5023120,"Иван Иванов",ivanov@example.org,"Отправлено для оценивания",,"10,00",'
    'Да,"вторник, 10 февраля 2026, 21:14",-,\n'
    'Участник5023121,"Мария Петрова",petrova@example.org,"Нет ответа на задание",,"10,00",'
    'Да,-,-,\n'
    'Участник5023122,"Олег Сидоров",sidorov@example.org,"Отправлено для оценивания - Оценено",'
    '"3,00","10,00",Да,"среда, 11 февраля 2026, 9:05","четверг, 12 февраля 2026, 10:00",'
    '"Предварительно: смотрите шаг.   "\n')
EN_SHEET = (
    '\ufeffIdentifier,"Full name","Email address",Status,Grade,"Maximum grade",'
    '"Grade can be changed","Last modified (submission)","Last modified (grade)",'
    '"Feedback comments"\n'
    '"Participant 5023120","Ivan Ivanov",ivanov@example.org,"Submitted for grading",,100.00,'
    'Yes,"Tuesday, 10 February 2026, 9:14 PM",-,\n'
    '"Participant 5023121","Maria Petrova",petrova@example.org,"No submission",,100.00,Yes,-,'
    '-,\n')


def _excel(text):
    """The Russian worksheet as Excel under Russian Windows saves it: cp1251, no BOM, ';',
    quotes only where needed, CRLF."""
    return ("Идентификатор;Полное имя;Адрес электронной почты;Статус;Оценка;"
            "Максимальная оценка;Оценка может быть изменена;Последнее изменение (ответ);"
            "Последнее изменение (оценка);Отзыв в виде комментария\r\n"
            "Участник5023120;Иван Иванов;ivanov@example.org;Отправлено для оценивания;;10,00;"
            "Да;вторник, 10 февраля 2026, 21:14;-;\r\n"
            "Участник5023121;Мария Петрова;petrova@example.org;Нет ответа на задание;;10,00;Да;"
            "-;-;\r\n").encode("cp1251")


def _gradebook(course, scores):
    """A gradebook with lesson 01_sgd (two code checks of 3 and 5 points, a written answer of
    2 points) and a submission per student: {student: (check 1, check 2, written or None)}."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(LESSON)
        gb.add_notebook(LESSON, LESSON)
        gb.add_grade_cell("test_forward_hidden", LESSON, LESSON, max_score=3, cell_type="code")
        gb.add_grade_cell("test_sgd_update_hidden", LESSON, LESSON, max_score=5,
                          cell_type="code")
        gb.add_grade_cell("answer_eta", LESSON, LESSON, max_score=2, cell_type="markdown")
        gb.add_solution_cell("answer_eta", LESSON, LESSON)
        for student, (first, second, written) in scores.items():
            gb.update_or_create_student(student)
            gb.add_submission(LESSON, student)
            for cell, score in (("test_forward_hidden", first),
                                ("test_sgd_update_hidden", second)):
                grade = gb.find_grade(cell, LESSON, LESSON, student)
                grade.auto_score, grade.needs_manual_grade = score, False
            grade = gb.find_grade("answer_eta", LESSON, LESSON, student)
            grade.manual_score, grade.needs_manual_grade = written, written is None
            gb.db.commit()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A gradebook with Иван_Иванов (8 + 1.5 of 10) and Олег_Сидоров (3 of 10, written
    answer not graded yet), taken in from Moodle as participants 5023120 and 5023122, and
    Анна_Новикова, who came through the exchange (no number)."""
    course = tmp_path_factory.mktemp("graded")
    _gradebook(course, {"Иван_Иванов": (3, 5, 1.5), "Олег_Сидоров": (3, 0, None),
                        "Анна_Новикова": (3, 5, 2)})
    moodle.remember_participants(course, {"Иван_Иванов": "5023120", "Олег_Сидоров": "5023122"})
    return course / "gradebook.db"


@pytest.fixture
def course(tmp_path, graded):
    """A course folder with a copy of the ``graded`` gradebook."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copyfile(graded, course / "gradebook.db")
    return course


def _fill(course, data):
    return moodle.fill(data, LESSON, moodle.results(course, LESSON), moodle.participants(course))


def test_intake_keeps_each_moodle_students_participant_number(tmp_path):
    src = tmp_path / "moodle.zip"
    text = json.dumps(read_nb(notebook(LESSON, "release")))
    with zipfile.ZipFile(src, "w") as archive:
        archive.writestr(f"Иван Иванов_5023120_assignsubmission_file_/{LESSON}.ipynb", text)
        archive.writestr(f"Иван Иванов_5023199_assignsubmission_file_/{LESSON}.ipynb", text)
        archive.writestr(f"Мария Петрова_5023121_assignsubmission_file_/{LESSON}.ipynb", text)
    course = tmp_path / "course"
    course.mkdir()
    take_in(src, LESSON, course)
    assert moodle.participants(course) == {"Иван_Иванов_5023120": "5023120",
                                           "Иван_Иванов_5023199": "5023199",
                                           "Мария_Петрова": "5023121"}


def test_russian_worksheet_gets_grades_and_comments_and_nothing_else_changes(course):
    data = (RU_HEADER + RU_ROWS).encode()
    filled = _fill(course, data)
    lines = filled.data.decode().split("\n")
    original = (RU_HEADER + RU_ROWS).split("\n")
    assert filled.data.startswith(b"\xef\xbb\xbf") and lines[0] == original[0]
    # Иван: (3 + 5 + 1.5) of 10 points, scaled to the row's 10,00, Russian decimal comma
    # (quoted: the cell holds the delimiter), the comment quoted as Moodle quotes spaces.
    assert lines[1] == (
        'Участник5023120,"Иван Иванов",ivanov@example.org,"Отправлено для оценивания",'
        '"9,50","10,00",Да,"вторник, 10 февраля 2026, 21:14",-,"Урок 01_sgd: 9,5 из 10 баллов. '
        'forward 3 из 3; sgd_update 5 из 5; письменные ответы 1,5 из 2."')
    assert lines[2] == original[2]  # Мария did not submit: her row is untouched
    # Олег's row was graded in Moodle before: the grade and comment are ours now.
    assert lines[3].startswith('Участник5023122,"Олег Сидоров",sidorov@example.org,'
                               '"Отправлено для оценивания - Оценено","3,00","10,00",Да,')
    assert lines[3].endswith('"четверг, 12 февраля 2026, 10:00","Урок 01_sgd: 3 из 10 баллов. '
                             'forward 3 из 3; sgd_update 0 из 5; письменные ответы ещё не '
                             'проверены."')
    assert lines[4] == ""
    assert filled.pending == ["Олег_Сидоров"]
    assert filled.not_in_worksheet == ["Анна_Новикова"]
    assert filled.not_submitted == ["5023121"]


def test_english_worksheet_reads_participant_with_space_and_writes_a_decimal_point(course):
    filled = _fill(course, EN_SHEET.encode())
    lines = filled.data.decode().split("\n")
    assert lines[1].startswith('"Participant 5023120","Ivan Ivanov",ivanov@example.org,'
                               '"Submitted for grading",95.00,100.00,Yes,')
    assert lines[2] == EN_SHEET.split("\n")[2]
    assert filled.not_in_worksheet == ["Анна_Новикова", "Олег_Сидоров"]


def test_excel_cp1251_semicolon_worksheet_keeps_its_encoding_delimiter_and_quoting(course):
    filled = _fill(course, _excel(""))
    assert filled.worksheet.encoding == "cp1251" and not filled.worksheet.bom
    lines = filled.data.decode("cp1251").split("\r\n")
    assert lines[1] == ("Участник5023120;Иван Иванов;ivanov@example.org;Отправлено для "
                        "оценивания;9,50;10,00;Да;вторник, 10 февраля 2026, 21:14;-;\"Урок 01_sgd: "
                        "9,5 из 10 баллов. forward 3 из 3; sgd_update 5 из 5; письменные ответы "
                        "1,5 из 2.\"")  # quoted: the comment holds ';'

    assert filled.data.split(b"\r\n")[2] == _excel("").split(b"\r\n")[2]


def test_the_grade_is_scaled_to_the_rows_maximum(course):
    data = (RU_HEADER + RU_ROWS.replace('"10,00"', '"100,00"', 1)).encode()
    line = _fill(course, data).data.decode().split("\n")[1]
    assert ',"95,00","100,00",' in line


def test_an_unknown_file_is_refused_in_russian():
    with pytest.raises(moodle.NotAWorksheet, match="не ведомость оценок Moodle"):
        moodle.read("студент,балл\nivanov,3\n".encode())


def test_a_participant_claimed_by_two_students_is_not_guessed(course):
    moodle.remember_participants(course, {"Анна_Новикова": "5023120"})
    filled = _fill(course, (RU_HEADER + RU_ROWS).encode())
    assert "Иван_Иванов" not in filled.graded and "Анна_Новикова" not in filled.graded
    assert filled.data.decode().split("\n")[1] == RU_ROWS.split("\n")[0]


def test_nothing_written_starts_a_formula():
    assert moodle.inert("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert moodle.inert("@SUM(A1)") == "'@SUM(A1)"
    assert moodle.inert("Урок 01_sgd") == "Урок 01_sgd"


def test_feedback_zip_has_folders_moodle_reads(course):
    page = course / "feedback" / "Иван_Иванов" / LESSON / f"{LESSON}.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html>отзыв</html>", "utf-8")
    graded = {"Иван_Иванов": ("5023120", "Иван_Иванов =x/../y", "9,50"),
              "Олег_Сидоров": ("5023122", "Олег Сидоров", "3,00")}
    data, missing = moodle.feedback_zip(course, LESSON, graded)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == [f"Иван Иванов x .. y_5023120_assignsubmission_file_/{LESSON}.html"]
    assert missing == ["Олег_Сидоров"]
    part = names[0].split("/")[0].split("_", 4)  # as Moodle's importer: explode('_', part, 5)
    assert part[1:] == ["5023120", "assignsubmission", "file", ""]


def test_export_command_writes_the_filled_worksheet_and_zip(course, tmp_path, capsys):
    sheet, out, archive = tmp_path / "Оценки.csv", tmp_path / "filled.csv", tmp_path / "fb.zip"
    sheet.write_bytes((RU_HEADER + RU_ROWS).encode())
    main(["export", "moodle", LESSON, str(sheet), "-o", str(out), "--zip", str(archive),
          "--root", str(course)])
    said = capsys.readouterr().out
    assert out.read_bytes() == _fill(course, sheet.read_bytes()).data
    assert "Оценки записаны: 2 студента" in said and "Анна_Новикова" in said
    assert "Письменные ответы ещё не проверены" in said and zipfile.is_zipfile(archive)
