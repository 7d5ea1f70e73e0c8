"""Autograde lessons for every student, in parallel and safely, on top of nbgrader.

1. Preparation (``_prepare``, no nbgrader: its pass cost half a second per notebook): deleted
   cells come back, test and read-only cells are taken from source/, as nbgrader's
   OverwriteCells would take them from the gradebook (and does again in step 3), outputs
   are cleared. Each lesson's solved and unsolved versions go with the students' work: the
   pre-flight probe.
2. ``jobs`` spawned worker processes run the prepared notebooks (``execute``): each kernel in
   its ``sandbox``, each hidden check decided by the judge in the worker. A worker that dies
   costs only the submission it was running (the others are run again, one by one).
3. Unless the probe came out right, nothing is recorded (``CannotGrade``). Otherwise one
   ``nbgrader autograde "*" --no-execute`` (in this process) in the real course records the
   executed notebooks: nbgrader computes every score from the outputs the judge wrote. A
   file that cannot be read gets 0 through nbgrader's API.

What happened to each submission (Russian notes) and the judge's verdicts are kept in the
course folder (``notes``), for ``report``.
"""

import copy
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import matplotlib
import nbformat
from nbgrader.api import Gradebook

from course.pipeline import execute, ids, intake, notes, sandbox
from course.nbgrader_apps import autograde_in_process
from course.nbmeta import grade_id, is_experiment
from course.russian import plural

# What nbgrader's exchange puts beside a submission; nbgrader needs them when it records the
# grades (the submission time) and releases feedback (the secret that names the student's copy).
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")
# The pre-flight probe: per lesson, the source notebook (every exercise solved) and the
# student version (nothing solved), graded as students are, under these names.
PROBE_RIGHT, PROBE_WRONG = "__проба_верная__", "__проба_пустая__"


@dataclass
class Outcome:
    """How one submission went: Russian notes for the instructor."""

    student: str
    lesson: str
    notes: list = field(default_factory=list)


def _marked(cells):
    """{grade_id: cell} of the cells with nbgrader marks, in order (the first of duplicates)."""
    found = {}
    for cell in cells:
        if grade_id(cell) is not None:
            found.setdefault(grade_id(cell), cell)
    return found


def _repaired(nb, release):
    """``nb`` made gradable by nbgrader, and the ids of the cells put back.

    Marks that are not the lesson's (cells of another lesson, a second cell with the same
    id) are dropped: they earn nothing, and nbgrader cannot grade a notebook with them.
    Deleted nbgrader cells come back from ``release`` (the student version: a deleted answer
    is the empty stub) after the cell that preceded them; nbgrader itself restores only test
    cells, and fails when the cell before a deleted one is gone too."""
    expected = _marked(release["cells"])
    seen = set()
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if gid is not None and (gid not in expected or gid in seen):
            del cell["metadata"]["nbgrader"]
        seen.add(gid)
    present, restored, previous = _marked(nb["cells"]), [], None
    for gid, cell in expected.items():
        if gid not in present:
            index = 0 if previous is None else next(
                i for i, c in enumerate(nb["cells"]) if c is present[previous]) + 1
            present[gid] = copy.deepcopy(cell)
            nb["cells"].insert(index, present[gid])
            restored.append(gid)
        previous = gid
    return nb, restored


def _failures(stderr, pairs, done_dir):
    """{(student, lesson): Russian reason} for the pairs nbgrader left out of ``done_dir``."""
    failed = {}
    lines = stderr.splitlines()
    for student, lesson in pairs:
        if (done_dir / student / lesson / f"{lesson}.ipynb").exists():
            continue
        marker = f"processing assignment '{lesson}' for student '{student}'"
        end = next((i for i, line in enumerate(lines) if marker in line), len(lines))
        errors = [line.strip() for line in lines[:end]
                  if re.match(r"^\s*[\w.]+(Error|Exception)\b", line)]
        failed[student, lesson] = errors[-1][:200] if errors else "причина не указана"
    return failed


