"""Shared fixtures: the lessons, notebook helpers and temporary copies of the course."""

import nbformat
import pytest

from course.build import copy_course, run_nbgrader  # noqa: F401 (re-exported for the tests)
from course.lessons import existing

LESSONS = existing()


def pytest_configure(config):
    if not LESSONS:
        raise pytest.UsageError("no lesson notebooks under source/")


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


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
