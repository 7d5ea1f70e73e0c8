"""Shared fixtures: the lessons, notebook helpers and temporary copies of the course."""

import hashlib

import nbformat
import pytest

from course.build.assignment import copy_course  # noqa: F401 (re-exported for the tests)
from course.lessons import existing
from course.nbgrader_apps import run_nbgrader  # noqa: F401 (re-exported for the tests)

LESSONS = existing()


def pytest_configure(config):
    if not LESSONS:
        raise pytest.UsageError("no lesson notebooks under source/")


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell):
    """Whether ``cell`` is an autograded test cell (graded, not a solution)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade") and not meta.get("solution"))


def auto_points(nb, exclude=None):
    """Points of the autograded test cells of ``nb``, leaving out the tests of exercise
    ``exclude``."""
    return sum(nbgrader_meta(c)["points"] for c in nb.cells if is_test_cell(c)
               and not (exclude and nbgrader_meta(c)["grade_id"].startswith(f"test_{exclude}")))


def tree_hash(root):
    """A hash of the names and contents of every file under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def solution_cells(nb):
    """{grade_id: cell} of the cells students fill in (code and written answers)."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def fill_solutions(release_nb, source_nb):
    """A copy of a release notebook with the source's solutions and model answers put in
    place of the stubs."""
    filled = nbformat.from_dict(release_nb)
    answers = solution_cells(source_nb)
    for cell in filled.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in answers:
            cell.source = "\n".join(
                line for line in answers[gid].source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return filled


@pytest.fixture(params=LESSONS)
def lesson(request):
    return request.param
