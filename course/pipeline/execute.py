"""Run one prepared submission in the sandbox, cell by cell; the judge decides the checks.

Used by ``course.pipeline.autograde`` in its worker processes, in place of nbgrader's Execute.

* Each hidden-check cell (``course.exercises``: grade_id ``test_<name>_hidden``) is not run
  as written: the kernel gets the exercise's cases and the kernel half of the check
  (``course.client``) as source text, runs the student's function and sends the results
  back over the kernel's own output channel; the judge (``course.judge``, in this process)
  compares them with the reference. After the kernel is gone, each such cell's outputs are
  written from the judge's verdict, so nothing the kernel printed, raised or hid in it
  counts. A graded cell that the judge has no verdict for fails.
* The lesson's experiment cells (``skip``: read-only cells the author marked, taken from
  source/ by the preparation (``course.pipeline.prepare``), so the student cannot have
  changed them) are not run: no grade depends on them.
  They show the outputs of the student's own run, labelled as not re-run. Cells the student
  added always run.
* What the kernel sends is kept only as far as it can be shown safely and stored in bounded
  memory (``_Client``): plain text and PNG images, at most ``MAX_CELL_OUTPUT`` per cell and
  ``MAX_NOTEBOOK_OUTPUT`` in all; a message over ``MAX_MESSAGE`` is never decoded.
* The hidden cases are drawn with the submission's ``seed`` (``course.judge.seeds``), kept
  in the ``Run``.
* Time is what the student's code spends, so that a busy machine changes no grade (see
  ``_Watchdog``): CPU time of the sandbox's processes, and waiting time (wall-clock time
  less the time spent waiting for a CPU) up to ``WALL_FACTOR`` times the limit. A cell past
  its limit is interrupted; one that ignores the interrupt is killed ``GRACE`` seconds
  later. The notebook's budget counts each run from the top afresh: kernel starts and
  restarts cost the student nothing.
* A cell that kills the kernel (``os._exit``, a segfault, the watchdog of memory, threads
  and disk) gets an error output and is skipped when the kernel is restarted in a fresh
  copy of the private folder and the notebook is run again from the top, so it costs only
  itself and the cells that depend on it. After more than ``MAX_RESTARTS`` deaths, or past
  the notebook's time budget, the cells not yet run fail with a note.
* A kernel that cannot start at all (``KernelStartFailed``) is no fault of the submission.
"""

import copy
import hmac
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets.config import Config

from course import judge
from course.client import answer, runner, wire
from course.exercises import BY_CELL
from course.nbmeta import grade_id, is_autograded, points
from course.pipeline import inert
from course.pipeline.sandbox import SandboxedKernelManager

MAX_RESTARTS = 10
START_ATTEMPTS = 3  # a kernel that dies before its first cell is started again this often
GRACE = 10  # CPU seconds a kernel gets to answer an interrupt before it is killed
WALL_FACTOR = 3  # a cell's or notebook's limit of waiting time, in multiples of its CPU limit
LAST_RESORT = 10  # nbclient's own wall-clock timeout of a cell, in multiples of its limit
MAX_CELL_OUTPUT = 20 * 2 ** 20  # characters of output messages kept per cell; the rest dropped
ANSWER_MIME = "application/x.course-answer"
_CLIENT = [(module.__name__.rsplit(".", 1)[1], Path(module.__file__).read_text("utf-8"))
           for module in (wire, runner, answer)]
# The hidden check as the kernel runs it: the client's modules built from source in a
# private namespace, the student's function taken from the notebook's globals by name.
_PROBE = """\
def _course_probe(sources, name, cases, mime, user):
    import types
    from IPython.display import publish_display_data
    modules = {}
    for module_name, text in sources:
        module = types.ModuleType("course_client_" + module_name)
        exec(compile(text, "<проверка: " + module_name + ">", "exec"), module.__dict__)
        modules[module_name] = module
    reply = modules["answer"].respond(user.get(name), cases, modules["wire"], modules["runner"])
    publish_display_data({mime: reply})
"""


