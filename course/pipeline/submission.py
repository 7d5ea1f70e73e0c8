"""The one record of a submission as it goes through the pipeline, and its ledger file.

A ``Submission`` is written by the stages (intake, autograde's preparation, execution, the
judge, nbgrader's record pass, the scan) and only read by what comes after (the command
line, the report, feedback, similarity, exports). It is kept, one JSON file per submission,
in ``<course>/ledger/<student>/<lesson>.json``: intake starts a new record (a new file
makes the old grading facts stale), autograde keeps intake's notes and replaces the rest.

``Settings`` (how a class is graded) and ``CannotGrade`` (nothing graded, nothing written)
stand beside it: they cross the same stages.
"""

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from course.pipeline import ids
from course.pipeline.limits import Limits

LEDGER = "ledger"


@dataclass(frozen=True)
class Settings:
    """How submissions are graded: ``jobs`` worker processes at once (0: one per core) and
    the ``limits`` of each submission."""

    jobs: int = 0
    limits: Limits = Limits()


class CannotGrade(Exception):
    """Nothing was graded and nothing written: there is no sandbox, a lesson was never built
    with nbgrader (it is not in gradebook.db), no kernel could be started, or the pre-flight
    probe failed. The message says which, in Russian."""


@dataclass
class Submission:
    """One student's work on one lesson, and everything the pipeline found out about it.

    student, lesson  who and what (``student`` is a folder name under submitted/);
    intake_notes     Russian sentences from intake (renamed, duplicate, broken files);
    unreadable       why the notebook cannot be read (Russian), or None;
    restored         grade ids of deleted cells put back before grading;
    extra            other files beside the notebook, which grading did not use;
    flags            the code scan's findings (``course.pipeline.scan``), Russian;
    run              what happened to the cells (``execute.Run.summary()``), or None if the
                     notebook was not run;
    verdicts         the judge's verdicts (``course.judge.Verdict.to_dict()``), one per
                     judged check, in the order of the notebook;
    failure          why no points could be recorded for it (Russian), or None;
    notes            Russian sentences on what happened while grading, for the instructor.

    ``notebook`` (the cleaned notebook as submitted) and ``shown`` ({grade_id: outputs} of
    the experiment cells as submitted) live only in memory, while grading.
    """

    student: str
    lesson: str
    intake_notes: list = field(default_factory=list)
    unreadable: str = None
    restored: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    run: dict = None
    verdicts: list = field(default_factory=list)
    failure: str = None
    notes: list = field(default_factory=list)
    notebook: dict = field(default=None, repr=False, compare=False)
    shown: dict = field(default_factory=dict, repr=False, compare=False)

    TRANSIENT = ("notebook", "shown")

    @property
    def pair(self):
        return self.student, self.lesson

    @property
    def graded(self):
        """Whether nbgrader recorded points from a run (not a forced 0)."""
        return self.run is not None and self.failure is None and self.unreadable is None

    def all_notes(self):
        """Intake's and grading's Russian sentences, in that order."""
        return [*self.intake_notes, *self.notes]

    def to_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in self.TRANSIENT}

    @classmethod
    def from_dict(cls, data):
        known = {f.name for f in fields(cls)} - set(cls.TRANSIENT)
        return cls(**{k: v for k, v in data.items() if k in known})


def _path(root, student, lesson):
    if not (ids.is_valid(student) and ids.is_valid(lesson)):
        raise ValueError(f"not a valid id: {student!r}, {lesson!r}")
    return Path(root) / LEDGER / student / f"{lesson}.json"


def save(root, submission):
    """Write ``submission``'s ledger file in the course folder ``root``."""
    path = _path(root, submission.student, submission.lesson)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(submission.to_dict(), ensure_ascii=False, indent=1), "utf-8")


def load(root, student, lesson):
    """The ledger record of ``student``'s ``lesson``, or a fresh ``Submission`` if there is
    none (or it cannot be read)."""
    try:
        data = json.loads(_path(root, student, lesson).read_text("utf-8"))
        return Submission.from_dict(data)
    except (OSError, ValueError, TypeError):
        return Submission(student, lesson)


def load_all(root):
    """Every ledger record of the course folder ``root``, by (student, lesson)."""
    found = {}
    for path in sorted((Path(root) / LEDGER).glob("*/*.json")):
        record = load(root, path.parent.name, path.stem)
        found[record.pair] = record
    return found
