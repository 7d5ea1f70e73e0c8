"""Every notebook executes: source fully, release up to its stubs, filled release fully."""

import ast
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest
from helpers import read_nb
from nbclient import NotebookClient

from course.assign.solved import fill_solutions
from course.headless import KernelManager
from course.lessons import KIT_FILES, notebook

pytestmark = pytest.mark.notebooks


def _nbval(path):
    """Run nbval (errors only, outputs not compared) on one notebook in this environment."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", str(path)],
        cwd=path.parent, capture_output=True, text=True,
    )


def _lesson_copy(lesson, where, tmp_path):
    """A copy of source/ or release/<lesson> in tmp_path (keeps the repository clean). A lesson
    whose kit runs the network of lesson 1 (optkit/net.py loads the student's own forward and
    loss_and_grads) gets a solved lesson 1 beside it, as a student who has done lesson 1 has."""
    dest = tmp_path / lesson
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(notebook(lesson, where).parent, dest, ignore=ignore)
    if "net.py" in KIT_FILES[lesson]:
        shutil.copytree(notebook("01_sgd", "source").parent, tmp_path / "01_sgd", ignore=ignore)
    return dest / f"{lesson}.ipynb"


def _execute(path, allow_errors=False):
    nb = read_nb(path)
    started = time.perf_counter()
    NotebookClient(nb, timeout=120, allow_errors=allow_errors, kernel_name="python3",
                   kernel_manager_class=KernelManager,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb, time.perf_counter() - started


def test_source_runs_under_nbval(lesson, tmp_path):
    done = _nbval(_lesson_copy(lesson, "source", tmp_path))
    assert done.returncode == 0, done.stdout[-4000:]


def test_source_writes_nothing_to_stderr_and_shows_plots(lesson, tmp_path):
    """(How fast each lesson runs is measured by benchmarks/lesson_speed.py, not here: a
    busy machine must not fail a test.)"""
    nb, seconds = _execute(_lesson_copy(lesson, "source", tmp_path))
    print(f"{lesson}: source executed in {seconds:.1f} s")
    stderr = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"stderr output (warnings score test cells 0 in nbgrader): {stderr}"
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "image/png" in o.get("data", {})]
    assert figures, "the lesson shows no plot"


def _assigned_names(source):
    """Names a cell binds at top level (variables, functions, loop targets)."""
    names = set()
    for node in ast.parse(source).body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, ast.FunctionDef):
                names.add(sub.name)
    return names


def test_release_stops_only_at_unsolved_stubs(lesson, tmp_path):
    """Only the stubs' NotImplementedError, and NameErrors for what a failed cell would
    have defined (the cells that depend on unsolved exercises)."""
    nb, _ = _execute(_lesson_copy(lesson, "release", tmp_path), allow_errors=True)
    stubs, unexpected, undefined = 0, [], set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type != "error":
                continue
            missing = re.fullmatch(r"name '(\w+)' is not defined", out.evalue)
            if out.ename == "NotImplementedError":
                stubs += 1
            elif not (out.ename == "NameError" and missing and missing[1] in undefined):
                unexpected.append((out.ename, out.evalue))
            undefined |= _assigned_names(cell.source)
    assert stubs, "the release notebook ran without reaching a stub"
    assert not unexpected, unexpected


def test_release_with_solutions_filled_in_runs_fully(lesson, tmp_path):
    path = _lesson_copy(lesson, "release", tmp_path)
    nbformat.write(fill_solutions(read_nb(path), read_nb(notebook(lesson, "source"))), str(path))
    done = _nbval(path)
    assert done.returncode == 0, done.stdout[-4000:]