def _from_source(nb, source):
    """``nb`` with what the student may not change taken from the lesson's ``source``: the
    text and marks of every test and read-only cell (hidden tests included), the marks and
    type of every answer cell; as nbgrader's OverwriteCells does from the gradebook (and
    does again when it records the scores). Outputs are cleared."""
    origin = _marked(source["cells"])
    for cell in nb["cells"]:
        mine = origin.get(grade_id(cell))
        if mine is not None:
            cell["metadata"]["nbgrader"] = copy.deepcopy(mine["metadata"]["nbgrader"])
            cell["cell_type"] = mine["cell_type"]
            if not mine["metadata"]["nbgrader"].get("solution"):
                cell["source"] = mine["source"]
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def _lesson_notebooks(course, lessons):
    """{(where, lesson): notebook} of each lesson's source/ and release/ versions, read as
    submissions are (``intake.read_notebook``)."""
    found = {}
    for lesson in lessons:
        for where in ("source", "release"):
            nb, reason = intake.read_notebook(course / where / lesson / f"{lesson}.ipynb")
            if nb is None:
                raise CannotGrade(f"Не читается {where}/{lesson}/{lesson}.ipynb ({reason}).")
            found[where, lesson] = nb
    return found


def _prepare(course, readable, versions, work):
    """Step 1 for the {(student, lesson): notebook} ``readable``: the prepared notebooks in
    <work>/stage/<student>/<lesson> (beside the other files the student sent) and {pair: ids
    of restored cells}. Deleted cells come back (``_repaired``), the cells the student may
    not change are taken from source/ and outputs cleared (``_from_source``); ``versions``:
    from ``_lesson_notebooks``."""
    stage = work / "stage"
    restored = {}
    for (student, lesson), nb in readable.items():
        folder = stage / student / lesson
        if (course / "submitted" / student / lesson).is_dir():
            shutil.copytree(course / "submitted" / student / lesson, folder, symlinks=True)
        folder.mkdir(parents=True, exist_ok=True)
        nb, restored[student, lesson] = _repaired(copy.deepcopy(nb),
                                                  versions["release", lesson])
        nb = _from_source(nb, versions["source", lesson])
        (folder / f"{lesson}.ipynb").write_text(json.dumps(nb), "utf-8")
    return stage, restored


@dataclass(frozen=True)
class Settings:
    """How submissions are run: see ``autograde``."""

    jobs: int = 0
    memory_gb: float = 4.0
    cell_timeout: int = 60
    notebook_timeout: int = 900
    processes: int = 64
    disk_mb: int = sandbox.Limits.disk_mb


def _run(prepared, executed, kit, settings, fonts, skip=frozenset(), shown=None, seed=None):
    """Step 2 for one notebook (in a worker): run it in the sandbox (``execute``) with the
    files of ``kit`` (the lesson's helpers) beside it; ``fonts``: matplotlib's font cache
    files to start from. An ``execute.Run`` and the names of the other files the submission
    brought, which were left out. ``skip``, ``shown`` and ``seed``: see ``execute.execute``."""
    extra = sorted(str(p.relative_to(prepared.parent)) for p in prepared.parent.rglob("*")
                   if p.is_file() and p != prepared and p.name not in NBGRADER_FILES
                   and not (kit / p.relative_to(prepared.parent)).is_file())
    nb = nbformat.read(prepared, as_version=4)
    with tempfile.TemporaryDirectory(prefix="course-run-") as work:
        run = execute.execute(nb, executed, kit, Path(work), settings.cell_timeout,
                              settings.notebook_timeout, memory_gb=settings.memory_gb,
                              processes=settings.processes, fonts=fonts, skip=skip,
                              shown=shown, disk_mb=settings.disk_mb, seed=seed)
    return run, extra


