"""A lesson's student version with the source's answers filled in: what a student who
solved everything hands in (for tests, benchmarks and the pre-flight of tools)."""

import nbformat

from course.nbmeta import grade_id, marks


def solution_cells(nb):
    """{grade_id: cell} of the cells students fill in (code and written answers)."""
    return {grade_id(c): c for c in nb["cells"] if marks(c).get("solution")}


def fill_solutions(release_nb, source_nb):
    """A copy of a release notebook with the source's solutions and model answers put in
    place of the stubs (the solution markers dropped)."""
    filled = nbformat.from_dict(release_nb)
    answers = solution_cells(source_nb)
    for cell in filled.cells:
        if grade_id(cell) in answers:
            cell.source = "\n".join(
                line for line in answers[grade_id(cell)].source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return filled
