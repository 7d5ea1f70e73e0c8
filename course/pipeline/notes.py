"""What happened to each submission, in Russian, kept in the course folder for the report.

Files, one per step that writes them: ``INTAKE`` (``course.pipeline.intake``: renamed,
duplicate, broken or foreign files) and ``AUTOGRADE`` (``course.pipeline.autograde``: kernel
deaths, time limits, restored cells), in Russian; ``VERDICTS``, the judge's data. Each holds
{student: {lesson: [items]}}; a step that handles a submission again replaces its items.
"""

import json
from pathlib import Path

INTAKE = "intake_notes.json"
AUTOGRADE = "autograde_notes.json"
# The judge's verdicts, one dict per judged check (``course.judge.Verdict.to_dict``): data
# for the report, written by ``course.pipeline.autograde`` only, never from what a kernel printed.
VERDICTS = "verdicts.json"


def save(course, name, notes):
    """Merge ``notes`` ({(student, lesson): [sentences]}) into the file ``name`` in ``course``."""
    path = Path(course) / name
    saved = _read(path)
    for (student, lesson), sentences in notes.items():
        saved.setdefault(student, {})[lesson] = list(sentences)
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")


def load(course, name):
    """The non-empty notes saved in the file ``name``: {(student, lesson): [sentences]}."""
    return {(student, lesson): sentences
            for student, lessons in _read(Path(course) / name).items()
            for lesson, sentences in lessons.items() if sentences}


def load_all(course):
    """Intake's and then autograde's notes (Russian sentences), joined per submission."""
    joined = {}
    for name in (INTAKE, AUTOGRADE):
        for pair, sentences in load(course, name).items():
            joined.setdefault(pair, []).extend(sentences)
    return joined


def _read(path):
    try:
        saved = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return saved if isinstance(saved, dict) else {}
