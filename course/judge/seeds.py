"""Per-submission seeds of the hidden cases: what one feedback shows (a function that
prints its inputs) says nothing about the cases of the next submission.

A seed is an HMAC of the submission (student, lesson, the notebook's bytes) under the
course's secret, a file in the course folder that no kernel sees (written the first time
grades are recorded): the same submission gets
the same cases in every regrade, any change to it gets new ones, and without the secret they
cannot be predicted.
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = ".course_secret"


_UNSAVED = {}  # course folder -> a new secret not yet written (nothing recorded yet)


def course_secret(root):
    """The course's secret (bytes): ``root``/``SECRET_FILE``, or, before it exists, a new
    one kept in this process until ``keep_secret`` writes it (a run that records nothing
    writes nothing)."""
    path = Path(root) / SECRET_FILE
    if path.is_file():
        return path.read_bytes()
    return _UNSAVED.setdefault(str(Path(root).resolve()), secrets.token_hex(32).encode())


def keep_secret(root):
    """Write the secret ``course_secret`` gave (readable by its owner only), unless the
    file exists: from now on, grades drawn with it are recorded."""
    path = Path(root) / SECRET_FILE
    secret = course_secret(root)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as f:
        f.write(secret)
    _UNSAVED.pop(str(Path(root).resolve()), None)


def submission_seed(secret, student, lesson, notebook):
    """The seed (a non-negative int below 2**63) of a submission: ``notebook`` is the bytes
    of the submitted file."""
    message = b"\0".join([student.encode(), lesson.encode(), hashlib.sha256(notebook).digest()])
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:8], "big") >> 1
