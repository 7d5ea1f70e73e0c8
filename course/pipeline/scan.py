"""Scan of a submission, outside the kernel, for attempts to fool the checks.

Each finding is a Russian sentence for the instructor's report. In the notebook, cells that
autograde overwrites from the gradebook (the test cells) are skipped; every other code cell
is parsed (IPython magics and shell lines are blanked first) and walked. Beside the notebook,
Python files that the lesson's kit does not ship, or ships with other contents (a fake
``course`` package, a patched helper), are named.
"""

import ast
import re
from pathlib import Path

from course.lessons import KIT, KIT_FILES
from course.notebooks import read_notebook
from course.nbmeta import is_autograded

MODULE_ALIASES = {"np": "numpy", "numpy": "numpy", "builtins": "builtins", "sys": "sys",
                  "__builtins__": "builtins", "math": "math"}
DYNAMIC = {"exec", "eval", "compile", "__import__", "globals", "setattr", "delattr"}
FILES = {"remove", "unlink", "rmdir", "removedirs", "rename", "replace", "rmtree", "chmod",
         "system", "popen", "chdir"}
# "x.replace()" is usually a string's: such names count only on these modules
FILE_MODULES = {"os", "shutil", "pathlib", "subprocess", "posix"}
DISTINCT_FILE_CALLS = {"unlink", "rmdir", "removedirs", "rmtree", "chmod", "system", "popen"}
RISKY_MODULES = {"course": "импортирует пакет преподавателя course",
                 "importlib": "импортирует importlib (перезагрузка и подмена модулей)",
                 "subprocess": "импортирует subprocess (запуск внешних программ)",
                 "shutil": "импортирует shutil (копирование и удаление файлов)",
                 "ctypes": "импортирует ctypes (доступ к памяти интерпретатора)",
                 "gc": "импортирует gc (доступ к объектам интерпретатора)",
                 "socket": "импортирует socket (сеть)"}
# IPython's and the kernel's machinery: how errors are shown, how cells are read and run,
# how outputs and replies are sent. A solution has no reason to touch any of it.
KERNEL_HOOKS = {"set_custom_exc", "showtraceback", "showsyntaxerror", "input_transformers_post",
                "input_transformers_cleanup", "ast_transformers", "do_execute",
                "publish_display_data", "excepthook", "displayhook", "run_cell",
                "register_magic_function", "shell_handlers", "events"}


def _is_test_cell(cell):
    return is_autograded(cell)


def _dotted(node):
    """'np.linalg.norm' for an attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _outside_path(text):
    return text.startswith(("/", "~")) or ".." in re.split(r"[\\/]", text) or \
        "gradebook" in text


class _Visitor(ast.NodeVisitor):
    def __init__(self):
        self.found = []

    def _add(self, text):
        if text not in self.found:
            self.found.append(text)

    def visit_Import(self, node):
        for alias in node.names:
            root = alias.name.split(".")[0]
            if root in RISKY_MODULES:
                self._add(RISKY_MODULES[root])

    def visit_ImportFrom(self, node):
        root = (node.module or "").split(".")[0]
        if root in RISKY_MODULES:
            self._add(RISKY_MODULES[root])

    def _target(self, target):
        if isinstance(target, ast.Attribute):
            name = _dotted(target)
            if name and name.split(".")[0] in MODULE_ALIASES:
                real = MODULE_ALIASES[name.split(".")[0]]
                self._add(f"подменяет {real}{name[len(name.split('.')[0]):]}")
        elif isinstance(target, ast.Subscript):
            name = _dotted(target.value)
            if name in ("sys.modules", "__builtins__", "builtins.__dict__"):
                self._add(f"изменяет {name}")

    def visit_Assign(self, node):
        for target in node.targets:
            self._target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if _dotted(node) == "sys.modules":
            self._add("обращается к sys.modules")
        if node.attr in KERNEL_HOOKS:
            self._add(f"обращается к механизму ядра IPython ({node.attr})")
        self.generic_visit(node)

    def visit_Call(self, node):
        name = _dotted(node.func) or ""
        last = name.split(".")[-1]
        if name in DYNAMIC:
            self._add(f"вызывает {name}() (выполнение кода или подмена объектов)")
        elif last in FILES and "." in name and (
                name.split(".")[0] in FILE_MODULES or last in DISTINCT_FILE_CALLS):
            self._add(f"вызывает {name}() (файлы или процессы вне своей папки)")
        if name in ("open", "io.open", "pathlib.Path", "Path", "os.listdir", "os.scandir"):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                        _outside_path(arg.value):
                    self._add(f"открывает файл вне своей папки: {arg.value!r}")
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in KERNEL_HOOKS:
            self._add(f"обращается к механизму ядра IPython ({node.id})")

    def visit_Constant(self, node):
        if isinstance(node.value, str) and "gradebook" in node.value:
            self._add("упоминает базу оценок gradebook")


def scan_source(source):
    """Findings for one cell's code (an empty list if nothing suspicious)."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    visitor = _Visitor()
    try:
        visitor.visit(tree)
    except RecursionError:
        return ["код слишком глубоко вложен, чтобы его проверить"]
    return visitor.found


def scan_notebook(path):
    """Findings for a submitted notebook file (its non-test code cells)."""
    nb, _ = read_notebook(path)
    if nb is None:
        return []  # an unreadable file holds no code to run; autograde reports it
    cells = nb["cells"]
    found = []
    for cell in cells:
        if cell.get("cell_type") == "code" and not _is_test_cell(cell):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for item in scan_source(source):
                if item not in found:
                    found.append(item)
    return found


PYTHON_FILES = (".py", ".pyc", ".pth", ".so")


def scan_folder(folder, lesson):
    """Findings for a submission folder ``submitted/<student>/<lesson>``: its notebook's code
    and the Python files beside it that are not the lesson's kit as shipped."""
    folder = Path(folder)
    found = scan_notebook(folder / f"{lesson}.ipynb")
    kit = {f"optkit/{name}": KIT / name for name in KIT_FILES[lesson]}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix not in PYTHON_FILES or not path.is_file() or "__pycache__" in name:
            continue
        if name not in kit:
            found.append(f"рядом с работой лежит файл Python {name}")
        elif path.read_bytes() != kit[name].read_bytes():
            found.append(f"изменён файл курса {name}")
    return found
