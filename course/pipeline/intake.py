"""Take in submissions from the layouts instructors really get, into nbgrader's submitted/.

Layouts (``detect`` tells them apart):
    nbgrader   <src>/<student>/<lesson>/<anything>.ipynb  (a copy of someone's submitted/)
    moodle     <src>/<Full Name>_<id>_assignsubmission_file_/<anything>.ipynb (bulk download;
               the student is <Full_Name>, or <Full_Name>_<id> for namesakes)
    files      <src>/<student>.ipynb, <student>_<lesson>.ipynb or <lesson>_<student>.ipynb
``src`` may be a folder or a .zip of one. Originals are only read; every accepted notebook is
copied to submitted/<student>/<lesson>/<lesson>.ipynb, whatever the student named it. A
student whose files are all unusable (empty, broken, another lesson's) has the newest of them
copied all the same, so that autograde gives 0 points and the report says why; unless a
usable submission was taken in before, which is then kept. The notes go to
``course.pipeline.notes``.
"""

import json
import re
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from course.pipeline import moodle, notes
from course.lessons import LESSONS, exercises
from course.nbmeta import grade_id, marks
from course.russian import plural

MAX_BYTES = 64 * 2 ** 20  # a notebook of the course with its plots is well under 10 MB
MAX_CELL = 2 ** 20
# nbgrader's cell marks and the types they may have; anything else is dropped.
MARK_TYPES = {"grade": (bool,), "solution": (bool,), "locked": (bool,), "task": (bool,),
              "grade_id": (str,), "points": (int, float), "schema_version": (int,),
              "checksum": (str,)}
MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_")


@dataclass
class Intake:
    """What happened to each student's files: accepted notebooks and Russian notes."""

    accepted: dict = field(default_factory=dict)   # student -> source path taken
    notes: dict = field(default_factory=dict)      # student -> [Russian sentences]
    unusable: set = field(default_factory=set)     # accepted, but nothing in it can be graded
    conflicts: dict = field(default_factory=dict)  # student -> names of differing files, none taken

    def note(self, student, text):
        self.notes.setdefault(student, []).append(text)


def _student_id(text):
    """A folder-safe student id: spaces and odd characters become '_'."""
    return re.sub(r"[^\w.-]+", "_", text.strip(), flags=re.U).strip("_") or "без_имени"


def lesson_of(nb):
    """The lesson whose exercises this notebook holds (by nbgrader grade ids), or None."""
    ids = {grade_id(c) for c in nb.get("cells", [])}
    for lesson in LESSONS:
        if ids & set(exercises(lesson)):
            return lesson
    return None


