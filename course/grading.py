"""What a hidden-check cell calls when the notebook runs outside ``python -m course autograde``
(nbval in CI, the instructor's JupyterLab, plain ``nbgrader autograde``)::

    from course.grading import check
    check("sgd_update", sgd_update)

It runs the same two halves as the sandboxed grader, the kernel's (``course.client``) and
the judge's (``course.judge``), but both in this kernel: there the student's code could
reach the judge, so plain ``nbgrader autograde`` gives none of the guarantees of
``python -m course autograde``, which never runs this module (it runs the kernel half in
the sandbox and the judge outside it).
"""

from course import judge
from course.client import answer, runner, wire


class CheckFailed(AssertionError):
    """A failed hidden check: IPython shows only its Russian message, no traceback."""

    def _render_traceback_(self):
        return str(self).splitlines()


def check(name, func):
    """Grade the student's ``func`` for exercise ``name``: a short confirmation on stdout
    if it is right, an AssertionError with the judge's Russian message if it is not."""
    __tracebackhide__ = True  # IPython hides this frame in the traceback shown to students
    verdict = judge.judge(name, answer.respond(func, judge.cases_text(name), wire, runner))
    if not verdict.passed:
        raise CheckFailed(verdict.message)
    print(verdict.message)
