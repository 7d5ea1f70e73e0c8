"""The judge: compares a student's results with the reference and names known mistakes.

It runs where the student's code cannot reach it: in ``python -m course autograde``, in the
grading worker outside the sandbox, long-lived (the reference and the cases are imported
once). What it is given is the text the kernel sent back; whatever that text holds, the
verdict comes from comparing it with the reference here.
"""

from course.judge.seeds import course_secret, keep_secret, submission_seed  # noqa: F401
from course.judge.verdict import Verdict, cases_text, judge  # noqa: F401
