"""Autograde lessons for every student, in parallel and safely, on top of nbgrader: the
orchestration. Each submission is one ``Submission`` record that the stages fill in:

1. read (``course.notebooks``) and prepared in memory (``course.pipeline.prepare``: its
   list of transformations), with each lesson's solved and unsolved versions as the
   pre-flight probe;
2. run by ``jobs`` spawned workers (``execute``): each kernel in its ``sandbox``, each hidden
   check decided by the judge in the worker. A worker that dies costs only the submission it
   was running (the others are run again, one by one);
3. unless the probe came out right, nothing is recorded (``CannotGrade``); otherwise nbgrader
   records the scores from the outputs the judge wrote (``course.pipeline.record``), and a
   submission that could not be run gets 0;
4. scanned (``course.pipeline.scan``) and saved in the ledger (``submission.save``), which
   the report and everything later read.
"""

import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import matplotlib
import nbformat

from course import notebooks
from course.judge.seeds import course_secret, keep_secret, submission_seed
from course.pipeline import execute, ids, notes, record, sandbox, scan, submission
from course.pipeline.limits import Limits
from course.pipeline.prepare import LessonVersions, prepare
from course.pipeline.submission import CannotGrade, Settings, Submission

__all__ = ["autograde", "CannotGrade", "Settings", "Submission", "Limits"]

# What nbgrader's exchange puts beside a submission; nbgrader needs them when it records the
# grades (the submission time) and releases feedback (the secret that names the student's copy).
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")
# The pre-flight probe: per lesson, the source notebook (every exercise solved) and the
# student version (nothing solved), graded as students are, under these names.
PROBE_RIGHT, PROBE_WRONG = "__проба_верная__", "__проба_пустая__"


@dataclass(frozen=True)
class Task:
    """What a worker needs to run one prepared submission (see ``_run``)."""

    prepared: dict   # the prepared notebook (``course.pipeline.prepare``)
    executed: Path   # where the executed, judged notebook goes
    kit: Path        # the lesson's helper files (release/<lesson>)
    limits: Limits
    fonts: tuple     # matplotlib's font cache files to start from
    skip: frozenset  # grade_ids of the experiment cells, not run
    shown: dict      # {grade_id: outputs} the student's notebook had in them
    seed: int        # of the hidden cases (``course.judge.seeds``)


def _run(task):
    """Step 2 for one notebook (in a worker): its ``execute.Run``."""
    with tempfile.TemporaryDirectory(prefix="course-run-") as work:
        return execute.execute(nbformat.from_dict(task.prepared), task.executed, task.kit,
                               Path(work), task.limits, fonts=task.fonts, skip=task.skip,
                               shown=task.shown, seed=task.seed)


def _extra(folder, lesson, kit):
    """The files the student sent beside the notebook that grading leaves out (the kit's
    own files and nbgrader's are not theirs)."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder) != Path(f"{lesson}.ipynb")
                  and p.name not in NBGRADER_FILES
                  and not (kit / p.relative_to(folder)).is_file())


def _read(root, student, lesson):
    """The record of ``student``'s ``lesson`` as intake left it, with the notebook read."""
    found = submission.load(root, student, lesson)
    found = Submission(student, lesson, intake_notes=found.intake_notes)
    found.notebook, reason = notebooks.read_notebook(
        root / "submitted" / student / lesson / f"{lesson}.ipynb")
    if found.notebook is None:
        found.unreadable = reason or "нет файла"
        found.notes.append(notes.unreadable(lesson, reason))
    return found


def _versions(root, lessons):
    """{lesson: LessonVersions}, read as submissions are."""
    found = {}
    for lesson in lessons:
        nbs = {}
        for where in ("source", "release"):
            nbs[where], reason = notebooks.read_notebook(
                root / where / lesson / f"{lesson}.ipynb")
            if nbs[where] is None:
                raise CannotGrade(f"Не читается {where}/{lesson}/{lesson}.ipynb ({reason}).")
        found[lesson] = LessonVersions(lesson, **nbs)
    return found


