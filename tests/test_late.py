"""Late work: the course's late policy goes through nbgrader's own late-submission
mechanism (AssignLatePenalties with the course's plugin), extensions through nbgrader's
gradebook, and the Moodle worksheet's submission time can stand for nbgrader's timestamp."""

import shutil
from datetime import datetime, timedelta, timezone

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.config.loader import PyFileConfigLoader

from course.__main__ import main
from course.lessons import ROOT
from course.pipeline import moodle, record
from course.pipeline.late import DAY, LatePolicy
from course.pipeline.submission import CannotGrade

LESSON = "01_sgd"
DUE = datetime(2027, 2, 14, 20, 59)  # nbgrader keeps naive UTC


def test_per_day_penalty_takes_a_share_per_started_day_down_to_the_floor():
    policy = LatePolicy(penalty_method="per_day", per_day=0.1, floor=0.5)
    assert policy.late_submission_penalty("ivanov", 10.0, 1.5 * DAY) == pytest.approx(2.0)
    assert policy.late_submission_penalty("ivanov", 10.0, 30 * DAY) == pytest.approx(5.0)
    assert LatePolicy(penalty_method="zero").late_submission_penalty("ivanov", 7.0, 60) == 7.0
    assert LatePolicy().late_submission_penalty("ivanov", 7.0, 60) is None


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A gradebook: lesson 01_sgd due DUE, 10 points; ivanov on time, petrov 36 hours late,
    sidorov 36 hours late with 2 days of extension; each scored 10."""
    path = tmp_path_factory.mktemp("late") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_assignment(LESSON, duedate=DUE)
        gb.add_notebook(LESSON, LESSON)
        gb.add_grade_cell("test_sgd_update_hidden", LESSON, LESSON, max_score=10,
                          cell_type="code")
        for student, late in (("ivanov", -1), ("petrov", 36), ("sidorov", 36)):
            gb.update_or_create_student(student)
            gb.add_submission(LESSON, student, timestamp=DUE + timedelta(hours=late))
            grade = gb.find_grade("test_sgd_update_hidden", LESSON, LESSON, student)
            grade.auto_score, grade.needs_manual_grade = 10.0, False
            gb.db.commit()
    return path


@pytest.fixture
def course(tmp_path, template_db):
    shutil.copyfile(template_db, tmp_path / "gradebook.db")
    return tmp_path


def _penalties(course):
    """Run nbgrader's AssignLatePenalties, configured by the course's nbgrader_config.py,
    for each student; {student: penalty}."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    found = {}
    for student in ("ivanov", "petrov", "sidorov"):
        resources = {"nbgrader": {"notebook": LESSON, "assignment": LESSON, "student": student,
                                  "db_url": f"sqlite:///{course / 'gradebook.db'}"}}
        AssignLatePenalties(config=config).preprocess(nbformat.v4.new_notebook(), resources)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("ivanov", "petrov", "sidorov"):
            found[student] = gb.find_submission(LESSON, student).late_submission_penalty
    return found


def test_the_courses_policy_penalises_late_work_through_nbgrader_and_extensions_count(course,
                                                                                    capsys):
    main(["extend", "sidorov", LESSON, "--days", "2", "--root", str(course)])
    assert "sidorov, урок 01_sgd: продление 2 дня" in capsys.readouterr().out
    assert _penalties(course) == {"ivanov": 0.0, "petrov": pytest.approx(2.0), "sidorov": 0.0}
    found = moodle.results(course, LESSON)
    assert found["petrov"].score == pytest.approx(8.0) and found["petrov"].penalty == 2.0
    assert "(штраф за опоздание: 2 балла)" in moodle.comment(LESSON, found["petrov"])


def test_an_extension_for_a_student_who_has_not_submitted_is_not_a_grade(course):
    main(["extend", "orlova", LESSON, "--days", "3", "--root", str(course)])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(LESSON, "orlova").duedate == DUE + timedelta(days=3)
    assert "orlova" not in moodle.results(course, LESSON)


def test_an_extension_of_a_lesson_without_a_due_date_is_refused_in_russian(course):
    """nbgrader's Submission.duedate fails on an extension without a due date, and with it
    autograde of that student: extend refuses in Russian and writes nothing."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(LESSON, duedate=None)
    with pytest.raises(SystemExit, match="нет срока сдачи, продлевать нечего"):
        main(["extend", "sidorov", LESSON, "--days", "3", "--root", str(course)])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(LESSON, "sidorov").extension is None
        assert gb.find_submission(LESSON, "sidorov").duedate is None


def test_grading_refuses_an_extension_left_on_a_lesson_without_a_due_date(course, capsys):
    """Such an extension (the due date removed after it was given) would make nbgrader fail
    on that student and zero them: autograde's check before grading names the student and
    the way out, and writes nothing; removing the extension clears it."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.grant_extension(LESSON, "sidorov", days=2)
        gb.update_or_create_assignment(LESSON, duedate=None)
    with pytest.raises(CannotGrade, match=r"sidorov \(01_sgd\).*--days 0"):
        record.check_generated(course, [LESSON])
    main(["extend", "sidorov", LESSON, "--days", "0", "--root", str(course)])
    assert "sidorov, урок 01_sgd: продление снято." in capsys.readouterr().out
    record.check_generated(course, [LESSON])


def test_worksheet_submission_times_become_nbgraders_timestamps(tmp_path):
    course = tmp_path
    (course / "submitted" / "Иван_Иванов" / LESSON).mkdir(parents=True)
    moodle.remember_participants(course, {"Иван_Иванов": "5023120"})
    sheet = ('\ufeffИдентификатор,"Полное имя",Оценка,"Максимальная оценка",'
             '"Последнее изменение (ответ)","Последнее изменение (оценка)"\n'
             'Участник5023120,"Иван Иванов",,"10,00","вторник, 16 февраля 2027, 9:14",-\n')
    moscow = timezone(timedelta(hours=3))
    assert moodle.stamp_times(course, LESSON, sheet.encode(), tz=moscow) == ["Иван_Иванов"]
    stamp = (course / "submitted" / "Иван_Иванов" / LESSON / "timestamp.txt").read_text()
    assert stamp == "2027-02-16 06:14:00.000000 UTC"
    assert moodle.parse_time("Tuesday, 16 February 2027, 9:14 PM", moscow) == datetime(
        2027, 2, 16, 21, 14, tzinfo=moscow)
    assert moodle.parse_time("-") is None
