"""Benchmark: plain serial `nbgrader autograde` against `python -m course autograde`.

Grades the same synthetic submissions (mixed lessons; perfect, wrong and blank students) in
two fresh copies of the course, once with plain nbgrader (one lesson after another, serial),
once with course.pipeline.autograde (all lessons in one call, --jobs: the cores); prints seconds per
notebook, the ratio, and whether both gave the same scores.
Run: .venv/bin/python benchmarks/autograde_speed.py [N]
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_course, fill_solutions, nbgrader_meta, read_nb  # noqa: E402
from course.pipeline.autograde import Settings, autograde  # noqa: E402
from course.nbgrader_apps import run_nbgrader  # noqa: E402
from course.lessons import LESSONS, exercises, notebook  # noqa: E402


def make_course(folder, total):
    """A course copy with ``total`` submissions spread over the lessons."""
    folder.mkdir(parents=True)
    course = copy_course(folder)
    for lesson in LESSONS:
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    for i in range(total):
        lesson = LESSONS[i % len(LESSONS)]
        release = read_nb(course / "release" / lesson / f"{lesson}.ipynb")
        nb = fill_solutions(release, read_nb(notebook(lesson, "source")))
        kind = ("perfect", "wrong", "blank")[i % 3]
        if kind == "blank":
            nb = release
        elif kind == "wrong":  # the last exercise returns its input unchanged
            name = exercises(lesson)[-1]
            for cell in nb.cells:
                if nbgrader_meta(cell).get("grade_id") == name:
                    cell.source = f"def {name}(*args):\n    return args[0]\n"
        folder = course / "submitted" / f"student{i:02d}" / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
    return course


def scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.assignment.name, s.student.id): s.score
                for a in gb.assignments for s in a.submissions}


def main(total=40):
    jobs = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        plain = make_course(Path(tmp) / "plain", total)
        ours = make_course(Path(tmp) / "ours", total)
        start = time.perf_counter()
        for lesson in LESSONS:
            done = run_nbgrader(["autograde", lesson, "--force"], plain)
            assert done.returncode == 0, done.stderr[-2000:]
        plain_seconds = time.perf_counter() - start
        start = time.perf_counter()
        autograde(ours, LESSONS, settings=Settings(jobs=jobs))
        our_seconds = time.perf_counter() - start
        same = scores(plain) == scores(ours)
    print(f"submissions: {total} (mixed lessons), cores: {os.cpu_count()}, jobs: {jobs}")
    print(f"plain nbgrader autograde (serial): {plain_seconds:7.1f} s, "
          f"{plain_seconds / total:5.2f} s per notebook")
    print(f"python -m course autograde:        {our_seconds:7.1f} s, "
          f"{our_seconds / total:5.2f} s per notebook")
    print(f"speed-up: {plain_seconds / our_seconds:.2f}x; same scores: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