class KernelStartFailed(Exception):
    """The kernel died or did not answer before any cell ran: the environment is at fault,
    not the submission (no student code has run yet)."""


@dataclass
class Run:
    """What happened to a notebook's cells (indices into ``nb.cells``) and the judge's
    verdicts ({grade_id: ``course.judge.Verdict``})."""

    killed: list = field(default_factory=list)       # killed the kernel
    hung: list = field(default_factory=list)         # ignored the interrupt; the kernel was killed
    interrupted: list = field(default_factory=list)  # interrupted at the CPU time limit
    waited: list = field(default_factory=list)       # interrupted at the wall-clock ceiling
    abandoned: list = field(default_factory=list)    # not run: the kernel died too often
    over_budget: list = field(default_factory=list)  # not run: the notebook's time was up
    memory: list = field(default_factory=list)       # the sandbox exceeded its memory or processes
    disk: list = field(default_factory=list)         # the private folder exceeded its size
    verdicts: dict = field(default_factory=dict)
    seed: int = None  # the seed the hidden cases were drawn with (``course.judge.seeds``)
    # seconds spent: starting kernels, in the kernel half of the checks, judging, other cells
    seconds: dict = field(default_factory=lambda: dict.fromkeys(
        ("kernel_start", "checks_in_kernel", "judge", "cells"), 0.0))

    def summary(self):
        """What happened, as data for the submission's record: the cell lists and seconds
        (the verdicts are recorded on their own)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "verdicts"}


def probe_source(name, seed=None):
    """The code the kernel runs in place of exercise ``name``'s hidden-check cell, with the
    cases drawn with ``seed``."""
    return (_PROBE + f"_course_probe({_CLIENT!r}, {name!r}, {judge.cases_text(name, seed)!r}, "
            f"{ANSWER_MIME!r}, globals())\ndel _course_probe\n")


def answer_text(outputs):
    """The kernel's answer in a probe cell's outputs: the one display of ``ANSWER_MIME``
    (None if there is none, or more than one)."""
    found = [out.get("data", {}).get(ANSWER_MIME) for out in outputs
             if out.get("output_type") == "display_data"
             and isinstance(out.get("data"), dict) and ANSWER_MIME in out["data"]]
    return found[0] if len(found) == 1 and isinstance(found[0], str) else None


def _error(text, ename="KernelDied"):
    return nbformat.v4.new_output("error", ename=ename, evalue=text, traceback=[text])


def verdict_outputs(verdict):
    """A judged cell's outputs: the judge's message, an error if the check failed."""
    if verdict is None:
        return [_error("Проверка не состоялась: ячейка не выполнялась или ядро не вернуло "
                       "результатов. Баллов за неё нет.", ename="AssertionError")]
    if verdict.passed:
        return [nbformat.v4.new_output("stream", name="stdout", text=verdict.message + "\n")]
    return [_error(verdict.message, ename="AssertionError")]


def _failed_output(index, why):
    return _error(f"ячейка {index + 1} {why}; при оценивании она считается ошибочной")


KILLED = "аварийно завершила ядро Python"
_WHY = {"killed": f"{KILLED}, и ядро запущено заново",
        "hung": "не завершилась за отведённое время и не остановилась по прерыванию",
        "memory": "превысила предел памяти или числа процессов песочницы",
        "disk": "записала в папку работы больше файлов, чем позволяет песочница"}


MAX_NOTEBOOK_OUTPUT = 64 * 2 ** 20  # characters kept over all cells (judges' answers apart)
MAX_MESSAGE = MAX_CELL_OUTPUT  # bytes of one message's content; a larger one is not decoded
TOO_LARGE = "\n[вывод ячейки слишком велик и обрезан]\n"
_DISPLAYS = ("display_data", "execute_result", "update_display_data")


def _bounded(session):
    """Make ``session`` (the kernel client's) decode no message whose frames pass
    ``MAX_MESSAGE`` bytes: its signature is checked and its headers read, and it becomes a
    short stdout note of the same cell, so a kernel cannot make the grader parse hundreds
    of megabytes (only receive them)."""
    real = session.deserialize

    def deserialize(msg_list, content=True, copy=True):
        if sum(memoryview(frame).nbytes for frame in msg_list[1:]) <= MAX_MESSAGE:
            return real(msg_list, content=content, copy=copy)
        frames = [bytes(frame) for frame in msg_list[:4]]
        if session.auth is not None and not hmac.compare_digest(
                frames[0], session.sign(frames[1:4] + [memoryview(msg_list[4])])):
            raise ValueError("Invalid Signature")
        header = session.unpack(frames[1])
        return {"header": {**header, "msg_type": "stream"}, "msg_id": header.get("msg_id"),
                "msg_type": "stream", "parent_header": session.unpack(frames[2]),
                "metadata": {}, "content": {"name": "stdout", "text": TOO_LARGE},
                "buffers": []}

    session.deserialize = deserialize


class _Client(NotebookClient):
    """nbclient that keeps only what may be stored and shown of the kernel's messages.

    Every message a cell causes (displays and their updates, clears, streams, errors) counts
    towards its cell's ``MAX_CELL_OUTPUT`` and the notebook's ``MAX_NOTEBOOK_OUTPUT``; past
    either, the cell's further messages are dropped (the judge's answer counts only towards
    its cell). Displays keep only the types ``inert.safe_data`` allows, and the judge's
    answer in a judged cell; widget messages are dropped, so no widget state is stored."""

    store_widget_state = False
    judged_cells = frozenset()  # indices of the cells whose answer the judge reads

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._spent, self._cut = {}, set()  # characters per cell index; cells cut short

    async def async_start_new_kernel_client(self):
        _bounded(self.km.session)
        return await super().async_start_new_kernel_client()

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if kind in ("status", "execute_input"):
            return super().process_message(msg, cell, cell_index)
        if kind.startswith("comm"):
            return None
        content = msg.get("content", {})
        data = content.get("data") if kind in _DISPLAYS else None
        answer = (isinstance(data, dict) and ANSWER_MIME in data
                  and cell_index in self.judged_cells)
        if isinstance(data, dict):
            content["data"] = {**inert.safe_data(data),
                               **({ANSWER_MIME: data[ANSWER_MIME]} if answer else {})}
        size = len(json.dumps(content, default=str))
        before, total = self._spent.get(cell_index, 0), sum(self._spent.values())
        self._spent[cell_index] = before + size
        if before + size > MAX_CELL_OUTPUT or (total + size > MAX_NOTEBOOK_OUTPUT
                                               and not answer):
            if cell_index not in self._cut:
                self._cut.add(cell_index)
                cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                           text=TOO_LARGE))
            return None
        return super().process_message(msg, cell, cell_index)


_TICK = os.sysconf("SC_CLK_TCK")


def _too_big(folder, limit):
    """Whether ``folder`` holds more than ``limit`` bytes or ``MAX_FILES`` entries."""
    size, entries = _folder_size(folder)
    return size > limit or entries > MAX_FILES


class Proc(NamedTuple):
    """One process as /proc shows it."""

    parent: int
    rss: int      # resident bytes
    cpu: float    # CPU seconds of it and of its reaped children
    name: bytes   # the command's name
    threads: int


def _processes():
    """{pid: ``Proc``} of every process of this machine."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                head, tail = f.read().rsplit(b")", 1)
            fields = tail.split()
            cpu = sum(int(fields[i]) for i in range(11, 15)) / _TICK  # utime..cstime
            found[int(entry.name)] = Proc(int(fields[1]), int(fields[21]) * os.sysconf(
                "SC_PAGE_SIZE"), cpu, head.split(b"(", 1)[1], int(fields[17]))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _sandbox_tree(root):
    """{pid: ``Proc``} of ``root`` and its descendants."""
    found, children = _processes(), {}
    for pid, proc in found.items():
        children.setdefault(proc.parent, []).append(pid)
    todo, tree = [root], []
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return {pid: found[pid] for pid in tree if pid in found}


