"""Same work, same grade on a busy machine: the limits of a cell and of a notebook count the
CPU time of the sandbox's processes, and kernel restarts cost the student nothing, so a CPU
hog beside the grader changes no point."""

import multiprocessing
import os

import nbformat
import pytest
from helpers import read_nb, with_cell
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import notebook
from course.nbgrader_apps import run_nbgrader
from course.pipeline import sandbox
from course.pipeline.autograde import Settings, autograde
from course.pipeline.limits import Limits

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"
LIMITS = Limits(cell_timeout=5, notebook_timeout=30)
BURN = "import time\nt = time.process_time() + {}\nwhile time.process_time() < t:\n    pass"


def _class(perfect):
    """Submissions whose points depend on the limits: an endless loop, one that ignores the
    interrupt (killed, the kernel restarted), kernel deaths, cells that use up the notebook's
    CPU budget before the last checks, and the honest one."""
    slow = perfect
    for _ in range(8):  # 8 × 4 s of CPU > the notebook's 30 s
        slow = with_cell(slow, BURN.format(4), after_grade_id="loss_and_grads")
    deaths = perfect
    for _ in range(3):
        deaths = with_cell(deaths, "import os\nos._exit(1)", after_grade_id="forward")
    return {
        "perfect": perfect,
        "looper": with_cell(perfect, "while True:\n    pass", after_grade_id="forward"),
        "stubborn": with_cell(perfect, "import signal\nsignal.signal(signal.SIGINT, "
                              "signal.SIG_IGN)\nwhile True:\n    pass", after_grade_id="forward"),
        "deaths": deaths,
        "slow": slow,
        "busy": with_cell(perfect, BURN.format(3), after_grade_id="forward"),
    }


def _spin():
    while True:
        pass


def _grade(base, name, hog):
    course = copy_course(base / name)
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    for student, nb in _class(fill_solutions(release, read_nb(notebook(LESSON, "source")))
                              ).items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    hogs = [multiprocessing.get_context("spawn").Process(target=_spin, daemon=True)
            for _ in range(os.cpu_count() or 2)] if hog else []
    for process in hogs:
        process.start()
    try:
        autograde(course, [LESSON], settings=Settings(jobs=2, limits=LIMITS))
    finally:
        for process in hogs:
            process.kill()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(LESSON, s).score for s in _class(release)}


def test_a_cpu_hog_beside_the_grader_changes_no_point(tmp_path):
    if not sandbox.available():
        pytest.skip("нет песочницы bubblewrap")
    quiet, busy = _grade(tmp_path, "quiet", hog=False), _grade(tmp_path, "busy", hog=True)
    assert busy == quiet
    full = quiet["perfect"]
    # the limits did bite: the loops and deaths cost nothing they did not touch, the slow
    # cells cost the checks after them
    assert full > 0 and quiet["looper"] == quiet["stubborn"] == quiet["deaths"] == full
    assert quiet["busy"] == full and 0 < quiet["slow"] < full
