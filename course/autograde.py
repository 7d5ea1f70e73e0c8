"""Autograde a lesson for every student, in parallel and safely, on top of nbgrader.

1. nbgrader prepares: ``nbgrader autograde --no-execute`` (outputs cleared) in a staging copy
   of the course restores every test cell from the gradebook, as plain autograde would.
2. In parallel (``jobs`` at a time), each prepared notebook runs in a private temporary folder
   under a memory limit (``course.execute``: nbclient, as nbgrader's own Execute). A cell that
   kills the kernel gets an error output and the kernel restarts, so the death costs only the
   cells it hits; a cell that runs too long is interrupted.
3. ``nbgrader autograde --no-execute`` in the real course records the executed notebooks:
   nbgrader computes every score. A file that cannot be read gets 0 through nbgrader's API.
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


def _readable(path):
    try:
        nb = json.loads(path.read_text("utf-8"))
        return isinstance(nb, dict) and isinstance(nb.get("cells"), list)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


def _prepare(course, lesson, students, work):
    """Step 1: the prepared notebooks, in <work>/stage/autograded/<student>/<lesson>."""
    stage = work / "stage"
    (stage / "submitted").mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", stage / "nbgrader_config.py")
    shutil.copy(course / "gradebook.db", stage / "gradebook.db")
    shutil.copytree(course / "source" / lesson, stage / "source" / lesson,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for student in students:
        shutil.copytree(course / "submitted" / student / lesson,
                        stage / "submitted" / student / lesson)
    done = run_nbgrader(["autograde", lesson, "--force", "--no-execute",
                         "--ClearOutput.enabled=True"], stage)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader could not prepare {lesson}: {done.stderr[-3000:]}")
    return stage / "autograded"


def _run(prepared, executed, memory_gb, cell_timeout):
    """Step 2 for one notebook, in a private folder; the indices of killer cells."""
    private = Path(tempfile.mkdtemp(prefix="course-run-"))
    try:
        folder = private / prepared.parent.name
        shutil.move(str(prepared.parent), folder)
        done = subprocess.run(
            [sys.executable, "-m", "course.execute", str(folder / prepared.name), str(executed),
             str(folder), str(cell_timeout)],
            capture_output=True, text=True, preexec_fn=_limit_memory(memory_gb))
        if done.returncode != 0:
            raise RuntimeError(f"course.execute failed: {done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(private, ignore_errors=True)


def autograde(course, lesson, students=None, jobs=None, memory_gb=4.0, cell_timeout=60,
              progress=None):
    """Grade ``lesson`` for ``students`` (default: everyone under submitted/); a list of
    ``Outcome``. ``progress``, if given, is called once per finished student."""
    course = Path(course).resolve()
    if students is None:
        students = sorted(p.parent.name for p in course.glob(f"submitted/*/{lesson}"))
    outcomes = {s: Outcome(s) for s in students}
    readable = []
    for student in students:
        if _readable(course / "submitted" / student / lesson / f"{lesson}.ipynb"):
            readable.append(student)
        else:
            outcomes[student].notes.append(
                f"файл {lesson}.ipynb отсутствует или повреждён: работа оценена в 0 баллов")
            if progress:
                progress(outcomes[student])
    with tempfile.TemporaryDirectory(prefix="course-grading-") as work:
        work = Path(work)
        prepared = _prepare(course, lesson, readable, work) if readable else None

        def task(student):
            outcome = outcomes[student]
            executed = work / "executed" / student / lesson
            executed.mkdir(parents=True)
            killers = _run(prepared / student / lesson / f"{lesson}.ipynb",
                           executed / f"{lesson}.ipynb", memory_gb, cell_timeout)
            if killers:
                outcome.notes.append(
                    "ядро аварийно завершалось в ячейках "
                    + ", ".join(str(i + 1) for i in killers)
                    + ": они засчитаны как ошибочные, остальные ячейки оценены")
            timestamp = course / "submitted" / student / lesson / "timestamp.txt"
            if timestamp.exists():
                shutil.copy(timestamp, executed / "timestamp.txt")
            if progress:
                progress(outcome)

        with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            list(pool.map(task, readable))
        if readable:
            done = run_nbgrader(["autograde", lesson, "--no-execute", "--force",
                                 f"--CourseDirectory.submitted_directory={work / 'executed'}"],
                                course)
            if done.returncode != 0:
                raise RuntimeError(f"nbgrader autograde --no-execute failed:\n{done.stderr[-3000:]}")
    _record_zero(course, lesson, [s for s in students if s not in readable])
    return [outcomes[s] for s in students]


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
