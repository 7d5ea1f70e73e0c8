"""release/ is generated from source/ by nbgrader, byte-stable, and leaks nothing."""

import json
import subprocess
import sys

import pytest
from helpers import read_nb

from course.assign.assignment import copy_course
from course.assign.release_check import (
    HELD_OUT,
    held_out_leaks,
    kit_differences,
    leaks,
    release_files,
    stale,
)
from course.lessons import KIT_FILES, ROOT, exercises, notebook
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import marks


@pytest.mark.notebooks
def test_release_equals_a_fresh_nbgrader_build(lesson):
    assert stale(lesson) == [], f"run `python -m course build {lesson}`"


@pytest.mark.notebooks
def test_generation_is_byte_stable(lesson, tmp_path):
    course = copy_course(tmp_path)
    outputs = []
    for _ in range(2):
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
        outputs.append(release_files(lesson, course))
    assert outputs[0] == outputs[1]


def test_kit_copies_equal_the_canonical_kit(lesson):
    assert kit_differences(lesson) == []


def test_lesson_one_helpers_hold_no_network():
    assert "net.py" not in KIT_FILES["01_sgd"]
    assert not (ROOT / "release" / "01_sgd" / "optkit" / "net.py").exists()


def test_source_notebooks_are_stored_without_outputs(lesson):
    nb = read_nb(notebook(lesson, "source"))
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def test_release_holds_no_solution_hidden_test_or_reference_line(lesson):
    assert leaks(lesson) == []


def test_no_release_ships_the_capstones_held_out_test_split(lesson):
    assert held_out_leaks(lesson) == []


@pytest.mark.parametrize("how", ["the file", "its images in the kit's file"])
def test_a_planted_held_out_split_is_found(tmp_path, how):
    """The judge's test split copied into a release, or its images merged into the kit's
    digits.npz, is a leak (students would tune on the split that grades them)."""
    import numpy as np

    lesson = "05_schedules"
    course = copy_course(tmp_path)
    kit_file = course / "release" / lesson / "optkit" / "digits.npz"
    if how == "the file":
        (course / "release" / lesson / "held.npz").write_bytes(HELD_OUT.read_bytes())
        finding = "это тестовая выборка итогового задания"
    else:
        with np.load(kit_file) as kit, np.load(HELD_OUT) as held:
            arrays = {name: kit[name] for name in kit.files}
            arrays["pixels"] = np.concatenate([kit["pixels"], held["pixels"][:3]])
        np.savez_compressed(kit_file, **arrays)
        finding = "есть изображения тестовой выборки итогового задания (3)"
    found = held_out_leaks(lesson, course)
    assert any(finding in message for message in found), found


def _plant(course, lesson, text, kit_file=None):
    """Append ``text`` to the release notebook's first code cell (or to a kit file)."""
    if kit_file:
        path = course / "release" / lesson / "optkit" / kit_file
        path.write_text(path.read_text("utf-8") + text, "utf-8")
        return
    path = course / "release" / lesson / f"{lesson}.ipynb"
    nb = json.loads(path.read_text("utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]) + text
    path.write_text(json.dumps(nb), "utf-8")


def _first_solution_line(lesson):
    source = read_nb(notebook(lesson, "source"))
    for cell in source.cells:
        if marks(cell).get("solution") and cell.cell_type == "code":
            body = cell.source.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
            return next(line.strip() for line in body.splitlines() if len(line.strip()) >= 12)


@pytest.mark.parametrize("planted, finding", [
    ("\n### BEGIN SOLUTION\n", "метка nbgrader «BEGIN SOLUTION»"),
    ("\nfrom course import reference\n", "импортирует пакет преподавателя course"),
    ("SOLUTION_LINE", "строка решения или скрытой проверки"),
    ("\nreturn w - lr * grad\n", "строка эталона course/reference.py: return w - lr * grad"),
])
def test_a_planted_leak_is_found(tmp_path, planted, finding):
    lesson = "01_sgd"
    course = copy_course(tmp_path)
    _plant(course, lesson, planted.replace("SOLUTION_LINE", "\n" + _first_solution_line(lesson)))
    found = leaks(lesson, course)
    assert any(finding in message for message in found), found


@pytest.mark.notebooks
def test_an_edited_kit_copy_and_a_stale_release_are_found(tmp_path):
    lesson = "01_sgd"
    course = copy_course(tmp_path)
    _plant(course, lesson, "\n# edited\n", kit_file="plots.py")
    _plant(course, lesson, "\n# edited\n")
    assert kit_differences(lesson, course) == [
        "release/01_sgd/optkit/plots.py отличается от course/student/optkit/plots.py"]
    assert stale(lesson, course) == [
        f"release/{lesson}/{name} не совпадает со свежей сборкой из source/{lesson}"
        for name in (f"{lesson}.ipynb", "optkit/plots.py")]


def test_grade_ids_follow_the_exercise_contract(lesson):
    nb = read_nb(notebook(lesson, "source"))
    metas = [marks(c) for c in nb.cells if marks(c)]
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
    points = [marks(c).get("points") for c in nb.cells if marks(c).get("grade")]
    assert all(isinstance(p, (int, float)) and p > 0 for p in points)
    assert sum(points) % 5 == 0, f"{lesson} totals {sum(points)} points"


@pytest.mark.notebooks
def test_nbgrader_validate_passes_on_source(lesson):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate",
                           str(notebook(lesson, "source"))], capture_output=True, text=True,
                          cwd=ROOT)
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout[-3000:]


@pytest.mark.notebooks
def test_nbgrader_validate_invert_fails_every_test_on_release(lesson):
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert",
                           str(notebook(lesson, "release"))], capture_output=True, text=True,
                          cwd=ROOT)
    assert "Success! The notebook does not pass any tests." in done.stdout, done.stdout[-3000:]


@pytest.mark.notebooks
def test_jupyter_checkpoints_are_no_part_of_a_release(tmp_path):
    """A lesson opened in place gets .ipynb_checkpoints from autosave: nothing in them is
    shipped or taken for a leak, even a copy of the source notebook."""
    lesson = "01_sgd"
    course = copy_course(tmp_path)
    checkpoints = course / "release" / lesson / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / f"{lesson}-checkpoint.ipynb").write_bytes(
        notebook(lesson, "source").read_bytes())
    assert not any(".ipynb_checkpoints" in path.parts for path in release_files(lesson, course))
    assert leaks(lesson, course) == []
