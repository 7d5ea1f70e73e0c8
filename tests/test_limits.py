"""Every limit of grading has one definition (``course.pipeline.limits.Limits``), passed
whole to every layer: the command line, the sandbox's kernel manager, nbgrader's config."""

import ast
from dataclasses import asdict, fields
from pathlib import Path

from course.__main__ import main
from course.lessons import ROOT
from course.pipeline.limits import Limits

NAMES = {f.name for f in fields(Limits)}


def test_the_command_line_takes_its_defaults_from_limits(monkeypatch):
    seen = {}
    monkeypatch.setattr("course.__main__.cmd_autograde", lambda args: seen.update(vars(args)))
    main(["autograde"])
    assert {name: seen[name] for name in NAMES} == asdict(Limits())


def test_the_command_line_passes_every_limit(monkeypatch):
    seen = {}
    monkeypatch.setattr("course.__main__.cmd_autograde", lambda args: seen.update(vars(args)))
    main(["autograde", "--memory-gb", "1.5", "--processes", "7", "--file-mb", "9",
          "--timeout", "11", "--notebook-timeout", "13"])
    from course.pipeline.limits import from_arguments

    class Args:
        pass

    args = Args()
    args.__dict__.update(seen)
    assert from_arguments(args) == Limits(1.5, 7, 9, 11, 13)


def test_nbgrader_config_takes_the_cell_timeout_from_limits():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.Execute.timeout == Limits().cell_timeout


def _defaults_written_elsewhere(path):
    """(file, line, name) of a literal default given to a limit's name outside limits.py:
    a parameter default, a keyword argument, a trait or an assignment."""
    found = []
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args.args + node.args.kwonlyargs
            defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + \
                node.args.defaults + node.args.kw_defaults
            pairs += [(a.arg, d) for a, d in zip(args, defaults)]
        elif isinstance(node, ast.Call):
            pairs += [(k.arg, k.value) for k in node.keywords]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            pairs += [(t.id if isinstance(t, ast.Name) else getattr(t, "attr", None),
                       node.value) for t in targets]
        for name, value in pairs:
            if name in NAMES and isinstance(value, ast.Constant) and \
                    isinstance(value.value, (int, float)):
                found.append((path.name, node.lineno, name))
    return found


def test_no_default_of_a_limit_is_written_twice():
    files = [p for p in (ROOT / "course").rglob("*.py") if p.name != "limits.py"
             and "student" not in p.parts] + [ROOT / "nbgrader_config.py"]
    assert [hit for path in files for hit in _defaults_written_elsewhere(Path(path))] == []


def test_the_check_of_written_defaults_finds_one(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def run(nb, memory_gb=4.0):\n    pass\nSettings(cell_timeout=60)\n")
    assert [name for _, _, name in _defaults_written_elsewhere(planted)] == [
        "memory_gb", "cell_timeout"]
