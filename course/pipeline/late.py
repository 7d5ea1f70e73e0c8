"""Late work: the course's late policy as nbgrader's late-submission plugin, and extensions.

nbgrader's autograde runs AssignLatePenalties (nbgrader/preprocessors/latesubmissions.py):
for a submission whose timestamp is after the lesson's due date (plus the student's
extension, ``SubmittedAssignment.duedate``), it asks the configured plugin for each
notebook's penalty and stores it in the gradebook (``late_submission_penalty``); nbgrader's
export, the feedback page (GetGrades), the course's report and the Moodle export subtract
it. The policy is set in nbgrader_config.py (``LatePolicy``); due dates are nbgrader's own
(formgrader's «Manage Assignments», or ``nbgrader db assignment add LESSON --duedate=…``).
"""

import math
import warnings
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float

from course import russian
from course.russian import plural

DAY = 24 * 60 * 60


class LatePolicy(LateSubmissionPlugin):
    """nbgrader's 'none' and 'zero' methods, and 'per_day': ``per_day`` of the points
    earned is taken for each started day late, but the work keeps at least ``floor`` of
    them."""

    penalty_method = Enum(("none", "zero", "per_day"), default_value="none", help=(
        "'none': no penalty; 'zero': a late submission gets 0 points; 'per_day': per_day of "
        "the points for each started day late, keeping at least floor of them")
    ).tag(config=True)
    per_day = Float(0.1, help="share of the points taken per started day late").tag(config=True)
    floor = Float(0.5, help="share of the points a late submission keeps at least"
                  ).tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if self.penalty_method != "per_day":
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        days = math.ceil(total_seconds_late / DAY)
        return score * min(self.per_day * days, 1 - self.floor)


def describe(penalty):
    """«штраф за опоздание: 2 балла», «…: 1,5 балла» (Russian, for comments and reports)."""
    if penalty == int(penalty):
        amount = plural(int(penalty), "балл", "балла", "баллов")
    else:
        amount = russian.number(penalty) + " балла"
    return f"штраф за опоздание: {amount}"


def extend(root, student, lesson, days):
    """Give ``student`` ``days`` more days for ``lesson`` (replacing an earlier extension;
    0 removes it), through nbgrader's ``Gradebook.grant_extension``; the new due date. A
    lesson without a due date gets no extension (one can only be removed) and None is
    returned: nbgrader's ``Submission.duedate`` (and so autograde of that student) fails on
    an extension without a due date. A student who has not submitted yet gets an empty
    submission record to hold it (autograde fills it in)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gb, \
            warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy's autoflush warnings (harmless)
        warnings.simplefilter("ignore")
        if gb.find_assignment(lesson).duedate is None and days:  # MissingEntry: unknown
            return None
        gb.update_or_create_student(student)
        try:
            gb.find_submission(lesson, student)
        except MissingEntry:
            gb.add_submission(lesson, student)
        gb.grant_extension(lesson, student, days=days)
        return gb.find_submission(lesson, student).duedate
