"""Build the student versions: copy the helper kit into source/, run nbgrader.

The kit in ``course/student/optkit`` is the one canonical copy; the copies under
``source/<lesson>/optkit`` and ``release/<lesson>/optkit`` are generated here and kept equal
by ``tests/test_release.py``.
"""

import shutil
import tempfile
from pathlib import Path

from course.lessons import KIT, KIT_FILES, ROOT
from course.nbgrader_apps import run_nbgrader


def copy_course(dest, root=ROOT):
    """Copy the course directory at ``root`` (config, source, release) into the folder
    ``dest`` (created if need be); returns ``dest`` as a Path."""
    dest, root = Path(dest), Path(root)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in ("source", "release"):
        shutil.copytree(root / name, dest / name, ignore=ignore)
    return dest


def sync_kit(lesson):
    """Make ``source/<lesson>/optkit`` an exact copy of the lesson's part of the kit."""
    target = ROOT / "source" / lesson / "optkit"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in KIT_FILES[lesson]:
        shutil.copyfile(KIT / name, target / name)


class BuildFailed(Exception):
    """nbgrader could not build a lesson; the message is nbgrader's own output."""


def generate(lesson, root=ROOT):
    """``nbgrader generate_assignment`` for one lesson in ``root``; ``BuildFailed``
    (with nbgrader's output) when it fails."""
    done = run_nbgrader(["generate_assignment", lesson, "--force"], root)
    if done.returncode != 0:
        raise BuildFailed(f"{done.stdout}{done.stderr}".strip())


def unregistered(lessons, root=ROOT):
    """The ``lessons`` whose notebooks nbgrader's gradebook in ``root`` does not know
    yet (never generated there: a fresh clone has no gradebook.db; a due date set first in
    formgrader or ``nbgrader db assignment add`` makes a lesson without notebooks)."""
    from nbgrader.api import Gradebook

    path = Path(root) / "gradebook.db"
    if not path.is_file():
        return list(lessons)
    with Gradebook(f"sqlite:///{path}") as gb:
        known = {assignment.name for assignment in gb.assignments if assignment.notebooks}
    return [lesson for lesson in lessons if lesson not in known]


def register(lesson, root=ROOT):
    """Record ``lesson`` (its cells and points, from source/) in the gradebook of
    ``root``, as ``nbgrader generate_assignment`` does, leaving release/ as it is (the
    student version is generated into a temporary folder and dropped)."""
    with tempfile.TemporaryDirectory() as scratch:
        done = run_nbgrader(["generate_assignment", lesson, "--force",
                             f"--CourseDirectory.release_directory={scratch}"], root)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {lesson}:\n{done.stdout}{done.stderr}")


def build(lesson):
    """Sync the kit into source/ and regenerate release/ for one lesson."""
    sync_kit(lesson)
    generate(lesson)
