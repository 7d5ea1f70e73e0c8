"""The code follows the rules configured for ruff in pyproject.toml (errors and likely bugs)."""

import ast
import subprocess
import sys

from course.lessons import ROOT


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                           str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_course_folder_has_one_name():
    """The course directory is ``root`` in every signature (nbgrader's ``CourseDirectory.root``,
    the command line's ``--root``); ``course`` is the package, never a folder argument."""
    other_names = {"course", "course_dir", "coursedir", "course_root", "course_folder"}
    found = []
    for path in sorted((ROOT / "course").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                found += [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({a.arg})"
                          for a in args if a.arg in other_names]
    assert not found, found
