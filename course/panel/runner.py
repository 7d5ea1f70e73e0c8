"""«Проверить урок»: the lesson's code run as grading runs it, in a fresh kernel, and one line
per exercise and written question.

The lesson's experiment cells are skipped, as ``python -m course autograde`` skips them (the
course's tests prove that every check passes without them), and so is every cell after the
last check: no check can depend on it. Each exercise's line is decided by its own cells: the
solution cell, then its checks in order; the first that fails gives the message, the check's
own Russian one (``optkit.checks.CheckFailed``), never its source or a traceback.

Speed: a kernel for the lesson's folder is started ahead (``KernelPool.warm``: when a lesson
is opened, and again right after each check), so a check does not wait for Python to start.
Such a kernel has run nothing: every check starts from a kernel no code of the lesson has
touched.
"""

import ast
import asyncio
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager

from course.panel.lesson import Exercise, plan
from course.pipeline.limits import Limits

# The libraries the lessons use (COURSE_SPEC: numpy, matplotlib, ipywidgets), imported when a
# kernel is started ahead: only Python's module cache holds them, no name of the lesson's.
PRELOAD = ("numpy", "matplotlib.pyplot", "ipywidgets")
# seconds a cell may run before it is interrupted: grading's own limit (one definition)
CELL_TIMEOUT = Limits().cell_timeout
IDLE_SECONDS = 15 * 60  # an idle kernel started ahead is shut down after this long
_DEATH_POLL = 0.25  # seconds between checks that the kernel is alive

# Python's exceptions in Russian: the student sees what went wrong without an English word.
_EXCEPTIONS = {
    "TypeError": "операция применена к значению не того типа (например, к списку вместо массива)",
    "ValueError": "недопустимое значение (например, массивы несовместимых форм)",
    "IndexError": "индекс за пределами массива или списка",
    "KeyError": "в словаре нет нужного ключа",
    "NameError": "используется имя, которое нигде не определено",
    "AttributeError": "у объекта нет такого атрибута или метода",
    "ZeroDivisionError": "деление на ноль",
    "RecursionError": "слишком глубокая рекурсия",
    "MemoryError": "не хватило памяти",
    "ImportError": "не удалось импортировать модуль",
    "ModuleNotFoundError": "не найден импортируемый модуль",
    "UnboundLocalError": "локальная переменная использована до присваивания",
    "OverflowError": "переполнение при вычислении",
    "FloatingPointError": "ошибка вычислений с плавающей точкой",
    "StopIteration": "итератор закончился раньше времени",
    "KeyboardInterrupt": "выполнение прервано",
}
_MESSAGE_ERRORS = {"CheckFailed", "AssertionError"}  # their text is the check's Russian message
_SYNTAX_ERRORS = {"SyntaxError", "IndentationError", "TabError"}


@dataclass
class Line:
    """One line of the result.

    kind:    "exercise", "question" or "cell" (a cell outside any exercise that failed);
    title:   how the lesson names it («Упражнение 4. Шаг градиентного спуска», «Вопрос 1 …»);
    status:  "passed" (visible checks passed), "failed", "missing" (no answer yet),
             "answered" (a written answer, graded by the instructor) or "not_run";
    message: Russian, for the student;
    cell:    index of the notebook cell to show (the solution cell, the answer or the failure).
    """

    kind: str
    title: str
    status: str
    message: str
    cell: int


@dataclass
class Outcome:
    """What one code cell did: ``error`` is None, or (ename, evalue) of its exception;
    ``timeout``/``died``: it was interrupted at the time limit / the kernel died in it."""

    error: tuple = None
    timeout: bool = False
    died: bool = False

    @property
    def ok(self):
        return self.error is None and not self.timeout and not self.died


class _Kernel:
    """A started kernel and its client."""

    def __init__(self, manager, client, folder):
        self.manager, self.client, self.folder = manager, client, folder

    async def shutdown(self):
        try:
            self.client.stop_channels()
            await self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - a kernel that is gone already is gone
            pass


