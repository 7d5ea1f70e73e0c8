"""The kernel side of a hidden check: what runs in the student's kernel.

``runner`` runs a function on the judge's cases and records what happened, ``wire`` turns
values into JSON and back, ``answer`` is the one entry point the grader calls in the kernel.
In ``python -m course autograde`` the kernel gets these modules as source text with each
call (nothing of the course is importable in its sandbox); whatever the kernel sends back
is data for the judge to verify, never a verdict.
"""
