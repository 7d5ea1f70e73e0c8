"""Execute a prepared submission cell by cell, surviving cells that kill or hang the kernel.

Used by ``course.autograde`` in its worker processes, in place of nbgrader's Execute. A cell
that runs longer than the time limit is interrupted (as nbgrader does); a cell that ignores
the interrupt is killed ``GRACE`` seconds later. A cell whose execution kills the kernel
(``os._exit``, a segfault, a kill for hanging) gets an error output and is skipped when the
kernel is restarted and the notebook run again from the top, so it costs only itself and the
cells that depend on it. After ``MAX_RESTARTS`` deaths the cells not yet run get error outputs
instead. A kernel that cannot start at all (``KernelStartFailed``) is no fault of the
submission: no student code has run.
"""

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config
from nbclient.exceptions import DeadKernelError

from course.sandbox import SandboxedKernelManager

MAX_RESTARTS = 10
START_ATTEMPTS = 3  # a kernel that dies before its first cell is started again this often
GRACE = 10  # seconds a kernel gets to answer an interrupt before it is killed


class KernelStartFailed(Exception):
    """The kernel died or did not answer before any cell ran: the environment is at fault,
    not the submission (no student code has run yet)."""


@dataclass
class Run:
    """What happened to a notebook's cells (indices into ``nb.cells``)."""

    killed: list = field(default_factory=list)       # killed the kernel
    hung: list = field(default_factory=list)         # ignored the interrupt; the kernel was killed
    interrupted: list = field(default_factory=list)  # interrupted at the time limit
    abandoned: list = field(default_factory=list)    # not run: the kernel died too often


def _error(text):
    return nbformat.v4.new_output("error", ename="KernelDied", evalue=text,
                                  traceback=[f"KernelDied: {text}"])


def _failed_output(index, hung, cell_timeout):
    why = (f"не завершилась за {cell_timeout} с и не остановилась по прерыванию" if hung
           else "аварийно завершила ядро Python")
    return _error(f"ячейка {index + 1} {why}; при оценивании она считается ошибочной, "
                  "а ядро запущено заново")


def _abandon(nb, start, run):
    """Give the code cells from ``start`` on an error output: they are not run."""
    for index in range(start, len(nb.cells)):
        if nb.cells[index].cell_type == "code":
            run.abandoned.append(index)
            nb.cells[index].outputs = [_error(
                f"ячейка {index + 1} не выполнена: ядро Python аварийно завершалось больше "
                f"{MAX_RESTARTS} раз; при оценивании она считается ошибочной")]


def _kill_later(client, seconds, flag):
    """A started timer that kills the client's kernel after ``seconds`` and sets ``flag``."""
    def kill():
        flag.set()
        try:
            os.kill(client.km.provisioner.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError, TypeError):
            pass
    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    return timer


def execute(path, out_path, folder, cell_timeout, env=None, sandbox=None):
    """Run the notebook at ``path`` with ``folder`` as working directory and write it,
    executed, to ``out_path``; a ``Run``. ``env``: extra variables for the kernel;
    ``sandbox``: if given, the kernel runs in ``course.sandbox`` with only this folder (which
    holds ``folder``) writable."""
    run, failed_starts = Run(), 0
    while True:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=cell_timeout, interrupt_on_timeout=True,
                                allow_errors=True, kernel_name="python3",
                                shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(folder)}})
        if sandbox:
            client.kernel_manager_class = SandboxedKernelManager
            client.config = Config({"SandboxedKernelManager": {"writable": str(sandbox)}})
        run.interrupted.clear()
        index, hung = None, threading.Event()
        try:
            # the kernel's own stdout and stderr (not the cells' outputs) are not wanted
            with client.setup_kernel(env={**os.environ, "NBGRADER_EXECUTION": "autograde",
                                          **(env or {})},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    if index in run.killed or index in run.hung:
                        cell.outputs = [_failed_output(index, index in run.hung, cell_timeout)]
                        continue
                    timer = _kill_later(client, cell_timeout + GRACE, hung)
                    start = time.monotonic()
                    try:
                        client.execute_cell(cell, index)
                    finally:
                        timer.cancel()
                    if time.monotonic() - start >= cell_timeout:
                        run.interrupted.append(index)
            break
        except (DeadKernelError, RuntimeError) as error:
            if index is None:  # it never reached the first cell (nbclient: RuntimeError)
                failed_starts += 1
                if failed_starts >= START_ATTEMPTS:
                    raise KernelStartFailed(f"{type(error).__name__}: {error}") from error
                continue
            if not isinstance(error, DeadKernelError):
                raise
            (run.hung if hung.is_set() else run.killed).append(index)
            if len(run.killed) + len(run.hung) > MAX_RESTARTS:
                nb.cells[index].outputs = [_failed_output(index, hung.is_set(), cell_timeout)]
                _abandon(nb, index + 1, run)
                break
    nbformat.write(nb, out_path)
    return run