def read_notebook(path):
    """(the notebook, None), or (None, a Russian reason why it cannot be read).

    The notebook is rebuilt from what nbgrader needs (``clean``), so nothing a submission
    holds beyond that (deep nesting, odd types, attachments, outputs) reaches nbgrader."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            return None, f"файл больше {MAX_BYTES // 2 ** 20} МБ"
        raw = Path(path).read_bytes()
    except OSError as error:
        return None, f"файл не читается ({type(error).__name__})"
    if not raw.strip():
        return None, "пустой файл"
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, f"файл повреждён, это не JSON ({type(error).__name__})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "это не ноутбук Jupyter (нет списка ячеек)"
    return clean(nb)


def _text(source):
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def clean(nb):
    """(a minimal nbformat 4 notebook with the cells of ``nb``, None), or (None, reason).

    Kept per cell: its type, its text, nbgrader's marks (only the keys nbgrader uses, with
    their proper types; malformed marks are dropped, so the cell earns nothing) and, for code
    cells, the outputs that can be shown safely (``shown_outputs``)."""
    cells = []
    for index, cell in enumerate(nb["cells"]):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        text = _text(cell.get("source")) if isinstance(cell, dict) else None
        if kind not in ("code", "markdown", "raw") or text is None:
            return None, f"ячейка {index + 1} повреждена (нет типа или текста)"
        if len(text) > MAX_CELL:
            return None, f"ячейка {index + 1} длиннее {MAX_CELL // 2 ** 20} МБ"
        new = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}, "source": text}
        if kind == "code":
            new.update(outputs=shown_outputs(cell.get("outputs")), execution_count=None)
        found = marks(cell)
        if grade_id(cell) and re.fullmatch(r"[\w-]{1,100}", grade_id(cell)):
            new["metadata"]["nbgrader"] = {
                key: found[key] for key, kinds in MARK_TYPES.items()
                if key in found and type(found[key]) in kinds}
        cells.append(new)
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernel, "language_info": {
        "name": "python"}}, "nbformat": 4, "nbformat_minor": 5}, None


SHOWN_TYPES = {"text/plain", "image/png"}
MAX_SHOWN = 2 ** 20  # characters of one output kept


def shown_outputs(outputs):
    """The outputs of a submitted code cell that may be shown in feedback: text streams,
    plain text and PNG images, each at most ``MAX_SHOWN`` characters; nothing else."""
    kept = []
    for out in outputs if isinstance(outputs, list) else []:
        kind = out.get("output_type") if isinstance(out, dict) else None
        text = _text(out.get("text")) if kind == "stream" else None
        if text is not None and out.get("name") in ("stdout", "stderr"):
            kept.append({"output_type": "stream", "name": out["name"], "text": text[:MAX_SHOWN]})
        elif kind in ("display_data", "execute_result") and isinstance(out.get("data"), dict):
            data = {mime: _text(value) for mime, value in out["data"].items()
                    if mime in SHOWN_TYPES and _text(value) is not None
                    and len(_text(value)) <= MAX_SHOWN}
            if data:
                kept.append({"output_type": "display_data", "data": data, "metadata": {}})
    return kept


def detect(root):
    """'nbgrader', 'moodle' or 'files' for an unpacked submissions folder."""
    folders = [p for p in root.iterdir() if p.is_dir()]
    if any(MOODLE_FOLDER.match(p.name) for p in folders):
        return "moodle"
    if any(p.is_dir() for f in folders for p in f.iterdir()):
        return "nbgrader"
    return "files"


def _candidates(root, lesson, layout, participants=None):
    """{student: [notebook paths]} for the layout; Moodle's participant numbers go into
    ``participants`` ({student: number})."""
    found = {}
    if layout == "nbgrader":
        for path in sorted(root.glob("*/*/*.ipynb")):
            found.setdefault(_student_id(path.parent.parent.name), []).append(path)
    elif layout == "moodle":
        matches = [(folder, MOODLE_FOLDER.match(folder.name))
                   for folder in sorted(p for p in root.iterdir() if p.is_dir())]
        matches = [(folder, m) for folder, m in matches if m]
        ids = {}
        for _, m in matches:
            ids.setdefault(_student_id(m["name"]), set()).add(m["id"])
        for folder, m in matches:
            student = _student_id(m["name"])
            if len(ids[student]) > 1:  # namesakes: Moodle's participant id tells them apart
                student = f"{student}_{m['id']}"
            if participants is not None:
                participants[student] = m["id"]
            found.setdefault(student, []).extend(sorted(folder.rglob("*.ipynb")))
    else:
        for path in sorted(root.rglob("*.ipynb")):
            stem = re.sub(re.escape(lesson), "", path.stem).strip(" _-.")
            stem = re.sub(r"\s*\(\d+\)$", "", stem)
            found.setdefault(_student_id(stem), []).append(path)
    return found


def take_in(src, lesson, course_dir, layout=None):
    """Copy the submissions of ``lesson`` found in ``src`` (folder or .zip) into
    ``course_dir``/submitted; returns an ``Intake``. Nothing under ``src`` is changed."""
    src = Path(src)
    with tempfile.TemporaryDirectory() as unpacked:
        if src.is_file():
            with zipfile.ZipFile(src) as archive:
                archive.extractall(unpacked)
            root = Path(unpacked)
        else:
            root = src
        layout = layout or detect(root)
        report, numbers = Intake(), {}
        for student, paths in _candidates(root, lesson, layout, numbers).items():
            _take_student(student, paths, lesson, Path(course_dir), report, layout)
    # Moodle's participant numbers, for the grades sent back (course.pipeline.moodle)
    moodle.remember_participants(course_dir, {s: n for s, n in numbers.items()
                                              if s in report.accepted})
    notes.save(course_dir, notes.INTAKE,
               {(student, lesson): report.notes.get(student, []) for student in
                set(report.accepted) | set(report.notes)})
    return report


def _take_student(student, paths, lesson, course_dir, report, layout):
    usable, unusable = [], []
    for path in paths:
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb, problem = read_notebook(path)
        if not problem:
            other = lesson_of(nb)
            if other and other != lesson:
                problem = f"ноутбук урока {other}, а не {lesson}"
        if problem:
            report.note(student, f"«{path.name}»: {problem}")
            unusable.append(path)
        else:
            usable.append(path)
    target = course_dir / "submitted" / student / lesson / f"{lesson}.ipynb"
    if not usable:
        if not unusable:
            report.note(student, f"нет работы по уроку {lesson}")
            return
        if target.is_file() and read_notebook(target)[0] is not None:
            report.note(student, "новая работа не принята, оставлена принятая раньше")
            return
        # Taken as it is, so that the student is graded (0 points) and the report says why.
        report.note(student, "работу нельзя оценить: она получит 0 баллов")
        report.unusable.add(student)
        usable = unusable
    if layout == "files" and len({p.read_bytes() for p in usable}) > 1:
        # Named by student, two different files are two claims on one name: which is the
        # student's is for the instructor to decide, not for the files' dates.
        names = ", ".join(f"«{p.name}»" for p in usable)
        report.note(student, f"конфликт: файлы {names} относятся к одному студенту и "
                             "различаются; ни один не принят — оставьте нужный (или назовите "
                             "файлы по разным студентам) и примите работы заново")
        report.conflicts[student] = [p.name for p in usable]
        return
    usable.sort(key=lambda p: p.stat().st_mtime)
    chosen = usable[-1]
    if len(usable) > 1:
        count = plural(len(usable), "файл", "файла", "файлов")
        report.note(student, f"сдано {count}; принят самый новый «{chosen.name}»")
    if chosen.name != f"{lesson}.ipynb":
        report.note(student, f"файл «{chosen.name}» принят как {lesson}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chosen, target)
    stamp = datetime.fromtimestamp(chosen.stat().st_mtime, tz=timezone.utc)
    (target.parent / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    # As nbgrader's exchange (exchange/default/submit.py): release_feedback needs it.
    (target.parent / "submission_secret.txt").write_text(secrets.token_hex(64))
    report.accepted[student] = chosen
