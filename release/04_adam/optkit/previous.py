"""Ваши функции из предыдущих уроков: загрузка из решённых ноутбуков, лежащих рядом.

Функция ``load`` ищет в ноутбуке урока ячейку решения с нужным именем (по метаданным
nbgrader), выполняет её и возвращает функцию. Ноутбуки уроков лежат рядом: ``../01_sgd/``,
``../02_nesterov/`` и т. д. Так уроки 3–5 сравнивают методы вашими же реализациями.
"""

import ast
import json
from pathlib import Path

import numpy as np

from .rules import BY_FUNCTION

_PARAMS = {"W1": np.ones((2, 1)), "b1": np.zeros((2, 1)), "W2": np.ones((1, 2)),
           "b2": np.zeros((1, 1))}
# Arguments of a trial call of each loadable function: an unsolved stub raises at once.
PROBES = {
    "minibatch_indices": (5, 2, np.random.default_rng(0)),
    "forward": (_PARAMS, np.ones((1, 3))),
    "loss_and_grads": (_PARAMS, np.ones((1, 3)), np.zeros((1, 3))),
    **{name: rule.probe for name, rule in BY_FUNCTION.items()},
}
LOADABLE = tuple(PROBES)
# What a loadable function calls that its lesson defines in other cells (loaded first).
NEEDS = {"forward": ("sigmoid",), "loss_and_grads": ("sigmoid", "forward")}


def load(lesson, name, folder=".."):
    """Функция ``name`` из ноутбука урока ``lesson`` (например, "02_nesterov").

    Функции того же ноутбука, которые ``name`` вызывает (``NEEDS``: например, сигмоида и
    прямой проход для функции потерь), выполняются раньше, в том же пространстве имён.
    Возвращает функцию или None (с пояснением), если ноутбука нет, ячейка не найдена
    или упражнение ещё не решено.
    """
    path = Path(folder) / lesson / f"{lesson}.ipynb"
    try:
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if c.get("cell_type") == "code"]
        namespace = {"np": np}
        for needed in (*NEEDS.get(name, ()), name):
            source = _defining(cells, needed)
            exec(compile(source, f"{lesson}:{needed}", "exec"), namespace)
        func = namespace[name]
        _probe(func, name)
    except Exception as error:  # a missing, broken or unsolved lesson must not stop this one
        print(f"Функция {name} из урока {lesson} недоступна ({type(error).__name__}): "
              "ноутбука этого урока нет рядом или упражнение ещё не решено.")
        return None
    return func


def _defining(cells, name):
    """Source of the cell that defines ``name``: the solution cell with that grade_id, else the
    first cell with a top-level ``def name``."""
    def source(cell):
        return "".join(cell["source"])

    for cell in cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == name:
            return source(cell)
    for cell in cells:
        try:
            body = ast.parse(source(cell)).body
        except SyntaxError:
            continue
        if any(isinstance(node, ast.FunctionDef) and node.name == name for node in body):
            return source(cell)
    raise LookupError(name)


def _probe(func, name):
    """Один пробный вызов: незаполненная заготовка бросит NotImplementedError."""
    if name in PROBES:
        func(*PROBES[name])
