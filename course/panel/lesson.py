"""What «Проверить урок» reads from a lesson notebook: its exercises, its written questions and
the code cells a check has to run.

An exercise is a code solution cell whose grade_id is the function's name; its checks are the
code cells whose grade_id starts with ``test_<name>`` (the course's exercise contract, in
COURSE_SPEC.md). A written question is a graded markdown solution cell. Both are named by the
title above them in the lesson: the last heading or bold lead («**Вопрос 1 (2 балла).**») of
the nearest markdown cell before them.
"""

import re
from dataclasses import dataclass, field

from nbgrader.utils import compute_checksum

from course.nbmeta import grade_id, is_experiment, marks

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_BOLD_LEAD = re.compile(r"^\s*\*\*(.+?)\*\*")


@dataclass
class Exercise:
    """One exercise: ``name`` (the function), its ``title`` in the lesson, the index of its
    solution cell and the indices of its check cells (visible checks and the probe of the
    hidden check), in notebook order."""

    name: str
    title: str
    solution: int
    checks: list = field(default_factory=list)


@dataclass
class Question:
    """One written question: its grade_id, its title and whether the student answered it."""

    grade_id: str
    title: str
    answered: bool


@dataclass
class Plan:
    """What to run and what to report for one lesson notebook.

    ``run``: indices of the code cells to execute, in order (experiments and every cell after
    the last check are left out: no check can depend on them); ``owner``: {cell index: name of
    the exercise it belongs to}; ``items``: the exercises and questions in lesson order."""

    run: list
    owner: dict
    items: list


def title_above(cells, index):
    """The title of cell ``index``: the last heading or bold lead of the nearest markdown cell
    before it that has one ("" if none does)."""
    for cell in reversed(cells[:index]):
        if cell.get("cell_type") != "markdown":
            continue
        found = []
        for line in str(cell.get("source", "")).splitlines():
            match = _HEADING.match(line) or _BOLD_LEAD.match(line)
            if match:
                found.append(match.group(1).strip().rstrip(".").strip())
        if found:
            return found[-1]
    return ""


def is_answered(cell):
    """Whether a written answer differs from the stub the lesson gave (nbgrader's own test:
    the checksum of the released cell) and is not empty."""
    if not str(cell.get("source", "")).strip():
        return False
    checksum = marks(cell).get("checksum")
    return checksum is None or checksum != compute_checksum(cell)


def plan(nb):
    """The ``Plan`` of the notebook ``nb`` (a NotebookNode)."""
    cells = nb.cells
    exercises, items, owner = {}, [], {}
    for index, cell in enumerate(cells):
        found, name = marks(cell), grade_id(cell)
        if name is None:
            continue
        if cell.cell_type == "code" and found.get("solution") and name not in exercises:
            exercises[name] = Exercise(name, title_above(cells, index) or name, index)
            items.append(exercises[name])
            owner[index] = name
        elif cell.cell_type == "markdown" and found.get("solution") and found.get("grade"):
            items.append(Question(name, title_above(cells, index) or "Вопрос",
                                  is_answered(cell)))
    for index, cell in enumerate(cells):
        name = grade_id(cell)
        if cell.cell_type != "code" or name is None or marks(cell).get("solution"):
            continue
        mine = [e for e in exercises.values() if index > e.solution
                and (name == f"test_{e.name}" or name.startswith(f"test_{e.name}_"))]
        if mine:
            exercise = max(mine, key=lambda e: len(e.name))
            exercise.checks.append(index)
            owner[index] = exercise.name
    last = max([i for e in exercises.values() for i in (e.solution, *e.checks)], default=-1)
    run = [i for i, cell in enumerate(cells[:last + 1])
           if cell.cell_type == "code" and not is_experiment(cell)]
    return Plan(run, owner, items)

