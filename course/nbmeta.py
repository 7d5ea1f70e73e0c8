"""nbgrader's cell metadata, read in one place and safely: a submission may hold anything
there (wrong types, missing keys), and reading it must never fail."""


def marks(cell):
    """The cell's nbgrader metadata as a dict ({} if there is none or it is malformed)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    found = meta.get("nbgrader") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else {}


def grade_id(cell):
    """The cell's grade_id, or None (also when it is not a string)."""
    value = marks(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_autograded(cell):
    """Whether nbgrader grades the cell by its outputs (a test cell: graded, not a solution)."""
    found = marks(cell)
    return found.get("grade") is True and not found.get("solution")


EXPERIMENT = "experiment_"  # grade_id prefix of the lessons' experiment cells


def is_experiment(cell):
    """Whether the author marked the cell as an experiment: a read-only cell (locked, not
    graded) whose grade_id starts with ``EXPERIMENT``. No grade depends on it."""
    found = marks(cell)
    return (found.get("locked") is True and not found.get("grade")
            and not found.get("solution") and (grade_id(cell) or "").startswith(EXPERIMENT))


def points(cell):
    """The cell's points as a float (0 if missing or not a number)."""
    value = marks(cell).get("points", 0)
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