def _notes(run, extra, nb, lesson, cell_timeout, restored):
    """Russian notes on one executed submission."""
    said = []
    other = intake.lesson_of(nb)
    if other and other != lesson:
        said.append(f"сдан ноутбук урока {other}, а не {lesson}")
    elif restored:
        said.append("удалённые ячейки задания восстановлены из версии для студентов: "
                     + ", ".join(restored))
    for cells, one, many in (
            (run.killed, "аварийно завершила ядро", "аварийно завершали ядро"),
            (run.hung, f"не остановилась за {cell_timeout} с и была остановлена вместе с ядром",
             f"не остановились за {cell_timeout} с и были остановлены вместе с ядром"),
            (run.interrupted, f"прервана по пределу времени {cell_timeout} с",
             f"прерваны по пределу времени {cell_timeout} с"),
            (run.memory, "превысила предел памяти или числа процессов, и ядро было остановлено",
             "превышали предел памяти или числа процессов, и ядро останавливали"),
            (run.disk, "записала в папку работы больше, чем позволяет песочница, и ядро было "
             "остановлено", "записывали в папку работы больше, чем позволяет песочница, и ядро "
             "останавливали")):
        numbers = ", ".join(str(i + 1) for i in cells)
        if len(cells) == 1:
            said.append(f"ячейка {numbers} {one}: она засчитана как ошибочная, "
                         "остальные ячейки оценены")
        elif cells:
            said.append(f"ячейки {numbers} {many}: они засчитаны как ошибочные, "
                         "остальные ячейки оценены")
    if run.over_budget:
        said.append("время на весь ноутбук истекло: ячейки " + ", ".join(
            str(i + 1) for i in run.over_budget[:10]) + (", …" if len(run.over_budget) > 10
                                                           else "")
                    + " не выполнялись и засчитаны как ошибочные")
    if run.abandoned:
        said.append(f"ядро Python аварийно завершалось больше {execute.MAX_RESTARTS} раз, "
                     "поэтому ячейки " + ", ".join(str(i + 1) for i in run.abandoned)
                     + " не выполнялись и засчитаны как ошибочные")
    if extra:
        count = plural(len(extra), "лишний файл", "лишних файла", "лишних файлов")
        said.append(f"рядом с работой {count} ({', '.join(extra[:5])}"
                     + (", …" if len(extra) > 5 else "") + "): при оценивании не использовались")
    return said


class CannotGrade(Exception):
    """Nothing was graded and nothing written: there is no sandbox, a lesson was never built
    with nbgrader (it is not in gradebook.db), no kernel could be started, or the pre-flight
    probe failed. The message says which, in Russian."""


def autograde(course, lessons, students=None, settings=Settings(), progress=None,
              timings=None):
    """Grade each of ``lessons`` for ``students`` (default: everyone who submitted it under
    submitted/); a list of ``Outcome``, one per submission. ``progress``, if given, is
    called once per finished submission with its ``Outcome``.

    Before anything is recorded, each lesson's source notebook (all solved) and student
    version (nothing solved) are graded the same way: unless the first passes every judged
    check and the second none, grading stops with ``CannotGrade``.

    ``timings``, if a dict, receives the seconds spent: ``prepare`` (step 1), ``execute``
    (step 2, wall clock), ``record`` (nbgrader's pass) and ``per_notebook`` (the sums over
    notebooks of ``execute.Run.seconds``)."""
    timings = {} if timings is None else timings
    course = Path(course).resolve()
    if not sandbox.available():
        raise CannotGrade(
            "Песочница недоступна: нужны bubblewrap и prlimit (apt-get install bubblewrap "
            "util-linux), и bubblewrap должен уметь создавать пространства имён. Без неё код "
            "студентов увидел бы курс, эталон и чужие работы, поэтому python -m course "
            "autograde не оценивает (обычный nbgrader autograde работает, но без этих "
            "гарантий).")
    pairs = [(student, lesson) for lesson in lessons for student in sorted(
        p.parent.name for p in course.glob(f"submitted/*/{lesson}") if p.is_dir())
        if students is None or student in students]
    refused = _refused_ids(pairs)
    pairs = [pair for pair in pairs if pair not in refused]
    lessons = sorted({lesson for _, lesson in pairs})
    _check_generated(course, lessons)
    outcomes = {pair: Outcome(*pair) for pair in pairs}
    readable, unreadable = {}, []
    for student, lesson in pairs:
        nb, reason = intake.read_notebook(
            course / "submitted" / student / lesson / f"{lesson}.ipynb")
        if nb is None:
            unreadable.append((student, lesson))
            outcomes[student, lesson].notes.append(
                f"файл {lesson}.ipynb отсутствует или повреждён ({reason or 'нет файла'}): "
                "работа оценена в 0 баллов")
            if progress:
                progress(outcomes[student, lesson])
        else:
            readable[student, lesson] = nb
    runs = {}
    with tempfile.TemporaryDirectory(prefix="course-grading-") as work:
        work = Path(work)
        if readable:
            versions = _lesson_notebooks(course, lessons)
            probes = {(name, lesson): versions[where, lesson] for lesson in lessons
                      for name, where in ((PROBE_RIGHT, "source"), (PROBE_WRONG, "release"))}
            # the probes first: what a submission does later cannot make them fail
            failed, runs = _execute_all(course, {**probes, **readable}, versions, outcomes,
                                        work, settings, progress, timings)
            timings["per_notebook"] = {key: sum(run.seconds[key] for run in runs.values())
                                       for key in execute.Run().seconds}
            _check_probes(lessons, runs, failed)
            _keep_secret(course)
            unreadable += [pair for pair in failed if pair in readable]
            executed = [pair for pair in readable if pair not in unreadable]
            began = time.perf_counter()
            log = autograde_in_process(
                course, [f"--CourseDirectory.submitted_directory={work / 'executed'}"])
            timings["record"] = time.perf_counter() - began
            for pair, reason in _failures(log, executed, course / "autograded").items():
                outcomes[pair].notes.append(f"nbgrader не смог записать баллы ({reason}): "
                                            "работа оценена в 0 баллов")
                unreadable.append(pair)
    _record_zero(course, unreadable)
    notes.save(course, notes.AUTOGRADE, {pair: o.notes for pair, o in outcomes.items()})
    notes.save(course, notes.VERDICTS, {
        pair: [] if pair in unreadable or pair not in runs else
        [verdict.to_dict() for verdict in runs[pair].verdicts.values()] for pair in pairs})
    return [outcomes[pair] for pair in pairs] + list(refused.values())


