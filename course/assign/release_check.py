"""Checks of a lesson's student version (release/<lesson>): it leaks nothing and is current.

Each check returns a list of Russian messages, empty when all is well; ``python -m course
build`` and ``check`` print them, tests/test_release.py asserts they are empty (and that
planted leaks are found).
"""

import ast
import filecmp
import re
import tempfile
from pathlib import Path

import nbformat

from course.assign.assignment import copy_course, generate
from course.lessons import KIT, KIT_FILES, ROOT

REFERENCE = Path(__file__).resolve().parent.parent / "reference.py"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
# Made by Python and by Jupyter's autosave, never part of a release.
CACHES = {"__pycache__", ".ipynb_checkpoints"}
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def release_files(lesson, root=ROOT):
    """{path relative to release/<lesson>: bytes} of the files shipped to students."""
    base = Path(root) / "release" / lesson
    return {p.relative_to(base): p.read_bytes() for p in sorted(base.rglob("*"))
            if p.is_file() and not CACHES & set(p.parts)}


def significant_lines(text):
    """Code lines long enough to be telling (no blanks, comments, docstrings, bare keywords)."""
    lines = set()
    for line in text.splitlines():
        s = line.strip()
        if len(s) >= 12 and not s.startswith(("#", '"', "'")) and s not in (
                "return", "else:", "pass"):
            lines.add(s)
    return lines


def _reference_lines():
    """Significant lines of the bodies (docstrings left out) of course/reference.py's functions."""
    text = REFERENCE.read_text("utf-8")
    src = text.splitlines()
    lines = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef):
            first = node.body[1 if ast.get_docstring(node) else 0].lineno
            lines |= significant_lines("\n".join(src[first - 1:node.end_lineno]))
    return lines


def _shipped_text(lesson, root):
    """All text of release/<lesson>: the cells of its notebooks (as students see them, not
    JSON-escaped) and its other files."""
    parts = []
    for path, data in release_files(lesson, root).items():
        text = data.decode("utf-8", "replace")
        if path.suffix == ".ipynb":
            try:
                text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            except Exception:  # noqa: BLE001 (an unreadable notebook is searched as it is)
                pass
        parts.append(text)
    return "\n".join(parts)


def leaks(lesson, root=ROOT):
    """What of the solutions, hidden tests and reference solution release/<lesson> contains."""
    root = Path(root)
    text = _shipped_text(lesson, root)
    found = [f"в release/{lesson} осталась метка nbgrader «{mark}»"
             for mark in ("BEGIN SOLUTION", "HIDDEN TESTS") if mark in text]
    if "course" in re.findall(r"^\s*(?:from|import)\s+(\w+)", text, re.M):
        found.append(f"release/{lesson} импортирует пакет преподавателя course")
    source = nbformat.read(str(root / "source" / lesson / f"{lesson}.ipynb"), as_version=4)
    hidden = set()
    for cell in source.cells:
        if cell.cell_type == "code":
            for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
                hidden |= significant_lines(block)
    found += [f"в release/{lesson} попала строка решения или скрытой проверки: {line}"
              for line in sorted(hidden) if line in text]
    found += [f"в release/{lesson} попала строка эталона course/reference.py: {line}"
              for line in sorted(_reference_lines()) if line in text]
    return found


def kit_differences(lesson, root=ROOT):
    """Where the copies of the kit in source/ and release/ differ from course/student/optkit."""
    found = []
    for where in ("source", "release"):
        copy = Path(root) / where / lesson / "optkit"
        shipped = sorted(p.name for p in copy.glob("*") if p.is_file())
        if shipped != sorted(KIT_FILES[lesson]):
            found.append(f"в {where}/{lesson}/optkit файлы {', '.join(shipped) or 'отсутствуют'}"
                         f", а должны быть {', '.join(sorted(KIT_FILES[lesson]))}")
        _, mismatch, errors = filecmp.cmpfiles(KIT, copy, KIT_FILES[lesson], shallow=False)
        found += [f"{where}/{lesson}/optkit/{name} отличается от course/student/optkit/{name}"
                  for name in mismatch + errors if (copy / name).exists()]
    return found


def problems(lesson, root=ROOT, rebuild=False):
    """Every problem of release/<lesson>: its leaks, kit copies that differ and, if
    ``rebuild``, what differs from a fresh build (``stale``)."""
    return (leaks(lesson, root) + kit_differences(lesson, root)
            + (stale(lesson, root) if rebuild else []))


def stale(lesson, root=ROOT):
    """Files in which release/<lesson> differs from a fresh nbgrader build of source/<lesson>
    (built in a temporary copy of the course; nothing in ``root`` is written)."""
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        fresh_root = copy_course(tmp, root)
        generate(lesson, fresh_root)
        fresh = release_files(lesson, fresh_root)
    shipped = release_files(lesson, root)
    differ = sorted(str(p) for p in set(fresh) | set(shipped) if fresh.get(p) != shipped.get(p))
    return [f"release/{lesson}/{name} не совпадает со свежей сборкой из source/{lesson}"
            for name in differ]