def _require_sandbox():
    if not sandbox.available():
        raise CannotGrade(
            "Песочница недоступна: нужны bubblewrap и prlimit (apt-get install bubblewrap "
            "util-linux), и bubblewrap должен уметь создавать пространства имён. Без неё код "
            "студентов увидел бы курс, эталон и чужие работы, поэтому python -m course "
            "autograde не оценивает (обычный nbgrader autograde работает, но без этих "
            "гарантий).")


def autograde(root, lessons, students=None, settings=None, progress=None, timings=None):
    """Grade each of ``lessons`` for ``students`` (default: everyone who submitted it under
    submitted/) with ``settings`` (default: ``Settings()``); the list of ``Submission``
    records, also saved in the ledger.
    ``progress``, if given, is called once per finished submission with its record.

    Before anything is recorded, each lesson's source notebook (all solved) and student
    version (nothing solved) are graded the same way: unless the first passes every judged
    check and the second none, grading stops with ``CannotGrade``.

    ``timings``, if a dict, receives the seconds spent: ``prepare`` (step 1), ``execute``
    (step 2, wall clock), ``record`` (nbgrader's pass) and ``per_notebook`` (the sums over
    notebooks of ``execute.Run.seconds``)."""
    timings = {} if timings is None else timings
    settings = settings or Settings()
    root = Path(root).resolve()
    _require_sandbox()
    found = [_read(root, student, lesson) for lesson in lessons for student in sorted(
        p.parent.name for p in root.glob(f"submitted/*/{lesson}") if p.is_dir())
        if students is None or student in students]
    refused = [s for s in found if not ids.is_valid(s.student)]
    found = [s for s in found if ids.is_valid(s.student)]
    for s in refused:
        s.notes = [notes.refused_id()]
    lessons = sorted({s.lesson for s in found})
    record.check_generated(root, lessons)
    readable = [s for s in found if s.unreadable is None]
    for s in found:
        if s.unreadable is not None and progress:
            progress(s)
    with tempfile.TemporaryDirectory(prefix="course-grading-") as work:
        work = Path(work)
        if readable:
            versions = _versions(root, lessons)
            probes = [_probe(name, versions[lesson].source if where == "source"
                             else versions[lesson].release, lesson)
                      for lesson in lessons
                      for name, where in ((PROBE_RIGHT, "source"), (PROBE_WRONG, "release"))]
            _execute_all(root, readable, probes, versions, work, settings, progress, timings)
            _check_probes(lessons, probes)
            keep_secret(root)  # before anything drawn with it is recorded
            executed = [s for s in readable if s.failure is None]
            failed = record.record(root, work / "executed", [s.pair for s in executed],
                                   timings)
            for s in executed:
                if s.pair in failed:
                    s.failure = failed[s.pair]
                    s.notes.append(notes.not_recorded(s.failure))
    record.record_zero(root, [s.pair for s in found if not s.graded])
    for s in found:
        s.flags = scan.scan_folder(root / "submitted" / s.student / s.lesson, s.lesson)
        submission.save(root, s)
    return found + refused


def _probe(name, nb, lesson):
    probe = Submission(name, lesson)
    probe.notebook = nb
    return probe


def _check_probes(lessons, probes):
    """Raise ``CannotGrade`` unless each lesson's right probe passed every judged check and
    the wrong one none."""
    from course.exercises import ALL, of_lesson

    by = {p.pair: p for p in probes}
    for lesson in lessons:
        cells = {exercise.name for exercise in of_lesson(lesson)}
        right, wrong = by[PROBE_RIGHT, lesson], by[PROBE_WRONG, lesson]
        passed = {v["exercise"] for v in right.verdicts if v["passed"]}
        wrongly = ({v["exercise"] for v in wrong.verdicts if v["passed"]}
                   if wrong.run is not None else cells)
        if passed != cells or wrongly:
            why = (f"решённый урок (source/{lesson}) не прошёл проверок "
                   f"{', '.join(sorted(ALL[n].cell for n in cells - passed))}"
                   if passed != cells else
                   f"нерешённый урок (release/{lesson}) прошёл проверки "
                   f"{', '.join(sorted(ALL[n].cell for n in wrongly))}")
            note = right.failure or wrong.failure or ""
            raise CannotGrade(
                f"Предварительная проба не удалась: {why}{f' ({note})' if note else ''}. "
                "Значит, оценивание в этом окружении дало бы неверные баллы (например, в "
                "песочнице не импортируется то, что нужно проверкам). Ничего не записано.")