def _refused_ids(pairs):
    """{pair: Outcome} of the submissions whose folder name is not a valid student id
    (``ids.is_valid``): they are not graded, and nothing of them reaches the gradebook."""
    return {(student, lesson): Outcome(student, lesson, [
        "имя папки не годится как имя студента (можно буквы, цифры, «_», «.», «-», и "
        "начинаться оно должно с буквы, цифры или «_»): работа не оценивалась"])
        for student, lesson in pairs if not ids.is_valid(student)}


def _check_probes(lessons, runs, failed):
    """Raise ``CannotGrade`` unless each lesson's right probe passed every judged check and
    the wrong one none."""
    from course.exercises import of_lesson

    for lesson in lessons:
        cells = {exercise.cell for exercise in of_lesson(lesson)}
        right, wrong = runs.get((PROBE_RIGHT, lesson)), runs.get((PROBE_WRONG, lesson))
        passed = {gid for gid, v in right.verdicts.items() if v.passed} if right else set()
        wrongly = {gid for gid, v in wrong.verdicts.items() if v.passed} if wrong else cells
        if passed != cells or wrongly:
            why = (f"решённый урок (source/{lesson}) не прошёл проверок "
                   f"{', '.join(sorted(cells - passed))}" if passed != cells else
                   f"нерешённый урок (release/{lesson}) прошёл проверки "
                   f"{', '.join(sorted(wrongly))}")
            note = failed.get((PROBE_RIGHT, lesson)) or failed.get((PROBE_WRONG, lesson)) or ""
            raise CannotGrade(
                f"Предварительная проба не удалась: {why}{f' ({note})' if note else ''}. "
                "Значит, оценивание в этом окружении дало бы неверные баллы (например, в "
                "песочнице не импортируется то, что нужно проверкам). Ничего не записано.")


