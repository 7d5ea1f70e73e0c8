"""Reading a notebook that anyone may have written: a submission, or the course's own
source/ and release/ versions read the same way. ``read_notebook`` rebuilds it from what
nbgrader needs (``clean``), so nothing a file holds beyond that (deep nesting, odd types,
attachments, unsafe outputs) reaches the pipeline. Used by intake, autograde and scan."""

import json
import re
from pathlib import Path

from course.lessons import LESSONS, exercises
from course.nbmeta import grade_id, marks
from course.pipeline import inert

MAX_BYTES = 64 * 2 ** 20  # a notebook of the course with its plots is well under 10 MB
MAX_CELL = 2 ** 20
# nbgrader's cell marks and the types they may have; anything else is dropped.
MARK_TYPES = {"grade": (bool,), "solution": (bool,), "locked": (bool,), "task": (bool,),
              "grade_id": (str,), "points": (int, float), "schema_version": (int,),
              "checksum": (str,)}

def lesson_of(nb):
    """The lesson whose exercises this notebook holds (by nbgrader grade ids), or None."""
    ids = {grade_id(c) for c in nb.get("cells", [])}
    for lesson in LESSONS:
        if ids & set(exercises(lesson)):
            return lesson
    return None


def read_notebook(path):
    """(the notebook, None), or (None, a Russian reason why it cannot be read).

    The notebook is rebuilt from what nbgrader needs (``clean``), so nothing a submission
    holds beyond that (deep nesting, odd types, attachments, outputs) reaches nbgrader."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            return None, f"файл больше {MAX_BYTES // 2 ** 20} МБ"
        raw = Path(path).read_bytes()
    except OSError as error:
        return None, f"файл не читается ({type(error).__name__})"
    if not raw.strip():
        return None, "пустой файл"
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, f"файл повреждён, это не JSON ({type(error).__name__})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "это не ноутбук Jupyter (нет списка ячеек)"
    return clean(nb)


def clean(nb):
    """(a minimal nbformat 4 notebook with the cells of ``nb``, None), or (None, reason).

    Kept per cell: its type, its text, nbgrader's marks (only the keys nbgrader uses, with
    their proper types; malformed marks are dropped, so the cell earns nothing) and, for code
    cells, the outputs that can be shown safely (``shown_outputs``)."""
    cells = []
    for index, cell in enumerate(nb["cells"]):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        text = inert.as_text(cell.get("source")) if isinstance(cell, dict) else None
        if kind not in ("code", "markdown", "raw") or text is None:
            return None, f"ячейка {index + 1} повреждена (нет типа или текста)"
        if len(text) > MAX_CELL:
            return None, f"ячейка {index + 1} длиннее {MAX_CELL // 2 ** 20} МБ"
        new = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}, "source": text}
        if kind == "code":
            new.update(outputs=shown_outputs(cell.get("outputs")), execution_count=None)
        found = marks(cell)
        if grade_id(cell) and re.fullmatch(r"[\w-]{1,100}", grade_id(cell)):
            new["metadata"]["nbgrader"] = {
                key: found[key] for key, kinds in MARK_TYPES.items()
                if key in found and type(found[key]) in kinds}
        cells.append(new)
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernel, "language_info": {
        "name": "python"}}, "nbformat": 4, "nbformat_minor": 5}, None


def shown_outputs(outputs):
    """The outputs of a submitted code cell that may be shown in feedback: text streams,
    and the output types ``inert.safe_data`` keeps, each at most
    ``inert.MAX_SHOWN`` characters; nothing else."""
    kept = []
    for out in outputs if isinstance(outputs, list) else []:
        kind = out.get("output_type") if isinstance(out, dict) else None
        text = inert.as_text(out.get("text")) if kind == "stream" else None
        if text is not None and out.get("name") in ("stdout", "stderr"):
            kept.append({"output_type": "stream", "name": out["name"],
                         "text": text[:inert.MAX_SHOWN]})
        elif kind in ("display_data", "execute_result"):
            data = inert.safe_data(out.get("data"))
            if data:
                kept.append({"output_type": "display_data", "data": data, "metadata": {}})
    return kept
