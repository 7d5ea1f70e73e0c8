"""Benchmark: the panel's «Проверить урок» against nbgrader's «Validate» on the same solved
lesson (the lesson's source solutions written into its release notebook).

Three timings, each the median of N runs (default 10):

* panel, kernel started ahead: what a student gets in the usual case; the lesson was opened
  (or checked) a moment before, so its next kernel is already up (the panel starts it then);
* panel, no kernel ahead: the first check right after the server started, kernel start
  included;
* nbgrader's Validate (``nbgrader.validator.Validator`` with the course's settings, as its lab
  extension calls it): the whole lesson, experiments included.

Run: .venv/bin/python benchmarks/check_speed.py [LESSON] [N] [--no-nbgrader]
"""

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from course.assign.solved import fill_solutions  # noqa: E402
from helpers import read_nb  # noqa: E402
from course.lessons import notebook  # noqa: E402
from course.panel.runner import Checker, KernelPool  # noqa: E402


def solved_lesson(lesson, folder):
    """A copy of the lesson's release folder with the solved notebook as ``solved.ipynb``."""
    target = folder / lesson
    shutil.copytree(ROOT / "release" / lesson, target)
    nb = fill_solutions(read_nb(notebook(lesson, "release")), read_nb(notebook(lesson, "source")))
    nbformat.write(nb, str(target / "solved.ipynb"))
    return target / "solved.ipynb"


async def _panel(path, repeat, ahead):
    """Seconds of ``repeat`` checks; ``ahead``: wait for the kernel started ahead first."""
    times = []
    for _ in range(repeat):
        checker = Checker(KernelPool())
        if ahead:
            checker.pool.warm(path.parent)
            await checker.pool._ready[1]  # the student is reading the lesson meanwhile
        began = time.monotonic()
        result = await checker.check(path)
        times.append(time.monotonic() - began)
        assert all(line["status"] in ("passed", "answered") for line in result["lines"]), result
        await checker.pool.close()
    return times


def nbgrader_validate(path, repeat):
    from nbgrader.apps import NbGrader
    from nbgrader.validator import Validator

    app = NbGrader()
    app.config_file_paths.append(str(ROOT / "jupyter" / "common"))
    app.load_config_file()
    times = []
    for _ in range(repeat):
        began = time.monotonic()
        result = Validator(config=app.config).validate(str(path))
        times.append(time.monotonic() - began)
        assert "failed" not in result, result
    return times


def _show(name, times):
    print(f"{name:40s} median {statistics.median(times):6.2f} s   "
          f"(min {min(times):.2f}, max {max(times):.2f}, n = {len(times)})")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lesson = args[0] if args else "01_sgd"
    repeat = int(args[1]) if len(args) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        path = solved_lesson(lesson, Path(tmp))
        print(f"Урок {lesson}, решённый; по {repeat} запусков.")
        _show("Проверить урок (ядро запущено заранее)", asyncio.run(_panel(path, repeat, True)))
        _show("Проверить урок (без ядра заранее)", asyncio.run(_panel(path, repeat, False)))
        if "--no-nbgrader" not in sys.argv:
            _show("nbgrader Validate", nbgrader_validate(path, repeat))


if __name__ == "__main__":
    main()