async def _start(folder, kernel_name):
    # Encrypted when the machine can (as jupyter/common asks of the server's own kernels).
    manager = AsyncKernelManager(kernel_name=kernel_name, transport_encryption="auto")
    await manager.start_kernel(cwd=str(folder))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        preload = "".join(f"__import__({name!r})\n" for name in PRELOAD)
        await client.execute_interactive(preload, silent=True, output_hook=lambda msg: None,
                                         timeout=120)
    except Exception:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
        raise
    return _Kernel(manager, client, folder)


class KernelPool:
    """At most one kernel started ahead, for the lesson folder checked or opened last."""

    def __init__(self, kernel_name="python3"):
        self.kernel_name = kernel_name
        self._ready = None  # (folder, asyncio.Task giving a _Kernel)
        self._expiry = None

    def warm(self, folder):
        """Start a kernel for ``folder`` in the background, unless one is there already."""
        folder = Path(folder).resolve()
        if self._ready and self._ready[0] == folder:
            return
        self._discard()
        self._ready = (folder, asyncio.ensure_future(_start(folder, self.kernel_name)))
        loop = asyncio.get_event_loop()
        self._expiry = loop.call_later(IDLE_SECONDS, self._discard)

    async def take(self, folder):
        """A fresh kernel for ``folder``: the one started ahead if it is for this folder."""
        folder = Path(folder).resolve()
        self.warm(folder)
        task = self._ready[1]
        self._ready = None
        if self._expiry:
            self._expiry.cancel()
        return await task

    def _discard(self):
        if self._ready:
            task = self._ready[1]
            task.add_done_callback(
                lambda t: t.exception() or asyncio.ensure_future(t.result().shutdown()))
            self._ready = None

    async def close(self):
        if self._ready:
            task = self._ready[1]
            self._ready = None
            try:
                await (await task).shutdown()
            except Exception:  # noqa: BLE001 - it never started
                pass


async def _run_cell(kernel, source, timeout):
    """Run ``source`` in ``kernel``; its ``Outcome``."""
    errors = []

    def hook(msg):
        if msg["header"]["msg_type"] == "error":
            errors.append((msg["content"].get("ename", ""), msg["content"].get("evalue", "")))

    execution = asyncio.ensure_future(kernel.client.execute_interactive(
        source, store_history=False, allow_stdin=False, stop_on_error=False,
        output_hook=hook, timeout=timeout))
    while not execution.done():
        await asyncio.wait([execution], timeout=_DEATH_POLL)
        if not execution.done() and not await kernel.manager.is_alive():
            execution.cancel()
            return Outcome(died=True)
    try:
        reply = execution.result()
    except TimeoutError:
        await kernel.manager.interrupt_kernel()
        try:  # the interrupted cell's reply, so that the next cell starts clean
            await kernel.client.get_shell_msg(timeout=10)
        except Exception:  # noqa: BLE001
            return Outcome(timeout=True, died=True)
        return Outcome(timeout=True)
    content = reply.get("content", {})
    if content.get("status") == "error":
        return Outcome(error=(content.get("ename", ""), content.get("evalue", "")))
    if errors:
        return Outcome(error=errors[0])
    return Outcome()