def _run_delay(pid):
    """Seconds the process ``pid`` has waited for a CPU while it was ready to run."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


MAX_FILES = 20_000  # files and folders in a private folder; more is not a lesson's work


def _folder_size(folder):
    """(bytes on disk, entries) under ``folder``, not following links; stops counting past
    ``MAX_FILES`` entries."""
    total, entries, todo = 0, 0, [str(folder)]
    while todo and entries <= MAX_FILES:
        try:
            with os.scandir(todo.pop()) as listing:
                for entry in listing:
                    entries += 1
                    try:
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                    except OSError:
                        continue
        except OSError:
            continue
    return total, entries


class _Watchdog:
    """Watches the kernel's sandbox while a notebook runs.

    A cell's time is what the student's code spends, not what a busy machine makes it wait:
    CPU time of the sandbox's processes, limited to ``cell_timeout``, and its waiting time
    (wall-clock time less the time the sandbox's processes waited for a CPU), limited to
    ``WALL_FACTOR`` times that, for cells that wait instead of compute. Past either the cell
    is interrupted (``interrupted``: "cpu" or "wall"); ``GRACE`` seconds more and the sandbox
    is killed (``reason`` "hung"). The sandbox is killed too when its processes together hold
    more memory or run more threads than ``limits`` allow (``reason`` "memory"), or when its
    writable ``folder`` holds more than ``limits.disk_mb`` or ``MAX_FILES`` entries
    (``reason`` "disk")."""

    def __init__(self, client, limits, folder=None):
        self.client, self.limits, self.folder = client, limits, folder
        self.reason, self.cell, self.interrupted = None, None, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _pid(self):
        try:
            return self.client.km.provisioner.pid
        except AttributeError:
            return None

    def _tree(self):
        pid = self._pid()
        return _sandbox_tree(pid) if pid else {}

    def cpu(self):
        """CPU seconds the sandbox's processes have used so far."""
        return sum(p.cpu for p in self._tree().values())

    def begin_cell(self):
        tree = self._tree()
        self.interrupted = None
        self.cell = (sum(p.cpu for p in tree.values()), time.monotonic(),
                     {pid: _run_delay(pid) for pid in tree})

    def _used(self, tree, cell):
        """(CPU seconds, waiting seconds) of the running cell."""
        cpu0, wall0, delay0 = cell
        delayed = max((_run_delay(pid) - delay0.get(pid, 0.0) for pid in tree), default=0.0)
        return sum(p.cpu for p in tree.values()) - cpu0, time.monotonic() - wall0 - delayed

    def end_cell(self):
        """(CPU seconds, waiting seconds) the cell took."""
        used, self.cell = self._used(self._tree(), self.cell), None
        return used

    def _watch(self):
        limits, tick = self.limits, 0
        ceiling = WALL_FACTOR * limits.cell_timeout
        while not self._stop.wait(0.2):
            tick += 1
            pid, cell = self._pid(), self.cell
            if pid is None:
                continue
            tree = _sandbox_tree(pid)
            if sum(p.rss for p in tree.values()) > limits.memory_gb * 2 ** 30 \
                    or sum(p.threads for p in tree.values()) > limits.processes:
                self._kill(pid, "memory")
            elif self.folder is not None and tick % 2 == 0 \
                    and _too_big(self.folder, limits.disk_mb * 2 ** 20):
                self._kill(pid, "disk")
            elif cell is not None:
                cpu, waited = self._used(tree, cell)
                if cpu > limits.cell_timeout + GRACE or waited > ceiling + GRACE:
                    self._kill(pid, "hung")
                elif not self.interrupted and (cpu > limits.cell_timeout or waited > ceiling):
                    self.interrupted = "cpu" if cpu > limits.cell_timeout else "wall"
                    _interrupt(tree)

    def _kill(self, pid, reason):
        self.reason = reason
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self):
        self._stop.set()


