"""nbgrader configuration of the course (the repository root is the course directory)."""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearOutput,
                                    DeduplicateIds, GetGrades, OverwriteKernelspec)

from course.pipeline.limits import Limits
from course.pipeline.preprocessors import HideHiddenTracebacks, RestoreDeletedCells

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "gd-optimizers"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
# Lessons ship only their notebook and the helper kit; never the course package.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Russian stubs for the student versions.
c.ClearSolutions.code_stub = {"python": "# ВАШ КОД ЗДЕСЬ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ВАШ ОТВЕТ ЗДЕСЬ"

# A cell that runs longer than this is interrupted (an infinite loop costs only that cell).
c.Execute.timeout = Limits().cell_timeout
c.Execute.interrupt_on_timeout = True
# Execution must not lose a reply when a cell's Output widget makes the client send on the
# shell socket (course/headless.py).
c.AsyncKernelManager.client_class = "course.headless.KernelClient"

# Deleted grade cells are put back from the gradebook, so they are graded, not lost (also
# after read-only cells, where nbgrader's own OverwriteCells fails).
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      RestoreDeletedCells, CheckCellMetadata]

# Feedback shows the messages of hidden checks but neither their code nor their traceback.
c.GenerateFeedback.preprocessors = [
    GetGrades, HideHiddenTracebacks, ClearHiddenTests, CSSHTMLHeaderPreprocessor,
]