def _syntax_line(source):
    """The line of the first syntax error in ``source`` (None if Python parses it)."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        return error.lineno
    return None


def describe(outcome, source=""):
    """Russian words for a failed cell's ``Outcome`` (``source``: the cell's code)."""
    if outcome.timeout:
        return (f"ячейка не завершилась за {CELL_TIMEOUT} с и была прервана: "
                "возможно, в ней бесконечный цикл")
    if outcome.died:
        return "ячейка аварийно завершила работу ядра (например, не хватило памяти)"
    ename, evalue = outcome.error
    if ename in _MESSAGE_ERRORS and evalue.strip():
        return evalue.strip()
    if ename in _SYNTAX_ERRORS:
        line = _syntax_line(source)
        where = f" в строке {line}" if line else ""
        return f"синтаксическая ошибка{where}: код не удаётся разобрать"
    if ename == "NotImplementedError":
        return "функция ещё не написана"
    what = _EXCEPTIONS.get(ename, "ошибка при выполнении")
    return f"выполнение прервалось с ошибкой: {what}. Запустите ячейку, чтобы увидеть, где"


def _exercise_line(exercise: Exercise, outcomes, sources):
    cells = [exercise.solution, *exercise.checks]
    for index in cells:
        outcome = outcomes.get(index)
        if outcome is None:
            return Line("exercise", exercise.title, "not_run",
                        "не проверено: выполнение урока остановилось раньше", exercise.solution)
        if outcome.ok:
            continue
        if outcome.error and outcome.error[0] == "NotImplementedError":
            return Line("exercise", exercise.title, "missing", "нет ответа: функция ещё не "
                        "написана", exercise.solution)
        return Line("exercise", exercise.title, "failed", describe(outcome, sources[index]),
                    index)
    return Line("exercise", exercise.title, "passed",
                "видимые проверки пройдены", exercise.solution)


def report(nb, lesson_plan, outcomes):
    """The result's lines, in lesson order, from the cells' ``outcomes`` ({index: Outcome})."""
    sources = {i: str(cell.source) for i, cell in enumerate(nb.cells)}
    anchored = []
    for item in lesson_plan.items:
        if isinstance(item, Exercise):
            anchored.append((item.solution, _exercise_line(item, outcomes, sources)))
        else:
            index = next(i for i, c in enumerate(nb.cells)
                         if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                         == item.grade_id)
            if item.answered:
                line = Line("question", item.title, "answered",
                            "ответ написан; его оценит преподаватель", index)
            else:
                line = Line("question", item.title, "missing", "нет ответа", index)
            anchored.append((index, line))
    for index, outcome in outcomes.items():
        if not outcome.ok and index not in lesson_plan.owner:
            anchored.append((index, Line("cell", f"Ячейка {index + 1}", "failed",
                                         describe(outcome, sources[index]), index)))
    return [line for _, line in sorted(anchored, key=lambda pair: pair[0])]


def summary(lines):
    """One honest Russian sentence about the result."""
    exercises = [line for line in lines if line.kind == "exercise"]
    passed = sum(line.status == "passed" for line in exercises)
    missing = sum(line.kind == "question" and line.status == "missing" for line in lines)
    parts = [f"Видимые проверки пройдены в {passed} из {len(exercises)} упражнений."]
    if missing:
        parts.append(f"Письменных вопросов без ответа: {missing}.")
    parts.append("Баллы выставят при оценивании: ваши функции сравнят с эталоном на скрытых "
                 "случаях, письменные ответы оценит преподаватель.")
    return " ".join(parts)


class Checker:
    """Runs «Проверить урок» for notebooks, one at a time, with kernels from a ``KernelPool``."""

    def __init__(self, pool=None, cell_timeout=CELL_TIMEOUT):
        self.pool = pool or KernelPool()
        self.cell_timeout = cell_timeout
        self._lock = asyncio.Lock()

    async def check(self, path):
        """Check the notebook at ``path``; {"lines": [Line as dict], "summary", "seconds"}."""
        began = time.monotonic()
        path = Path(path)
        nb = nbformat.read(str(path), as_version=4)
        lesson_plan = plan(nb)
        outcomes = {}
        async with self._lock:
            kernel = await self.pool.take(path.parent)
            try:
                for index in lesson_plan.run:
                    outcome = await _run_cell(kernel, nb.cells[index].source, self.cell_timeout)
                    outcomes[index] = outcome
                    if outcome.died:
                        break
            finally:
                asyncio.ensure_future(kernel.shutdown())
                self.pool.warm(path.parent)  # the next check's kernel starts now
        lines = report(nb, lesson_plan, outcomes)
        return {"lines": [asdict(line) for line in lines], "summary": summary(lines),
                "seconds": round(time.monotonic() - began, 2)}