def _execute_all(course, readable, versions, outcomes, work, settings, progress, timings):
    """Steps 1 and 2: the executed notebooks in <work>/executed/<student>/<lesson> (the
    probes' in <work>/probes); {pair: Russian reason} of those that failed and {pair: Run}."""
    began = time.perf_counter()
    prepared, restored = _prepare(course, readable, versions, work)
    timings["prepare"] = time.perf_counter() - began
    began = time.perf_counter()
    fonts = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    # the experiment cells, as the course's student version marks them (never a submission)
    skips = {lesson: frozenset(grade_id(c) for c in versions["release", lesson]["cells"]
                               if is_experiment(c)) for _, lesson in versions}
    tasks, failed = {}, {}
    for student, lesson in readable:
        probe = student in (PROBE_RIGHT, PROBE_WRONG)
        executed = work / ("probes" if probe else "executed") / student / lesson
        executed.mkdir(parents=True)
        for name in NBGRADER_FILES:
            path = course / "submitted" / student / lesson / name
            if not probe and path.is_file():
                shutil.copy(path, executed / name)
        shown = {grade_id(c): c["outputs"] for c in readable[student, lesson]["cells"]
                 if grade_id(c) in skips[lesson] and c["cell_type"] == "code"}
        tasks[student, lesson] = (prepared / student / lesson / f"{lesson}.ipynb",
                                  executed / f"{lesson}.ipynb", course / "release" / lesson,
                                  settings, fonts, skips[lesson], shown,
                                  _seed(course, student, lesson))
    runs = {}

    def finish(pair, result, error):
        outcome = outcomes.get(pair) or Outcome(*pair)
        if error is not None:
            shutil.rmtree(tasks[pair][1].parent, ignore_errors=True)
            failed[pair] = str(error)[:200]
            outcome.notes.append(
                f"при выполнении ноутбука произошла внутренняя ошибка ({type(error).__name__}"
                f": {str(error)[:200]}): работа оценена в 0 баллов; оцените её ещё раз "
                "или вручную")
        else:
            run, extra = result
            runs[pair] = run
            outcome.notes += _notes(run, extra, readable[pair], pair[1],
                                    settings.cell_timeout, restored[pair])
        if progress and pair in outcomes:
            progress(outcome)

    suspects = _pool(tasks, list(tasks), settings.jobs or os.cpu_count() or 1, finish)
    for pair in suspects:  # a worker died under them: each alone, so one costs only itself
        for again in _pool(tasks, [pair], 1, finish):
            finish(again, None, RuntimeError("процесс оценивания аварийно завершился"))
    timings["execute"] = time.perf_counter() - began
    return failed, runs


def _seed(course, student, lesson):
    """The seed of the hidden cases of a submission (``course.judge.seeds``), from the file
    as submitted (a probe: its lesson's source or release notebook)."""
    from course.judge import course_secret, submission_seed

    where = {PROBE_RIGHT: "source", PROBE_WRONG: "release"}.get(student)
    path = (course / where / lesson if where else course / "submitted" / student / lesson)
    try:
        notebook = (path / f"{lesson}.ipynb").read_bytes()
    except OSError:
        notebook = b""
    return submission_seed(course_secret(course), student, lesson, notebook)


def _keep_secret(course):
    """Write the course's secret (if new) before anything drawn with it is recorded."""
    from course.judge import keep_secret

    keep_secret(course)


def _pool(tasks, pairs, jobs, finish):
    """Run ``tasks`` of ``pairs`` in ``jobs`` spawned workers, calling ``finish(pair,
    result, error)`` for each; the pairs left unfinished when a worker died."""
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_run, *tasks[pair]): pair for pair in pairs}
        left = set(pairs)
        try:
            for future in as_completed(futures):
                pair = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise
                except execute.KernelStartFailed as error:
                    pool.shutdown(cancel_futures=True)
                    raise CannotGrade(
                        f"Ядро Python не запускается ({error}), хотя код студентов ещё не "
                        "выполнялся: дело в окружении курса, а не в работах. Оценивание "
                        "остановлено, баллы не записаны. Проверьте, что в этом окружении "
                        "работает `python -m ipykernel_launcher`.") from error
                except Exception as error:  # noqa: BLE001 (one submission must not stop the rest)
                    left.discard(pair)
                    finish(pair, None, error)
                    continue
                left.discard(pair)
                finish(pair, result, None)
        except BrokenProcessPool:
            return sorted(left)
    return []


def _check_generated(course, lessons):
    """Raise ``CannotGrade`` unless nbgrader's gradebook knows each of ``lessons``."""
    path = course / "gradebook.db"
    known = set()
    if path.is_file():
        with Gradebook(f"sqlite:///{path}") as gb:
            known = {assignment.name for assignment in gb.assignments}
    missing = [lesson for lesson in lessons if lesson not in known]
    if missing:
        raise CannotGrade(
            f"В {path} нет уроков {', '.join(missing)}: сначала соберите их "
            f"(python -m course build {' '.join(missing)}), потом оценивайте.")


def _record_zero(course, pairs):
    """Record 0 points, through nbgrader's gradebook, for submissions that could not be read."""
    if not pairs:
        return
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb, warnings.catch_warnings():
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
