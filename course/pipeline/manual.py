"""Written answers graded by hand (formgrader) across re-runs of autograde.

nbgrader's SaveAutoGrades flags every cell that has a manual score as needing a grade again
whenever a submission is autograded (nbgrader/preprocessors/saveautogrades.py, ``_add_score``:
"if there was previously a manual grade ... mark this as needing review"), meant for a
submission that changed. ``graded_answers`` notes, before autograde, each written answer
graded by hand and its text as it was graded; ``keep_graded`` clears the flag again where
the text is the same (a changed answer stays flagged). ``pending`` names the students whose
written answers still wait for a grade.
"""

from pathlib import Path

import nbformat

from course.nbmeta import grade_id, marks


def _gradebook(root):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}")


def _written(grade):
    return grade.cell.cell_type == "markdown"


def _answers(path):
    """{grade_id: text} of the written answers in the notebook at ``path`` ({} if none)."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return {}
    return {grade_id(c): c.source for c in nb.cells
            if c.cell_type == "markdown" and marks(c).get("solution") and grade_id(c)}


def _submissions(gb, lessons):
    from nbgrader.api import MissingEntry

    for lesson in lessons:
        try:
            yield from gb.find_assignment(lesson).submissions
        except MissingEntry:
            continue


def graded_answers(root, lessons):
    """{(student, lesson, notebook, cell): text} of the written answers of ``lessons`` that
    have a manual grade and no flag, with the text the grader saw (autograded/)."""
    root, found = Path(root), {}
    if not (root / "gradebook.db").is_file():
        return found
    with _gradebook(root) as gb:
        for submission in _submissions(gb, lessons):
            student, lesson = submission.student.id, submission.assignment.name
            for notebook in submission.notebooks:
                texts = _answers(root / "autograded" / student / lesson
                                 / f"{notebook.name}.ipynb")
                for grade in notebook.grades:
                    if (_written(grade) and grade.manual_score is not None
                            and not grade.needs_manual_grade and grade.name in texts):
                        found[student, lesson, notebook.name, grade.name] = texts[grade.name]
    return found


def keep_graded(root, before):
    """Clear nbgrader's flag on each answer of ``before`` (from ``graded_answers``) whose
    text in autograded/ is still the same; how many were kept graded."""
    root, kept = Path(root), 0
    with _gradebook(root) as gb:
        for (student, lesson, notebook, cell), text in before.items():
            now = _answers(root / "autograded" / student / lesson / f"{notebook}.ipynb")
            if now.get(cell) != text:
                continue
            grade = gb.find_grade(cell, notebook, lesson, student)
            if grade.manual_score is not None and grade.needs_manual_grade:
                grade.needs_manual_grade = False
                kept += 1
        gb.db.commit()
    return kept


def pending(root, lesson):
    """The students (sorted) whose written answers in ``lesson`` wait for a manual grade."""
    if not (Path(root) / "gradebook.db").is_file():
        return []
    with _gradebook(root) as gb:
        return sorted({s.student.id for s in _submissions(gb, [lesson])
                       for nb in s.notebooks for g in nb.grades
                       if _written(g) and g.needs_manual_grade})
