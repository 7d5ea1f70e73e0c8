"""nbgrader preprocessor for feedback: a hidden check's error shows its message only.

The traceback of a failed hidden check would print the hidden test's code and the grading
module's lines. In feedback, such an error keeps just ``AssertionError: <Russian message>``.
Configured in nbgrader_config.py before ``ClearHiddenTests``.
"""

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


class HideHiddenTracebacks(NbGraderPreprocessor):
    """Replace the traceback of errors in cells with hidden tests by one line."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
