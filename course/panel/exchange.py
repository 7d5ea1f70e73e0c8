"""«Сдать», «Получить урок», «Получить отзыв»: nbgrader's exchange, called exactly as nbgrader's
own Assignment List calls it (its server extension's ``AssignmentList`` manager, in
``nbgrader/server_extensions/assignment_list/handlers.py``), with every answer put in Russian.

nbgrader's manager reports failures as ``{"success": False, "value": <English text or a
traceback>}``; that text goes to the server's log only, the student gets a Russian sentence.
Without a usable exchange (a course run through Moodle) ``state`` says so, and the panel tells
the student how to download the notebook instead.
"""

import contextlib
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import PurePosixPath

from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря")
_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")

log = logging.getLogger(__name__)


def when(timestamp):
    """nbgrader's timestamp («2026-12-07 01:30:54.151524 UTC») in Russian: «7 декабря 2026,
    01:30:54 по всемирному времени» (UTC); "" if it is not one."""
    match = _STAMP.match(str(timestamp or ""))
    if not match:
        return ""
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    return (f"{day} {_MONTHS[month - 1]} {year}, {hour:02d}:{minute:02d}:{second:02d} "
            "по всемирному времени")


def lesson_of(path):
    """The lesson (nbgrader's assignment id) of a notebook path relative to the server's root:
    its first folder («01_sgd/01_sgd.ipynb» → «01_sgd»); None for a notebook at the root."""
    parts = PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 else None


def now_utc():
    return datetime.now(timezone.utc)


class Exchange:
    """The student's side of nbgrader's exchange, for the server whose root is ``root_dir``."""

    def __init__(self, root_dir, parent=None):
        self.root = str(root_dir)
        self.manager = AssignmentList(parent=parent)
        self.manager.root_dir = self.root

    def _call(self, method, *args):
        """nbgrader's manager method with the server's root as the working folder: nbgrader
        finds the student's lessons relative to it (``Exchange.assignment_dir`` is ".")."""
        with contextlib.chdir(self.root):
            return getattr(self.manager, method)(*args)

    def _listing(self):
        listed = self._call("list_assignments")
        if not listed.get("success"):
            log.warning("nbgrader's exchange is not available: %s", listed.get("value"))
            return None
        return listed["value"]

    def state(self, lesson):
        """What the panel shows about the exchange: {"available": False} without one; else
        the lesson's submissions (newest first) and the lessons one can still fetch."""
        listing = self._listing()
        if listing is None:
            return {"available": False}
        submissions, course = [], None
        for entry in listing:
            if entry.get("status") == "submitted" and entry.get("assignment_id") == lesson:
                course = entry.get("course_id")
                for submission in entry.get("submissions", []):
                    # per notebook: nbgrader's flags for the whole submission need feedback on
                    # every notebook in the lesson's folder, and only the lesson's gets one
                    notebooks = submission.get("notebooks", [])
                    fresh = [nb for nb in notebooks if nb.get("has_exchange_feedback")
                             and (not nb.get("has_local_feedback") or nb.get("feedback_updated"))]
                    submissions.append({
                        "timestamp": submission.get("timestamp"),
                        "when": when(submission.get("timestamp")),
                        "notebooks": [f"{nb['notebook_id']}.ipynb" for nb in notebooks],
                        "feedback_ready": any(nb.get("has_exchange_feedback") for nb in notebooks),
                        "feedback": self._feedback_files(notebooks),
                        "feedback_to_fetch": bool(fresh),
                    })
            elif entry.get("assignment_id") == lesson and course is None:
                course = entry.get("course_id")
        fetchable = sorted({entry["assignment_id"] for entry in listing
                            if entry.get("status") == "released"})
        submissions.sort(key=lambda s: s["timestamp"] or "", reverse=True)
        return {"available": True, "lesson": lesson, "course": course,
                "submissions": submissions, "fetchable": fetchable,
                "feedback_to_fetch": any(s["feedback_to_fetch"] for s in submissions)}

    def _feedback_files(self, notebooks):
        """Paths (relative to the server's root) of the fetched feedback pages of a
        submission's ``notebooks`` (nbgrader's listing gives them relative to its working
        folder, the root, or absolute)."""
        return [os.path.relpath(os.path.join(self.root, nb["local_feedback_path"]), self.root)
                for nb in notebooks
                if nb.get("has_local_feedback") and nb.get("local_feedback_path")]

    def _course(self, lesson):
        for entry in self._listing() or []:
            if entry.get("assignment_id") == lesson:
                return entry.get("course_id")
        return None

    def submit(self, lesson):
        """Submit ``lesson``; {"ok", "message"} in Russian, with what was sent and when."""
        course = self._course(lesson)
        if course is None:
            return {"ok": False, "message": f"Урока {lesson} нет в списке уроков курса: сдать "
                                            "его через обмен заданиями нельзя."}
        done = self._call("submit_assignment", course, lesson)
        if not done.get("success"):
            log.warning("nbgrader could not submit %s: %s", lesson, done.get("value"))
            return {"ok": False, "message": "Сдать урок не удалось: папка обмена заданиями "
                                            "недоступна. Сообщите преподавателю."}
        state = self.state(lesson)
        last = state["submissions"][0] if state.get("submissions") else None
        notebooks = last["notebooks"] if last else [f"{lesson}.ipynb"]
        sent = ("ноутбук " if len(notebooks) == 1 else "ноутбуки ") + ", ".join(notebooks)
        moment = last["when"] if last else when(now_utc().strftime("%Y-%m-%d %H:%M:%S"))
        return {"ok": True, "message": f"Урок {lesson} сдан: отправлена папка урока "
                                       f"({sent}) — {moment}. В оценку идёт последняя "
                                       "сдача.", "state": state}

    def fetch(self, lesson):
        """Fetch the released ``lesson`` into the student's folder."""
        course = self._course(lesson)
        done = self._call("fetch_assignment", course, lesson) if course else {"success": False}
        if not done.get("success"):
            log.warning("nbgrader could not fetch %s: %s", lesson, done.get("value"))
            return {"ok": False, "message": f"Получить урок {lesson} не удалось. Если папка "
                                            f"{lesson} уже есть, урок уже получен."}
        return {"ok": True, "message": f"Урок {lesson} получен: он в папке {lesson}."}

    def fetch_feedback(self, lesson):
        """Fetch the feedback on ``lesson``'s submissions that the instructor released."""
        course = self._course(lesson)
        done = self._call("fetch_feedback", course, lesson) if course else {"success": False}
        if not done.get("success"):
            log.warning("nbgrader could not fetch feedback on %s: %s", lesson, done.get("value"))
            return {"ok": False, "message": "Получить отзыв не удалось. Сообщите преподавателю."}
        state = self.state(lesson)
        got = [s for s in state.get("submissions", []) if s["feedback"]]
        if not got:
            return {"ok": True, "message": "Отзыва пока нет: преподаватель ещё не выдал его.",
                    "state": state}
        return {"ok": True, "message": f"Отзыв получен: на сдачу {got[0]['when']}.",
                "state": state}

