"""Why a sentence of a lesson needs no claim check: the reasons the claims files share
(see tests/test_claims.py)."""

DEFINITION = "a definition or a step of a derivation: no measured outcome"
TASK = "states an exercise, a check or a question, not a result"
SET_UP = "states what a run does, not what comes out"
TIME = ("wall-clock time: depends on the machine and its load, and the text sends the student "
        "to their own numbers")
SUMMARY = "the summary restates results checked where they are stated"
