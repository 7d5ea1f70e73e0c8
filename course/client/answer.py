"""The kernel's half of a hidden check: run the student's function on the judge's cases.

``respond`` takes the cases as JSON text and returns the run records as JSON text. It is
given the ``wire`` and ``runner`` modules instead of importing them, so the grader can send
all three as source text into a kernel where the course package does not exist.
"""

import json


def respond(func, cases_text, wire, runner):
    """JSON text: one list of run records (``runner.run_case``) per case, each record
    encoded with ``wire.encode``; or an error record for every case if ``func`` is not
    callable."""
    cases = [wire.decode(c) for c in json.loads(cases_text)]
    if not callable(func):
        error = {"type": "NotCallable", "message": type(func).__name__}
        runs = [[{"outputs": [], "calls": [], "error": error, "step": 0}] * case.get("repeat", 1)
                for case in cases]
    else:
        runs = [runner.run_case(func, case) for case in cases]
    return json.dumps([[wire.encode(run) for run in case_runs] for case_runs in runs])