def _interrupt(tree):
    """Send SIGINT to the sandbox's processes but bubblewrap's own (the kernel turns it into
    KeyboardInterrupt in the running cell, as Jupyter's interrupt does)."""
    for pid, proc in tree.items():
        if proc.name != b"bwrap":
            try:
                os.kill(pid, signal.SIGINT)
            except (ProcessLookupError, PermissionError):
                pass


def _fresh_folder(private, notebook, kit):
    """Empty ``private`` and put in it the lesson folder: the notebook and the kit."""
    shutil.rmtree(private, ignore_errors=True)
    folder = private / "work"
    folder.mkdir(parents=True)
    os.chmod(private, 0o777)
    os.chmod(folder, 0o777)
    for item in kit.iterdir():
        if item.is_dir():
            shutil.copytree(item, folder / item.name)
        elif item.suffix != ".ipynb":
            shutil.copy(item, folder / item.name)
    nbformat.write(notebook, folder / "submission.ipynb")
    return folder


NOT_RERUN = ("[Опыт урока: при оценивании эта ячейка не выполнялась, от неё не зависят баллы. "
             "{}]\n")


def _shown(outputs):
    """An experiment cell's outputs in feedback: the note, then the student's own."""
    said = "Ниже — вывод из сданной работы." if outputs else "В сданной работе вывода у неё нет."
    note = nbformat.v4.new_output("stream", name="stdout", text=NOT_RERUN.format(said))
    return [note, *(nbformat.from_dict(out) for out in outputs)]


