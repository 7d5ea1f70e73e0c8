"""Take in submissions from the layouts instructors really get, into nbgrader's submitted/.

Layouts (``detect`` tells them apart):
    nbgrader   <src>/<student>/<lesson>/<anything>.ipynb  (a copy of someone's submitted/)
    moodle     <src>/<Full Name>_<id>_assignsubmission_file_/<anything>.ipynb (bulk download)
    files      <src>/<student>.ipynb, <student>_<lesson>.ipynb or <lesson>_<student>.ipynb
``src`` may be a folder or a .zip of one. Originals are only read; every accepted notebook is
copied to submitted/<student>/<lesson>/<lesson>.ipynb, whatever the student named it.
"""

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from course.lessons import LESSONS, exercises
from course.russian import plural

MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_")


@dataclass
class Intake:
    """What happened to each student's files: accepted notebooks and Russian notes."""

    accepted: dict = field(default_factory=dict)   # student -> source path taken
    notes: dict = field(default_factory=dict)      # student -> [Russian sentences]

    def note(self, student, text):
        self.notes.setdefault(student, []).append(text)


def _student_id(text):
    """A folder-safe student id: spaces and odd characters become '_'."""
    return re.sub(r"[^\w.-]+", "_", text.strip(), flags=re.U).strip("_") or "без_имени"


def lesson_of(nb):
    """The lesson whose exercises this notebook holds (by nbgrader grade ids), or None."""
    ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
           for c in nb.get("cells", []) if isinstance(c, dict)}
    for lesson in LESSONS:
        if ids & set(exercises(lesson)):
            return lesson
    return None


def _read(path):
    """The notebook as JSON, or a Russian reason why it cannot be read."""
    raw = path.read_bytes()
    if not raw.strip():
        return None, "пустой файл"
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, f"файл повреждён, это не JSON ({type(error).__name__})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "это не ноутбук Jupyter (нет списка ячеек)"
    return nb, None


def detect(root):
    """'nbgrader', 'moodle' or 'files' for an unpacked submissions folder."""
    folders = [p for p in root.iterdir() if p.is_dir()]
    if any(MOODLE_FOLDER.match(p.name) for p in folders):
        return "moodle"
    if any(p.is_dir() for f in folders for p in f.iterdir()):
        return "nbgrader"
    return "files"


def _candidates(root, lesson, layout):
    """{student: [notebook paths]} for the layout."""
    found = {}
    if layout == "nbgrader":
        for path in sorted(root.glob("*/*/*.ipynb")):
            found.setdefault(_student_id(path.parent.parent.name), []).append(path)
    elif layout == "moodle":
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            match = MOODLE_FOLDER.match(folder.name)
            if match:
                found.setdefault(_student_id(match["name"]), []).extend(
                    sorted(folder.rglob("*.ipynb")))
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
        if src.suffix == ".zip":
            with zipfile.ZipFile(src) as archive:
                archive.extractall(unpacked)
            root = Path(unpacked)
        else:
            root = src
        layout = layout or detect(root)
        report = Intake()
        for student, paths in _candidates(root, lesson, layout).items():
            _take_student(student, paths, lesson, Path(course_dir), report)
        return report


def _take_student(student, paths, lesson, course_dir, report):
    usable = []
    for path in paths:
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb, problem = _read(path)
        if problem:
            report.note(student, f"«{path.name}»: {problem}; файл не принят")
            continue
        other = lesson_of(nb)
        if other and other != lesson:
            report.note(student, f"«{path.name}» — ноутбук урока {other}, а не {lesson}; не принят")
            continue
        usable.append(path)
    if not usable:
        report.note(student, f"нет работы по уроку {lesson}")
        return
    usable.sort(key=lambda p: p.stat().st_mtime)
    chosen = usable[-1]
    if len(usable) > 1:
        count = plural(len(usable), "файл", "файла", "файлов")
        report.note(student, f"сдано {count}; принят самый новый «{chosen.name}»")
    if chosen.name != f"{lesson}.ipynb":
        report.note(student, f"файл «{chosen.name}» принят как {lesson}.ipynb")
    target = course_dir / "submitted" / student / lesson
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chosen, target / f"{lesson}.ipynb")
    stamp = datetime.fromtimestamp(chosen.stat().st_mtime, tz=timezone.utc)
    (target / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    report.accepted[student] = chosen
