"""Per-submission seeds of the hidden cases: what one feedback shows (a function that
prints its inputs) says nothing about the cases of the next submission.

A seed is an HMAC of the submission (student, lesson, the notebook's bytes) under the
course's secret, a file in the course folder that no kernel sees: the same submission gets
the same cases in every regrade, any change to it gets new ones, and without the secret they
cannot be predicted.
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = ".course_secret"


def course_secret(course):
    """The course's secret (bytes), created in ``course``/``SECRET_FILE`` (readable by its
    owner only) the first time it is needed."""
    path = Path(course) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_hex(32).encode())
    return path.read_bytes()


def submission_seed(secret, student, lesson, notebook):
    """The seed (a non-negative int below 2**63) of a submission: ``notebook`` is the bytes
    of the submitted file."""
    message = b"\0".join([student.encode(), lesson.encode(), hashlib.sha256(notebook).digest()])
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:8], "big") >> 1
