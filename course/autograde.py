"""Autograde a lesson for every student, in parallel and safely, on top of nbgrader.

Phase A, in parallel (``jobs`` processes): every submission is executed by nbgrader's own
``autograde`` in a private staging copy of the course (a fresh temporary folder: its own
gradebook copy and folders, under a memory limit), so a submission can neither block another
one nor reach the real gradebook by a relative path. A submission whose kernel dies is executed again cell by cell
(``course.execute``): a cell that kills the kernel gets an error output and the kernel is
restarted, so the death costs only the cells it hits.

Phase B, serial and quick: ``nbgrader autograde --no-execute`` in the real course records the
grades of the executed notebooks in the real gradebook. nbgrader computes every score; a
submission that could not be read is recorded with 0 points through nbgrader's API.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook

from course.build import run_nbgrader


@dataclass
class Outcome:
    """How one student's submission went: Russian notes for the report."""

    student: str
    notes: list = field(default_factory=list)


def _limit_memory(gigabytes):
    def apply():
        limit = int(gigabytes * 2 ** 30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def _stage(course, lesson, student, work):
    """A private course copy holding just this student's submission; its path."""
    stage = work / "stage" / student
    (stage / "submitted").mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", stage / "nbgrader_config.py")
    shutil.copy(course / "gradebook.db", stage / "gradebook.db")
    shutil.copytree(course / "source" / lesson, stage / "source" / lesson,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    shutil.copytree(course / "submitted" / student / lesson,
                    stage / "submitted" / student / lesson)
    return stage


def _readable(path):
    try:
        nb = json.loads(path.read_text("utf-8"))
        return isinstance(nb, dict) and isinstance(nb.get("cells"), list)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


def _grade_one(course, lesson, student, work, memory_gb, cell_timeout):
    """Phase A for one student: the executed notebook goes to <work>/executed."""
    outcome = Outcome(student)
    submitted = course / "submitted" / student / lesson / f"{lesson}.ipynb"
    executed = work / "executed" / student / lesson
    if not submitted.exists():
        outcome.notes.append(f"нет файла {lesson}.ipynb: работа оценена в 0 баллов")
        return outcome
    if not _readable(submitted):
        outcome.notes.append("файл работы повреждён (это не ноутбук): работа оценена в 0 баллов")
        return outcome
    executed.mkdir(parents=True)
    stage = _stage(course, lesson, student, work)
    done = _nbgrader_in(stage, ["autograde", lesson, "--student", student, "--force",
                                f"--Execute.timeout={cell_timeout}"], memory_gb)
    result = stage / "autograded" / student / lesson / f"{lesson}.ipynb"
    if done.returncode == 0 and result.exists() and "DeadKernelError" not in done.stderr:
        shutil.copy(result, executed / f"{lesson}.ipynb")
    else:
        killers = _execute_cell_by_cell(course, lesson, stage, student, executed, memory_gb,
                                        cell_timeout)
        if killers:
            outcome.notes.append(
                "ядро аварийно завершалось в ячейках " + ", ".join(str(i + 1) for i in killers)
                + ": они засчитаны как ошибочные, остальные ячейки оценены")
        else:
            outcome.notes.append("nbgrader не смог выполнить работу; она выполнена по ячейкам")
    timestamp = submitted.parent / "timestamp.txt"
    if timestamp.exists():
        shutil.copy(timestamp, executed / "timestamp.txt")
    return outcome


def _nbgrader_in(stage, args, memory_gb):
    """nbgrader in a staging course, memory-limited (the limit passes on to the kernel)."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"],
        cwd=stage, capture_output=True, text=True, preexec_fn=_limit_memory(memory_gb),
        env={**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
             + os.environ.get("PATH", "")})


def _execute_cell_by_cell(course, lesson, stage, student, executed, memory_gb, cell_timeout):
    """nbgrader sanitizes (restores test cells, no execution), course.execute runs the
    result cell by cell in a memory-limited subprocess; the indices of killer cells."""
    done = _nbgrader_in(stage, ["autograde", lesson, "--student", student, "--force",
                                "--no-execute", "--ClearOutput.enabled=True"], memory_gb)
    folder = stage / "autograded" / student / lesson
    sanitized = folder / f"{lesson}.ipynb"
    if done.returncode != 0 or not sanitized.exists():
        raise RuntimeError(f"nbgrader could not sanitize {student}: {done.stderr[-2000:]}")
    done = subprocess.run(
        [sys.executable, "-m", "course.execute", str(sanitized), str(executed / f"{lesson}.ipynb"),
         str(folder), str(cell_timeout)],
        capture_output=True, text=True, preexec_fn=_limit_memory(memory_gb))
    if done.returncode != 0:
        raise RuntimeError(f"course.execute failed for {student}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def autograde(course, lesson, students=None, jobs=None, memory_gb=4.0, cell_timeout=60,
              progress=None):
    """Grade ``lesson`` for ``students`` (default: everyone under submitted/); a list of
    ``Outcome``. ``progress``, if given, is called once per finished student."""
    course = Path(course).resolve()
    if students is None:
        students = sorted(p.parent.name for p in course.glob(f"submitted/*/{lesson}"))
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="course-grading-") as work:
        work = Path(work)
        (work / "executed").mkdir()

        def task(student):
            outcome = _grade_one(course, lesson, student, work, memory_gb, cell_timeout)
            if progress:
                progress(outcome)
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(task, students))
        done = run_nbgrader(["autograde", lesson, "--no-execute", "--force",
                             f"--CourseDirectory.submitted_directory={work / 'executed'}"],
                            course)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader autograde --no-execute failed:\n{done.stderr[-3000:]}")
        unread = [s for s in students if not (work / "executed" / s / lesson).exists()]
    _record_zero(course, lesson, unread)
    return outcomes


def _record_zero(course, lesson, students):
    """Record 0 points, through nbgrader's gradebook, for submissions that could not be read."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            gb.update_or_create_student(student)
            submission = gb.update_or_create_submission(lesson, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()
