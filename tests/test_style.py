"""The code follows the rules configured for ruff in pyproject.toml (errors and likely bugs)."""

import subprocess
import sys

from course.lessons import ROOT


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                           str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