def execute(nb, out_path, kit, work, limits, fonts=(), skip=frozenset(), shown=None,
            seed=None):
    """Run the prepared notebook ``nb`` (a NotebookNode, never re-read from the sandbox)
    and write it, executed and judged, to ``out_path``; a ``Run``.

    ``kit``: the lesson's helper files (read-only in the sandbox); ``work``: a private
    temporary folder of the grader; ``limits``: a ``course.pipeline.limits.Limits``;
    ``fonts``: matplotlib font-cache files to start from;
    ``skip``: grade_ids of the cells not to run; ``shown``: {grade_id: outputs} the student's
    notebook had in them; ``seed``: the submission's, for its hidden cases (None: the
    course's fixed cases)."""
    run, failed_starts = Run(seed=seed), 0
    connection = Path(work) / "c"
    judged = {i: BY_CELL[grade_id(c)] for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and grade_id(c) in BY_CELL}
    while True:
        shutil.rmtree(connection, ignore_errors=True)
        connection.mkdir(parents=True)
        os.chmod(connection, 0o777)
        folder = _fresh_folder(Path(work) / "p", nb, kit)
        current = copy.deepcopy(nb)
        client = _Client(current, timeout=LAST_RESORT * limits.cell_timeout,
                         interrupt_on_timeout=True,
                         allow_errors=True, kernel_name="python3", shutdown_kernel="immediate",
                         resources={"metadata": {"path": str(folder)}})
        client.kernel_manager_class = SandboxedKernelManager
        client.judged_cells = frozenset(judged)
        client.config = Config({"SandboxedKernelManager": {
            "private": str(folder.parent), "read_only": [str(folder / p.name)
                                                         for p in kit.iterdir() if p.is_dir()],
            "sandbox_files": [[f"/tmp/matplotlib/{Path(f).name}", str(f)] for f in fonts],
            "limits": limits.to_dict(), "transport": "ipc",
            "connection_file": str(connection / "kernel.json")}})
        run.interrupted.clear()
        run.waited.clear()
        run.verdicts.clear()  # a restart runs every check again, from the top
        index, dog = None, None
        try:
            began = time.monotonic()
            with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                run.seconds["kernel_start"] += time.monotonic() - began
                # the private and the connection folder: all the sandbox may write to disk
                dog = _Watchdog(client, limits, Path(work))
                budget = [dog.cpu(), 0.0]  # CPU at the start, waiting so far: each run afresh
                for index, cell in enumerate(current.cells):
                    if cell.cell_type != "code":
                        continue
                    if grade_id(cell) in skip:
                        cell.outputs = _shown((shown or {}).get(grade_id(cell), []))
                        continue
                    failed = next((kind for kind in _WHY if index in getattr(run, kind)), None)
                    if failed:
                        cell.outputs = [_failed_output(index, _WHY[failed])]
                        continue
                    if dog.cpu() - budget[0] > limits.notebook_timeout \
                            or budget[1] > WALL_FACTOR * limits.notebook_timeout:
                        _give_up(current, index, run.over_budget, "не выполнена: время на весь "
                                 f"ноутбук ({limits.notebook_timeout} с) истекло")
                        break
                    budget[1] += _run_cell(client, dog, current, index, judged.get(index), run,
                                           seed)
            break
        except (DeadKernelError, RuntimeError) as error:
            if index is None:  # it never reached the first cell (nbclient: RuntimeError)
                failed_starts += 1
                if failed_starts >= START_ATTEMPTS:
                    raise KernelStartFailed(f"{type(error).__name__}: {error}") from error
                continue
            if not isinstance(error, DeadKernelError):
                raise
            getattr(run, (dog.reason if dog and dog.reason else "killed")).append(index)
            if len(run.killed) + len(run.hung) + len(run.memory) + len(run.disk) > MAX_RESTARTS:
                current.cells[index].outputs = [_failed_output(index, KILLED)]
                _give_up(current, index + 1, run.abandoned,
                         "не выполнена: ядро Python аварийно завершалось больше "
                         f"{MAX_RESTARTS} раз")
                break
        finally:
            if dog:
                dog.stop()
    for index, cell in enumerate(current.cells):
        if index in judged:
            cell.source = nb.cells[index].source
            cell.outputs = verdict_outputs(run.verdicts.get(grade_id(cell)))
        elif is_autograded(cell) and points(cell) > 0:  # no judge for it: no verdict, no point
            cell.outputs = verdict_outputs(None)
    nbformat.write(current, out_path)
    return run


