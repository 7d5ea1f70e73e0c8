"""Helpers shared by the tests (imported as ``helpers``; fixtures live in conftest.py)."""

import hashlib

import nbformat

from course.exercises import BY_CELL
from course.nbmeta import grade_id, is_autograded, points


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def auto_points(nb, exclude=None):
    """Points of the autograded test cells of ``nb``, leaving out the checks of exercise
    ``exclude``."""
    return sum(points(c) for c in nb.cells if is_autograded(c)
               and not (exclude and getattr(BY_CELL.get(grade_id(c)), "name", None) == exclude))


def tree_hash(root):
    """A hash of the names and contents of every file under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def with_cell(nb, code, after_grade_id=None):
    """A copy of ``nb`` with a code cell ``code`` added (after a given cell, else at the end)."""
    nb = nbformat.from_dict(nb)
    index = len(nb.cells)
    for i, c in enumerate(nb.cells):
        if after_grade_id and grade_id(c) == after_grade_id:
            index = i + 1
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    return nb
