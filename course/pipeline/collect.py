"""Collect submissions from nbgrader's exchange without trusting it (``python -m course
collect``), in place of ``nbgrader collect``.

On a shared machine every student may write to the exchange's ``inbound`` folder, and
collecting runs with the instructor's rights, so each entry
``<student>+<lesson>+<timestamp>+<random>`` is taken only if:
* the student id is valid (``ids.is_valid``: it cannot leave ``submitted/``);
* its timestamp is not in the future (a far-future one would replace a later honest one);
* the entry and everything in it are real folders and regular files (no symlinks, devices,
  FIFOs), owned by the student's account (``check_owner``), at most ``MAX_DEPTH`` folders
  deep, ``MAX_ENTRIES`` entries and ``MAX_BYTES`` bytes in all.
Of each student's acceptable entries the newest is copied into
``submitted/<student>/<lesson>/``, file by file, opened without following links, unless the
submission there is as new. Every refusal is a Russian note.
"""

import os
import pwd
import shutil
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from nbgrader.utils import parse_utc

from course.pipeline import ids

MAX_DEPTH = 4
MAX_ENTRIES = 500
MAX_BYTES = 128 * 2 ** 20
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Collected:
    """What happened: {student: timestamp} taken, Russian notes per student (or per entry
    name when it names no valid student)."""

    accepted: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def note(self, who, text):
        self.notes.setdefault(who, []).append(text)


def _uid_of(student):
    try:
        return pwd.getpwnam(student).pw_uid
    except KeyError:
        return None


def _problem(path, uid):
    """A Russian reason why the entry ``path`` cannot be taken, or None. ``uid``: the owner
    every file must have (None: not checked)."""
    entries, total, todo = 0, 0, [(path, 0)]
    while todo:
        folder, depth = todo.pop()
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):
            return "это не папка (ссылка или файл)"
        if uid is not None and info.st_uid != uid:
            return "в ней есть чужие папки (владелец — не студент)"
        if depth > MAX_DEPTH:
            return f"вложенность папок больше {MAX_DEPTH}"
        for entry in os.scandir(folder):
            entries += 1
            if entries > MAX_ENTRIES:
                return f"в ней больше {MAX_ENTRIES} файлов и папок"
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                todo.append((entry.path, depth + 1))
                continue
            if not stat.S_ISREG(info.st_mode):
                return f"«{entry.name}» — ссылка или особый файл, а не обычный файл"
            if uid is not None and info.st_uid != uid:
                return f"владелец файла «{entry.name}» — не студент"
            total += info.st_size
            if total > MAX_BYTES:
                return f"файлы больше {MAX_BYTES // 2 ** 20} МБ в сумме"
    return None


def _copy_tree(source, target):
    """Copy the regular files and folders of ``source`` to ``target``, never following a
    link (one put in place after the check is refused when it is opened)."""
    target.mkdir(parents=True)
    for entry in os.scandir(source):
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            _copy_tree(Path(entry.path), target / entry.name)
        elif stat.S_ISREG(info.st_mode):
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as src, open(target / entry.name, "wb") as dst:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    raise OSError(f"{entry.path} is not a regular file")
                shutil.copyfileobj(src, dst)


def _existing(folder):
    try:
        return parse_utc((folder / "timestamp.txt").read_text().strip())
    except (OSError, ValueError):
        return None


def collect(exchange, course_id, lesson, root, check_owner=True, now=None):
    """Collect ``lesson`` from ``exchange``/``course_id``/inbound into
    ``root``/submitted (see the module's docstring); a ``Collected``."""
    inbound = Path(exchange) / course_id / "inbound"
    now = now or datetime.now(timezone.utc)
    done, newest = Collected(), {}
    for entry in sorted(inbound.iterdir()) if inbound.is_dir() else []:
        parts = entry.name.rsplit("+", 3)
        if len(parts) != 4 or parts[1] != lesson:
            continue
        student = parts[0]
        if not ids.is_valid(student):
            done.note(entry.name, "имя студента недопустимо (можно буквы, цифры, «_», «.», "
                                  "«-», и начинаться оно должно с буквы, цифры или «_»): "
                                  "работа не принята")
            continue
        try:
            stamp = parse_utc(parts[2])
        except (ValueError, OverflowError):
            done.note(student, f"«{entry.name}»: время сдачи не читается, работа не принята")
            continue
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        if stamp > now + CLOCK_SKEW:
            done.note(student, f"«{entry.name}»: время сдачи в будущем, работа не принята")
            continue
        uid = _uid_of(student) if check_owner else None
        if check_owner and uid is None:
            done.note(student, f"«{entry.name}»: нет учётной записи {student}, работа не "
                               "принята")
            continue
        try:
            problem = _problem(entry, uid)
        except OSError as error:
            problem = f"не читается ({type(error).__name__})"
        if problem:
            done.note(student, f"«{entry.name}»: {problem}; работа не принята")
            continue
        if student not in newest or stamp > newest[student][0]:
            newest[student] = (stamp, entry)
    for student, (stamp, entry) in sorted(newest.items()):
        target = Path(root) / "submitted" / student / lesson
        before = _existing(target)
        if before is not None and before.replace(tzinfo=before.tzinfo or timezone.utc) >= stamp:
            done.note(student, "новее уже собранной работы нет")
            continue
        fresh = target.with_name(f".{lesson}.collecting")
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            _copy_tree(entry, fresh)
        except OSError as error:
            shutil.rmtree(fresh, ignore_errors=True)
            done.note(student, f"«{entry.name}» не скопирована ({type(error).__name__}); "
                               "работа не принята")
            continue
        # the time is the exchange's (checked above), not what the student wrote in the file
        (fresh / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        shutil.rmtree(target, ignore_errors=True)
        fresh.rename(target)
        done.accepted[student] = stamp
    return done
