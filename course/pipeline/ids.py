"""Student ids: the one rule for every place an id enters the course (intake, collect, the
report) and the one way it leaves as a spreadsheet cell.

A valid id is 1–100 characters from intake's set (letters, digits, ``_``, ``.``, ``-``) and
starts with a letter, a digit or ``_``: so it is never ``.`` or ``..`` (it cannot leave
``submitted/``), never hidden, never an option (``-x``), and never a spreadsheet formula
(``=``, ``+``, ``-``, ``@``). Any text from a submission that goes into a CSV cell passes
through ``csv_cell``.
"""

import re

VALID = re.compile(r"\w[\w.-]{0,99}")
NO_NAME = "без_имени"
# What spreadsheets read as the start of a formula (OWASP's list for CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_valid(text):
    """Whether ``text`` is a valid student id (see the module's docstring)."""
    return isinstance(text, str) and VALID.fullmatch(text) is not None


def from_name(text):
    """A valid id made from a name (a folder or a file name): runs of other characters
    become ``_``, characters that may not start an id are dropped from the start, the rest
    cut to 100 characters; ``NO_NAME`` if nothing is left."""
    cleaned = re.sub(r"[^\w.-]+", "_", text.strip()).strip("_")
    cleaned = re.sub(r"^[^\w]+", "", cleaned)[:100]
    return cleaned if is_valid(cleaned) else NO_NAME


def csv_cell(value):
    """``value`` as a CSV cell that no spreadsheet runs: text starting like a formula gets a
    leading apostrophe (shown as text, not computed); numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
