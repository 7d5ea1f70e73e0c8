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
usable submission was taken in before, which is then kept. The notes go to each
submission's record (``course.pipeline.submission``).
"""

import re
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from course.notebooks import lesson_of, read_notebook
from course.pipeline import ids, moodle, submission
from course.russian import plural

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
    """A folder-safe student id (``ids.from_name``): never ``..``, never a formula."""
    return ids.from_name(text)


def detect(tree):
    """'nbgrader', 'moodle' or 'files' for an unpacked submissions folder."""
    folders = [p for p in tree.iterdir() if p.is_dir()]
    if any(MOODLE_FOLDER.match(p.name) for p in folders):
        return "moodle"
    if any(p.is_dir() for f in folders for p in f.iterdir()):
        return "nbgrader"
    return "files"


def _candidates(tree, lesson, layout, participants=None):
    """{student: [notebook paths]} for the layout; Moodle's participant numbers go into
    ``participants`` ({student: number})."""
    found = {}
    if layout == "nbgrader":
        for path in sorted(tree.glob("*/*/*.ipynb")):
            found.setdefault(_student_id(path.parent.parent.name), []).append(path)
    elif layout == "moodle":
        matches = [(folder, MOODLE_FOLDER.match(folder.name))
                   for folder in sorted(p for p in tree.iterdir() if p.is_dir())]
        matches = [(folder, m) for folder, m in matches if m]
        numbers = {}
        for _, m in matches:
            numbers.setdefault(_student_id(m["name"]), set()).add(m["id"])
        for folder, m in matches:
            student = _student_id(m["name"])
            if len(numbers[student]) > 1:  # namesakes: Moodle's participant id tells them apart
                student = f"{student}_{m['id']}"
            if participants is not None:
                participants[student] = m["id"]
            found.setdefault(student, []).extend(sorted(folder.rglob("*.ipynb")))
    else:
        for path in sorted(tree.rglob("*.ipynb")):
            stem = re.sub(re.escape(lesson), "", path.stem).strip(" _-.")
            stem = re.sub(r"\s*\(\d+\)$", "", stem)
            found.setdefault(_student_id(stem), []).append(path)
    return found


def take_in(src, lesson, root, layout=None):
    """Copy the submissions of ``lesson`` found in ``src`` (folder or .zip) into
    ``root``/submitted; returns an ``Intake``. Nothing under ``src`` is changed."""
    src = Path(src)
    with tempfile.TemporaryDirectory() as unpacked:
        if src.is_file():
            with zipfile.ZipFile(src) as archive:
                archive.extractall(unpacked)
            tree = Path(unpacked)
        else:
            tree = src
        layout = layout or detect(tree)
        report, numbers = Intake(), {}
        for student, paths in _candidates(tree, lesson, layout, numbers).items():
            _take_student(student, paths, lesson, Path(root), report, layout)
    # Moodle's participant numbers, for the grades sent back (course.pipeline.moodle)
    moodle.remember_participants(root, {s: n for s, n in numbers.items()
                                              if s in report.accepted})
    for student in set(report.accepted) | set(report.notes):
        _record(root, student, lesson, report)
    return report


def _record(root, student, lesson, report):
    """Save intake's notes in the student's record; a newly accepted file starts the record
    afresh (what grading found out was about the old one)."""
    record = submission.load(root, student, lesson)
    if student in report.accepted:
        record = submission.Submission(student, lesson)
    record.intake_notes = report.notes.get(student, [])
    submission.save(root, record)


def _take_student(student, paths, lesson, root, report, layout):
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
    target = root / "submitted" / student / lesson / f"{lesson}.ipynb"
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
