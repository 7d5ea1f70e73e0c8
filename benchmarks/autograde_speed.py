"""Benchmark: plain serial `nbgrader autograde` against `python -m course autograde`.

Grades the same synthetic submissions (every lesson in turn; perfect, wrong and blank
students) in two fresh copies of the course, once with plain nbgrader (one lesson after
another, serial), once with course.pipeline.autograde (all lessons in one call, --jobs: the
cores); prints seconds per notebook, where this grader's time goes (kernel starts, the checks
in the kernel, the judge, the other cells, nbgrader's passes), the ratio, whether both gave
the same scores, and the peak memory.
Run: .venv/bin/python benchmarks/autograde_speed.py [N] [--only-ours]
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import exercises, existing, notebook
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import marks
from course.pipeline.autograde import Settings, autograde

LESSONS = existing()


def _read(path):
    return nbformat.read(str(path), as_version=4)


def make_course(folder, total):
    """A course copy with ``total`` submissions spread over the lessons."""
    folder.mkdir(parents=True)
    course = copy_course(folder)
    for lesson in LESSONS:
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    for i in range(total):
        lesson = LESSONS[i % len(LESSONS)]
        release = _read(course / "release" / lesson / f"{lesson}.ipynb")
        nb = fill_solutions(release, _read(notebook(lesson, "source")))
        kind = ("perfect", "wrong", "blank")[i % 3]
        if kind == "blank":
            nb = release
        elif kind == "wrong":  # the last exercise returns its input unchanged
            name = exercises(lesson)[-1]
            for cell in nb.cells:
                if marks(cell).get("grade_id") == name:
                    cell.source = f"def {name}(*args):\n    return args[0]\n"
        folder = course / "submitted" / f"student{i:02d}" / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
    return course


def scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.assignment.name, s.student.id): s.score
                for a in gb.assignments for s in a.submissions}


def _peak_mb(who):
    return resource.getrusage(who).ru_maxrss / 1024


def main(total=40, only_ours=False):
    jobs = os.cpu_count()
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        ours = make_course(Path(tmp) / "ours", total)
        start = time.perf_counter()
        autograde(ours, LESSONS, settings=Settings(jobs=jobs), timings=timings)
        our_seconds = time.perf_counter() - start
        if not only_ours:
            plain = make_course(Path(tmp) / "plain", total)
            start = time.perf_counter()
            for lesson in LESSONS:
                done = run_nbgrader(["autograde", lesson, "--force"], plain)
                assert done.returncode == 0, done.stderr[-2000:]
            plain_seconds = time.perf_counter() - start
            same = scores(plain) == scores(ours)
        graded = len(scores(ours))
    print(f"submissions: {total} ({', '.join(LESSONS)} in turn), cores: {os.cpu_count()}, "
          f"jobs: {jobs}; graded: {graded}")
    print(f"python -m course autograde:        {our_seconds:7.1f} s, "
          f"{our_seconds / total:5.2f} s per notebook")
    notebooks = total + 2 * len(LESSONS)  # with the pre-flight probe's two per lesson
    per = timings.get("per_notebook", {})
    print(f"  preparation {timings.get('prepare', 0):6.1f} s, "
          f"nbgrader's record pass {timings.get('record', 0):6.1f} s, "
          f"execution (wall, {jobs} jobs) {timings.get('execute', 0):6.1f} s")
    print(f"  per notebook ({notebooks} with the probe's): "
          + ", ".join(f"{key} {value / notebooks:.2f} s" for key, value in per.items()))
    print(f"  peak memory: grader {_peak_mb(resource.RUSAGE_SELF):.0f} MB, largest worker or "
          f"kernel {_peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    if only_ours:
        return 0
    print(f"plain nbgrader autograde (serial): {plain_seconds:7.1f} s, "
          f"{plain_seconds / total:5.2f} s per notebook")
    print(f"speed-up: {plain_seconds / our_seconds:.2f}x; same scores: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(int(args[0]) if args else 40, only_ours="--only-ours" in sys.argv))