def _execute_all(root, readable, probes, versions, work, settings, progress, timings):
    """Steps 1 and 2 for the records ``readable`` and ``probes``: the executed notebooks in
    <work>/executed/<student>/<lesson> (the probes' in <work>/probes); each record gets its
    ``run``, ``verdicts``, ``extra`` and notes, or its ``failure``."""
    began = time.perf_counter()
    tasks = {}
    fonts = tuple(sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json")))
    probe_pairs = {p.pair for p in probes}
    for s in [*probes, *readable]:  # the probes first: no submission can make them fail
        is_probe, kit = s.pair in probe_pairs, root / "release" / s.lesson
        submitted = root / "submitted" / s.student / s.lesson
        executed = work / ("probes" if is_probe else "executed") / s.student / s.lesson
        executed.mkdir(parents=True)
        if not is_probe:
            s.extra = _extra(submitted, s.lesson, kit)
            for name in NBGRADER_FILES:
                if (submitted / name).is_file() and not (submitted / name).is_symlink():
                    shutil.copy(submitted / name, executed / name)
        tasks[s.pair] = Task(prepare(s, versions[s.lesson]), executed / f"{s.lesson}.ipynb",
                             kit, settings.limits, fonts, versions[s.lesson].experiments,
                             s.shown, _seed(root, s.student, s.lesson))
    timings["prepare"] = time.perf_counter() - began
    began = time.perf_counter()
    by = {s.pair: s for s in [*probes, *readable]}

    def finish(pair, result, error):
        s = by[pair]
        if error is not None:
            shutil.rmtree(tasks[pair].executed.parent, ignore_errors=True)
            s.failure = f"{type(error).__name__}: {str(error)[:200]}"
            s.notes.append(notes.internal_error(error))
        else:
            run = result
            s.run = run.summary()
            s.verdicts = [verdict.to_dict() for verdict in run.verdicts.values()]
            s.notes += notes.of_run(s, run, settings.limits)
        if progress and pair not in probe_pairs:
            progress(s)

    suspects = _pool(tasks, list(tasks), settings.jobs or os.cpu_count() or 1, finish)
    for pair in suspects:  # a worker died under them: each alone, so one costs only itself
        for again in _pool(tasks, [pair], 1, finish):
            finish(again, None, RuntimeError("процесс оценивания аварийно завершился"))
    timings["execute"] = time.perf_counter() - began
    timings["per_notebook"] = {key: sum(s.run["seconds"][key] for s in by.values() if s.run)
                               for key in execute.Run().seconds}


def _seed(root, student, lesson):
    """The seed of the hidden cases of a submission (``course.judge.seeds``), from the file
    as submitted (a probe: its lesson's source or release notebook)."""
    where = {PROBE_RIGHT: "source", PROBE_WRONG: "release"}.get(student)
    path = (root / where / lesson if where else root / "submitted" / student / lesson)
    try:
        notebook = (path / f"{lesson}.ipynb").read_bytes()
    except OSError:
        notebook = b""
    return submission_seed(course_secret(root), student, lesson, notebook)


def _pool(tasks, pairs, jobs, finish):
    """Run ``tasks`` of ``pairs`` in ``jobs`` spawned workers, calling ``finish(pair,
    result, error)`` for each; the pairs left unfinished when a worker died."""
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_run, tasks[pair]): pair for pair in pairs}
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
