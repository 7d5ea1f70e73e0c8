"""Build the student versions: copy the helper kit into source/, run nbgrader.

The kit in ``course/student/optkit`` is the one canonical copy; the copies under
``source/<lesson>/optkit`` and ``release/<lesson>/optkit`` are generated here and kept equal
by ``tests/test_release.py``.
"""

import shutil
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


def generate(lesson, course_dir=ROOT):
    """``nbgrader generate_assignment`` for one lesson in ``course_dir``; ``BuildFailed``
    (with nbgrader's output) when it fails."""
    done = run_nbgrader(["generate_assignment", lesson, "--force"], course_dir)
    if done.returncode != 0:
        raise BuildFailed(f"{done.stdout}{done.stderr}".strip())


def build(lesson):
    """Sync the kit into source/ and regenerate release/ for one lesson."""
    sync_kit(lesson)
    generate(lesson)
