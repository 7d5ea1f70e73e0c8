"""Execute a sanitized submission cell by cell, surviving cells that kill the kernel.

Used by ``course.autograde`` when nbgrader could not execute a submission. A cell whose
execution kills the kernel (``os._exit``, a segfault, the memory limit) gets an error output
and is skipped when the kernel is restarted and the notebook run again from the top, so it
costs only itself and the cells that depend on it.

    python -m course.execute SANITIZED OUT FOLDER CELL_TIMEOUT
prints the JSON list of the killer cells' indices.
"""

import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

MAX_RESTARTS = 10


def _killed_output(index):
    return nbformat.v4.new_output(
        "error", ename="KernelDied",
        evalue=f"ячейка {index + 1} аварийно завершила ядро Python; при оценивании она "
               "считается ошибочной, а ядро запущено заново",
        traceback=[f"KernelDied: ячейка {index + 1} аварийно завершила ядро Python"])


def execute(sanitized_path, out_path, folder, cell_timeout):
    """Run the notebook at ``sanitized_path`` in ``folder``; write it executed to
    ``out_path``; return the indices of the cells that killed the kernel."""
    killers = []
    while True:
        nb = nbformat.read(sanitized_path, as_version=4)
        client = NotebookClient(nb, timeout=cell_timeout, interrupt_on_timeout=True,
                                allow_errors=True, kernel_name="python3",
                                resources={"metadata": {"path": folder}})
        index = None
        try:
            with client.setup_kernel(env={**os.environ, "NBGRADER_EXECUTION": "autograde"}):
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    if index in killers:
                        cell.outputs = [_killed_output(index)]
                        continue
                    client.execute_cell(cell, index)
            break
        except DeadKernelError:
            killers.append(index)
            if len(killers) > MAX_RESTARTS:
                raise
    nbformat.write(nb, out_path)
    return killers


if __name__ == "__main__":
    sanitized, out, folder, timeout = sys.argv[1:5]
    print(json.dumps(execute(sanitized, out, folder, int(timeout))))
