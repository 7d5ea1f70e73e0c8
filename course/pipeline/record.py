"""nbgrader's part in grading: the gradebook must know each lesson and be able to record it
(``check_generated``),
nbgrader records the scores of the executed notebooks (``record``), and a submission that
could not be run gets 0 points through nbgrader's API (``record_zero``)."""

import time
import warnings

from nbgrader.api import Gradebook

from course.nbgrader_apps import autograde_in_process
from course.pipeline.submission import CannotGrade


def _gradebook(root):
    return Gradebook(f"sqlite:///{root / 'gradebook.db'}")


def check_generated(root, lessons):
    """Raise ``CannotGrade`` unless nbgrader's gradebook in ``root`` knows each of
    ``lessons`` and can record them: no extension on a lesson without a due date (nbgrader's
    ``Submission.duedate`` fails on one, and would zero that student)."""
    path = root / "gradebook.db"
    known, stranded = set(), []
    if path.is_file():
        with _gradebook(root) as gb:
            known = {assignment.name for assignment in gb.assignments}
            stranded = [(s.assignment.name, s.student.id) for lesson in lessons if lesson in known
                        for s in gb.find_assignment(lesson).submissions
                        if s.extension is not None and s.assignment.duedate is None]
    missing = [lesson for lesson in lessons if lesson not in known]
    if missing:
        raise CannotGrade(
            f"В {path} нет уроков {', '.join(missing)}: сначала соберите их "
            f"(python -m course build {' '.join(missing)}), потом оценивайте.")
    if stranded:
        raise CannotGrade(
            "Продление без срока сдачи урока: " + ", ".join(
                f"{student} ({lesson})" for lesson, student in stranded)
            + ". nbgrader не сможет записать их баллы. Задайте урокам срок сдачи или снимите "
            "продления (python -m course extend СТУДЕНТ УРОК --days 0), потом оценивайте.")


def record(root, executed, pairs, timings):
    """Let nbgrader record the scores of the executed notebooks under ``executed``
    (<student>/<lesson>/<lesson>.ipynb) in ``root``: nbgrader computes every score from
    the outputs the judge wrote. {(student, lesson): Russian reason} for those of ``pairs``
    it did not record; ``timings["record"]``: the seconds spent."""
    began = time.perf_counter()
    errors = autograde_in_process(
        root, [f"--CourseDirectory.submitted_directory={executed}"])
    timings["record"] = time.perf_counter() - began
    failed = {}
    for student, lesson in pairs:
        error = errors.get((student, lesson))
        if error is not None:
            failed[student, lesson] = f"{type(error).__name__}: {error}"[:200]
        elif not (root / "autograded" / student / lesson / f"{lesson}.ipynb").exists():
            failed[student, lesson] = "причина не указана"
    return failed


def record_zero(root, pairs):
    """Record 0 points, through nbgrader's gradebook, for the (student, lesson) ``pairs``."""
    if not pairs:
        return
    with _gradebook(root) as gb, warnings.catch_warnings():
        # nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warnings
        # (harmless: the rows are added explicitly); the instructor should not see them.
        warnings.simplefilter("ignore")
        for student, lesson in pairs:
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(lesson, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()
