"""The code scan outside the kernel flags tampering and leaves honest code alone."""

import json
import shutil

import pytest

from course.lessons import ROOT
from course.pipeline.scan import scan_folder, scan_notebook, scan_source


@pytest.mark.parametrize("code,finding", [
    ("import course.reference as r", "пакет преподавателя course"),
    ("from course import grading", "пакет преподавателя course"),
    ("np.allclose = lambda *a, **k: True", "подменяет numpy.allclose"),
    ("import builtins\nbuiltins.len = lambda x: 0", "подменяет builtins.len"),
    ("__builtins__['abs'] = max", "изменяет __builtins__"),
    ("import sys\nsys.modules['numpy'] = None", "изменяет sys.modules"),
    ("setattr(np, 'sqrt', abs)", "вызывает setattr()"),
    ("exec('x = 1')", "вызывает exec()"),
    ("text = open('../../gradebook.db', 'rb').read()", "вне своей папки"),
    ("import os\nos.remove('/tmp/other_student.ipynb')", "вызывает os.remove()"),
    ("import importlib", "importlib"),
    ("import shutil\nshutil.rmtree('x')", "shutil"),
])
def test_tampering_is_flagged(code, finding):
    assert any(finding in f for f in scan_source(code)), scan_source(code)


def test_honest_code_is_not_flagged():
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline\n"
        "def adam_update(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
        "    m = beta1 * m + (1 - beta1) * grad\n"
        "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
        "    w = w - lr * m / (1 - beta1 ** t) / np.sqrt(v / (1 - beta2 ** t) + eps)\n"
        "    return w, m, v\n"
        "data = open('results.txt', 'w')\nplt.rcParams['figure.dpi'] = 100\n"
    )
    assert scan_source(code) == []


def _write_nb(path, cells):
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def _test_cell(gid, code):
    return {"cell_type": "code", "source": [code],
            "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": gid,
                                      "points": 1}}}


def test_a_notebook_is_scanned_except_the_test_cells_of_its_source(tmp_path):
    source = _write_nb(tmp_path / "source.ipynb",
                       [_test_cell("test_x", "from course import grading")])
    path = _write_nb(tmp_path / "nb.ipynb", [
        {"cell_type": "code", "metadata": {}, "source": "import course"},
        _test_cell("test_x", "import importlib, course.grading\n"),
        {"cell_type": "markdown", "metadata": {}, "source": "np.sqrt = abs"},
    ])
    assert scan_notebook(path, source) == ["импортирует пакет преподавателя course"]


def test_a_cell_that_forges_test_marks_is_scanned(tmp_path):
    """The submission's marks decide nothing: a cell marked as a test that the source does
    not have, or a second cell with a test's id (autograde runs both as written), is
    scanned; so is everything when the source is not known."""
    source = _write_nb(tmp_path / "source.ipynb", [_test_cell("test_x", "pass")])
    path = _write_nb(tmp_path / "nb.ipynb", [
        _test_cell("test_x", "pass"),
        _test_cell("test_x", "import ctypes"),
        _test_cell("test_forged", "import socket"),
    ])
    assert scan_notebook(path, source) == ["импортирует ctypes (доступ к памяти интерпретатора)",
                                           "импортирует socket (сеть)"]
    assert "импортирует ctypes (доступ к памяти интерпретатора)" in scan_notebook(
        _write_nb(tmp_path / "alone.ipynb", [_test_cell("test_x", "import ctypes")]))


def test_python_files_beside_the_notebook_are_flagged_unless_they_are_the_kit(tmp_path):
    folder = tmp_path / "01_sgd"
    shutil.copytree(ROOT / "release" / "01_sgd", folder)
    assert scan_folder(folder, "01_sgd") == []
    (folder / "course").mkdir()
    (folder / "course" / "grading.py").write_text("def check(name, func):\n    pass\n")
    (folder / "optkit" / "checks.py").write_text("def check_close(*args):\n    pass\n")
    (folder / "notes.txt").write_text("черновик")
    assert scan_folder(folder, "01_sgd") == [
        "рядом с работой лежит файл Python course/grading.py",
        "изменён файл курса optkit/checks.py"]
