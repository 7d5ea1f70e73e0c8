"""Benchmark: how long each lesson's source notebook (every exercise solved, every
experiment) takes to execute headless, as CI and «Validate» run it; prints wall-clock
seconds and the kernel's CPU seconds (the latter does not depend on the machine's load).
The course promises seconds, not minutes, per lesson.
Run: .venv/bin/python benchmarks/lesson_speed.py [LESSON ...]
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course.lessons import existing, notebook


def _cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime..cstime


def run(lesson):
    """(wall seconds, kernel CPU seconds) of one execution of ``lesson``'s source."""
    with tempfile.TemporaryDirectory() as tmp:
        for other in existing():  # lessons 2-5 load the student's earlier lessons
            shutil.copytree(notebook(other, "source").parent, Path(tmp) / other)
        path = Path(tmp) / lesson / f"{lesson}.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        began = time.perf_counter()
        with client.setup_kernel():
            pid = client.km.provisioner.pid
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            cpu = _cpu(pid)
        return time.perf_counter() - began, cpu


def main():
    for lesson in sys.argv[1:] or existing():
        wall, cpu = run(lesson)
        print(f"{lesson}: {wall:.1f} s wall, {cpu:.1f} s CPU in the kernel")


if __name__ == "__main__":
    main()
