"""The course's nbgrader preprocessors, configured in nbgrader_config.py.

``HideHiddenTracebacks`` (feedback): a hidden check's error shows its message only.
``DisarmStudentMarkers`` (feedback): hidden-test markers a student wrote are plain text.
``RestoreDeletedCells`` (autograde): nbgrader's OverwriteCells, with deleted grade cells put
back in the right place also after read-only cells.
"""

from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells
from traitlets import Unicode

from course.nbmeta import grade_id, is_autograded

# A failed check (course.grading.CheckFailed is an AssertionError): its message says it all.
CHECK_ERRORS = ("AssertionError", "CheckFailed")


class HideHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of errors in cells with hidden tests by one line.

    The traceback of a failed hidden check would print the hidden test's code and the
    grading module's lines. In feedback, a failed check keeps just its Russian message;
    any other error its type and message. Configured before ``ClearHiddenTests``."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [output.evalue if output.ename in CHECK_ERRORS
                                        else f"{output.ename}: {output.evalue}"]
        return cell, resources


class DisarmStudentMarkers(NbGraderPreprocessor):
    """Break the hidden-test delimiters in every cell but the test cells (whose text comes
    from the gradebook): nbgrader's ``ClearHiddenTests`` raises on an unclosed or nested
    marker, or on one outside a test cell, and the student's feedback would not be made.
    The words stay readable (a zero-width joiner goes between them). Configured before
    ``HideHiddenTracebacks`` and ``ClearHiddenTests``."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if not is_autograded(cell):
            for marker in (self.begin_test_delimeter, self.end_test_delimeter):
                first, _, rest = marker.partition(" ")
                cell.source = cell.source.replace(marker, f"{first}\u200d {rest}")
        return cell, resources


class RestoreDeletedCells(OverwriteCells):
    """nbgrader's OverwriteCells; a deleted grade cell goes back after the nearest cell before
    it in the source that the submission still has (or first).

    nbgrader 0.9.6 puts it after the previous source cell, assuming that one is a grade or
    solution cell: when it is a read-only cell (a visible check), autograde fails with a
    KeyError and the submission is lost."""

    def add_missing_grade_cells(self, nb, resources):
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source.source_cells]
        solutions = {cell.name for cell in source.solution_cells}
        for missing in [cell for cell in source.grade_cells
                        if cell.name not in {grade_id(c) for c in nb.cells}]:
            self.log.warning("Missing grade cell %s encountered, adding to notebook",
                             missing.name)
            cell = self.missing_cell_transform(source.source_cells[order.index(missing.name)],
                                               missing.max_score,
                                               is_solution=missing.name in solutions)
            present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
            before = [name for name in order[:order.index(missing.name)] if name in present]
            nb.cells.insert(present[before[-1]] + 1 if before else 0, cell)
        return nb, resources