def _give_up(nb, start, bucket, why):
    """Fail the code cells from ``start`` on without running them; their indices go to
    ``bucket``."""
    for index in range(start, len(nb.cells)):
        if nb.cells[index].cell_type == "code":
            bucket.append(index)
            nb.cells[index].outputs = [_failed_output(index, why)]


def _run_cell(client, dog, nb, index, exercise, run, seed=None):
    """Run one cell (a judged cell: its probe with the cases of ``seed``, then the judge);
    the seconds it waited."""
    cell = nb.cells[index]
    if exercise:
        cell.source = probe_source(exercise.name, seed)
    began = time.monotonic()
    dog.begin_cell()
    try:
        client.execute_cell(cell, index, store_history=exercise is None)
    finally:
        _, waited = dog.end_cell()
    run.seconds["checks_in_kernel" if exercise else "cells"] += time.monotonic() - began
    if dog.interrupted == "cpu":
        run.interrupted.append(index)
    elif dog.interrupted == "wall":
        run.waited.append(index)
    if exercise:
        cell = nb.cells[index]
        start = time.monotonic()
        run.verdicts[exercise.cell] = judge.judge(exercise.name, answer_text(cell.outputs),
                                                  seed)
        run.seconds["judge"] += time.monotonic() - start
    return waited
