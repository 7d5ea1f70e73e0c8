"""nbgrader configuration of the course (the repository root is the course directory)."""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    OverwriteKernelspec,
)

from course.nbgrader_apps import environment
from course.pipeline import feedback
from course.pipeline.late import LatePolicy
from course.pipeline.limits import Limits
from course.pipeline.preprocessors import (
    DisarmStudentMarkers,
    HideHiddenTracebacks,
    RestoreDeletedCells,
)

c = get_config()  # noqa: F821 (provided by nbgrader)

# nbgrader creates a new gradebook by running `alembic` by name: `.venv/bin/nbgrader` from a
# shell that has not activated .venv finds it only with this environment first on PATH.
os.environ["PATH"] = environment()["PATH"]

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

# Feedback shows the messages of hidden checks but neither their code nor their traceback;
# hidden-test markers a student wrote cannot make it fail.
c.GenerateFeedback.preprocessors = [
    GetGrades, DisarmStudentMarkers, HideHiddenTracebacks, ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# The feedback page in Russian (course/pipeline/templates/ru_feedback); formulas as MathML,
# drawn by the browser without MathJax or network, in feedback and formgrader alike (formgrader
# reads this file too); raw HTML in markdown escaped, no javascript: links (nbconvert's own
# filter lets both through).
c.GenerateFeedback.exporter_class = feedback.FeedbackExporter
c.FeedbackExporter.template_name = feedback.TEMPLATE
c.FeedbackExporter.extra_template_basedirs = feedback.template_dirs()
c.FeedbackExporter.extra_template_paths = feedback.template_paths()
c.FeedbackExporter.exclude_input_prompt = True  # no «In [12]:» beside the cells
c.HTMLExporter.filters = {"markdown2html": feedback.markdown2html}
# formgrader's grading page: nbgrader's own template, but no MathJax from a CDN (the formulas
# are MathML; course/pipeline/templates/course_formgrade gives formgrade.js the start-up
# signal it waits for), so it works offline and tells no CDN who grades.
c.HTMLExporter.template_name = feedback.FORMGRADE_TEMPLATE
c.HTMLExporter.extra_template_basedirs = feedback.template_dirs()
c.HTMLExporter.extra_template_paths = feedback.template_paths()

# Late work (course/pipeline/late.py): due dates are set in formgrader («Manage Assignments»)
# or with nbgrader db assignment add LESSON --duedate="2027-02-14 23:59:00 Europe/Moscow";
# extensions with python -m course extend STUDENT LESSON --days N. penalty_method: "none",
# "zero" or "per_day": c.LatePolicy.per_day of the points per started day late, keeping at
# least c.LatePolicy.floor of them (their defaults and help: LatePolicy).
c.AssignLatePenalties.plugin_class = LatePolicy
c.LatePolicy.penalty_method = "per_day"
