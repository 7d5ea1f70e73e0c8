"""release/ is generated from source/ by nbgrader, byte-stable, and leaks nothing."""

import ast
import filecmp
import re
import subprocess
import sys

import pytest

from conftest import copy_course, nbgrader_meta, read_nb, run_nbgrader
from course.lessons import KIT, KIT_FILES, ROOT, exercises, notebook

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def _release_files(lesson, root=ROOT):
    base = root / "release" / lesson
    return {p.relative_to(base): p.read_bytes() for p in sorted(base.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_release_equals_a_fresh_nbgrader_build(lesson, tmp_path):
    course = copy_course(tmp_path)
    done = run_nbgrader(["generate_assignment", lesson, "--force"], course)
    assert done.returncode == 0, done.stderr
    fresh = _release_files(lesson, course)
    assert fresh == _release_files(lesson), (
        f"release/{lesson} differs from a fresh build: run `python -m course build {lesson}`")


def test_generation_is_byte_stable(lesson, tmp_path):
    course = copy_course(tmp_path)
    outputs = []
    for _ in range(2):
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
        outputs.append(_release_files(lesson, course))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("where", ["source", "release"])
def test_kit_copies_equal_the_canonical_kit(lesson, where):
    copy = ROOT / where / lesson / "optkit"
    shipped = sorted(p.name for p in copy.glob("*.py"))
    assert shipped == sorted(KIT_FILES[lesson])
    _, mismatch, errors = filecmp.cmpfiles(KIT, copy, KIT_FILES[lesson], shallow=False)
    assert not mismatch and not errors, f"{where}/{lesson}/optkit differs from the kit: {mismatch}"


def test_lesson_one_helpers_hold_no_network():
    assert "net.py" not in KIT_FILES["01_sgd"]
    assert not (ROOT / "release" / "01_sgd" / "optkit" / "net.py").exists()


def test_source_notebooks_are_stored_without_outputs(lesson):
    nb = read_nb(notebook(lesson, "source"))
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def _significant_lines(text):
    """Code lines long enough to be telling (no blanks, comments, docstrings, bare keywords)."""
    lines = set()
    for line in text.splitlines():
        s = line.strip()
        if len(s) >= 12 and not s.startswith(("#", '"', "'")) and s not in (
                "return", "else:", "pass"):
            lines.add(s)
    return lines


def _all_release_text(lesson):
    return "\n".join(b.decode("utf-8", "replace") for b in _release_files(lesson).values())


def test_release_holds_no_solution_or_hidden_test(lesson):
    source = read_nb(notebook(lesson, "source"))
    release_text = _all_release_text(lesson)
    assert "BEGIN SOLUTION" not in release_text and "HIDDEN TESTS" not in release_text
    assert "course" not in re.findall(r"^\s*(?:from|import)\s+(\w+)", release_text, re.M)
    for cell in source.cells:
        for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            for line in _significant_lines(block):
                if cell.cell_type == "code":
                    assert line not in release_text, f"leaked into release/{lesson}: {line}"


def test_release_holds_no_reference_line(lesson):
    tree = ast.parse((ROOT / "course" / "reference.py").read_text())
    body_lines = set()
    src = (ROOT / "course" / "reference.py").read_text().splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node)
            first = node.body[1 if doc else 0].lineno
            body_lines |= _significant_lines("\n".join(src[first - 1:node.end_lineno]))
    release_text = _all_release_text(lesson)
    leaked = sorted(line for line in body_lines if line in release_text)
    assert not leaked, f"reference lines in release/{lesson}: {leaked}"


def test_grade_ids_follow_the_exercise_contract(lesson):
    nb = read_nb(notebook(lesson, "source"))
    metas = [nbgrader_meta(c) for c in nb.cells if nbgrader_meta(c)]
    solutions = [m["grade_id"] for m in metas if m.get("solution") and not m.get("grade")]
    assert tuple(solutions) == exercises(lesson)
    tests = [m["grade_id"] for m in metas if m.get("grade") and not m.get("solution")]
    assert solutions, "no exercise"
    for name in solutions:
        assert any(t.startswith(f"test_{name}") for t in tests), f"no test cell for {name}"
    for t in tests:
        assert any(t.startswith(f"test_{name}") for name in solutions), f"orphan test {t}"
    assert len(set(m["grade_id"] for m in metas)) == len(metas), "duplicate grade_id"


def test_every_grade_cell_has_points_and_the_lesson_a_round_total(lesson):
    nb = read_nb(notebook(lesson, "source"))
    points = [nbgrader_meta(c).get("points") for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert all(isinstance(p, (int, float)) and p > 0 for p in points)
    assert sum(points) % 5 == 0, f"{lesson} totals {sum(points)} points"


def test_nbgrader_validate_passes_on_source(lesson):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate",
                           str(notebook(lesson, "source"))], capture_output=True, text=True,
                          cwd=ROOT)
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout[-3000:]


def test_nbgrader_validate_invert_fails_every_test_on_release(lesson):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert",
                           str(notebook(lesson, "release"))], capture_output=True, text=True,
                          cwd=ROOT)
    assert "Success! The notebook does not pass any tests." in done.stdout, done.stdout[-3000:]
