"""Preparing a submission for grading: a list of small transformations, nbgrader's way.

Each step is ``step(nb, submission, versions) -> nb``: ``nb`` is the notebook being prepared
(a copy of ``submission.notebook``), ``submission`` the record the step writes its facts into
(``course.pipeline.submission.Submission``), ``versions`` the lesson's own notebooks
(``LessonVersions``). ``PREPARATION`` is the list, run in order by ``prepare``; no nbgrader
is needed for it (its pass cost half a second per notebook).

When the scores are recorded, nbgrader's ``Autograde.sanitize_preprocessors`` (set in the
course's nbgrader_config.py) run the same steps again from the gradebook, as plain
``nbgrader autograde`` needs them: ``ClearOutput`` is ``clear_outputs``,
``DeduplicateIds`` is part of ``drop_foreign_marks``, and ``RestoreDeletedCells`` (nbgrader's
``OverwriteCells``) is ``restore_deleted`` + ``overwrite_from_source``. On a prepared
notebook that second pass changes nothing.
"""

import copy
from dataclasses import dataclass

from course.nbmeta import grade_id, is_experiment


@dataclass(frozen=True)
class LessonVersions:
    """A lesson's ``source`` (every exercise solved, hidden checks in place) and ``release``
    (the student version) notebooks, read as submissions are (``course.notebooks``)."""

    lesson: str
    source: dict
    release: dict

    @property
    def experiments(self):
        """grade_ids of the lesson's experiment cells (as the student version marks them)."""
        return frozenset(grade_id(c) for c in self.release["cells"] if is_experiment(c))


def marked(cells):
    """{grade_id: cell} of the cells with nbgrader marks, in order (the first of duplicates)."""
    found = {}
    for cell in cells:
        if grade_id(cell) is not None:
            found.setdefault(grade_id(cell), cell)
    return found


def keep_shown_outputs(nb, submission, versions):
    """Record the outputs the student's own run left in the experiment cells, which grading
    does not run and feedback shows (``submission.shown``)."""
    submission.shown = {grade_id(c): c["outputs"] for c in nb["cells"]
                        if grade_id(c) in versions.experiments and c["cell_type"] == "code"}
    return nb


def drop_foreign_marks(nb, submission, versions):
    """Drop the marks that are not the lesson's (cells of another lesson, a second cell with
    the same id): they earn nothing, and nbgrader cannot grade a notebook with them."""
    expected, seen = marked(versions.release["cells"]), set()
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if gid is not None and (gid not in expected or gid in seen):
            del cell["metadata"]["nbgrader"]
        seen.add(gid)
    return nb


def restore_deleted(nb, submission, versions):
    """Put deleted nbgrader cells back from the student version (a deleted answer is the
    empty stub), after the cell that preceded them; their ids go to
    ``submission.restored``. nbgrader itself restores only test cells, and fails when the
    cell before a deleted one is gone too."""
    present, previous = marked(nb["cells"]), None
    for gid, cell in marked(versions.release["cells"]).items():
        if gid not in present:
            index = 0 if previous is None else next(
                i for i, c in enumerate(nb["cells"]) if c is present[previous]) + 1
            present[gid] = copy.deepcopy(cell)
            nb["cells"].insert(index, present[gid])
            submission.restored.append(gid)
        previous = gid
    return nb


def overwrite_from_source(nb, submission, versions):
    """Take what the student may not change from the lesson's source: the text and marks of
    every test and read-only cell (hidden tests included), the marks and type of every answer
    cell."""
    origin = marked(versions.source["cells"])
    for cell in nb["cells"]:
        mine = origin.get(grade_id(cell))
        if mine is not None:
            cell["metadata"]["nbgrader"] = copy.deepcopy(mine["metadata"]["nbgrader"])
            cell["cell_type"] = mine["cell_type"]
            if not mine["metadata"]["nbgrader"].get("solution"):
                cell["source"] = mine["source"]
    return nb


def clear_outputs(nb, submission, versions):
    """Clear every output and execution count (only code cells keep the empty fields)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


PREPARATION = [keep_shown_outputs, drop_foreign_marks, restore_deleted, overwrite_from_source,
               clear_outputs]


def prepare(submission, versions):
    """The notebook of ``submission`` ready to run: ``PREPARATION`` applied to a copy."""
    submission.restored = []
    nb = copy.deepcopy(submission.notebook)
    for step in PREPARATION:
        nb = step(nb, submission, versions)
    return nb
