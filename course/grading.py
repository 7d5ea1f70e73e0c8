"""What the hidden checks call, inside the student's kernel.

A hidden test cell reads::

    import importlib, course.grading
    importlib.reload(course.grading).check("sgd_update", sgd_update)

``reload`` restores this module even if student code imported and patched it. ``check``
refuses to trust a kernel whose builtins or numpy were replaced (``course.tamper``), asks
the judge process for the cases, runs the student's function on them here (read-only
inputs, warnings silenced so nothing reaches stderr), and lets the judge, a fresh Python
process, compare the results with ``course.reference`` and name known mistakes.
"""

import importlib
import json
import os
import subprocess
import sys

from course import runner, tamper, wire

# The package root, fixed when this module is (re)loaded from its file.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_JUDGE = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
          "from course.judge import main; main()")


def _judge(where, phase, name, payload=None):
    """Run one phase of ``course.judge`` in an isolated interpreter; its JSON answer.
    ``where``: (the interpreter, the folder holding the course package)."""
    python, parent = where
    done = subprocess.run(
        [python, "-I", "-c", _JUDGE, parent, phase, name],
        input=json.dumps(payload) if payload is not None else "",
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"course.judge failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _refuse_if_tampered(name, guard=tamper):
    replaced = guard.findings()
    if replaced:
        raise AssertionError(
            f"Проверка {name} невозможна: в ядре подменены {', '.join(replaced)}. "
            "Перезапустите ядро и выполните ноутбук заново, не подменяя функции NumPy и Python."
        )


def check(name, func):
    """Grade the student's ``func`` for exercise ``name``; AssertionError with a Russian
    message if it is wrong, a short confirmation on stdout if it is right."""
    __tracebackhide__ = True  # IPython hides this frame in the traceback shown to students
    for module in (tamper, runner, wire):  # undo any patching of the helpers, as for this module
        importlib.reload(module)
    _refuse_if_tampered(name)
    if not callable(func):
        raise AssertionError(f"{name} должна быть функцией, а это {type(func).__name__}.")
    # Bound now, while they are known to be genuine: the student's function, about to run,
    # could replace this module's globals or sys.executable.
    judge, refuse, reload, guard = _judge, _refuse_if_tampered, importlib.reload, tamper
    where = (sys.executable, _PACKAGE_PARENT)
    cases = [wire.decode(c) for c in judge(where, "cases", name)["cases"]]
    runs = [[wire.encode(r) for r in runner.run_case(func, case)] for case in cases]
    # Whatever the function replaced while it ran (or while its results were encoded) must
    # not answer for the judge.
    refuse(name, reload(guard))
    answer = judge(where, "verdict", name, {"runs": runs})
    if not answer["passed"]:
        raise AssertionError(answer["message"])
    print(answer["message"])
