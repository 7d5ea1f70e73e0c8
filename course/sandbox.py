"""A sandbox for a student's kernel during autograding: bubblewrap (``bwrap``).

Inside, the whole file system is read-only except the submission's private folder and an
empty private /tmp, and the kernel sees only its own processes; when the kernel goes, so does
everything it started. So code that writes or deletes files outside its folder changes
nothing, whoever else is being graded. Without bubblewrap (``apt-get install bubblewrap``)
kernels run unsandboxed and ``course.autograde`` says so.
"""

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

HIDDEN = "/tmp"  # replaced by an empty folder of its own in each sandbox


def _prefix(writable, readable=()):
    """The bwrap command line that runs a command with only ``writable`` writable; the
    ``readable`` files stay visible even if they are under /tmp."""
    binds = [arg for path in readable for arg in ("--ro-bind", str(path), str(path))]
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", HIDDEN, *binds, "--bind", str(writable), str(writable),
            "--unshare-pid", "--unshare-ipc", "--new-session", "--die-with-parent",
            # ipykernel would take the sandbox's init for a dead parent and exit; the kernel
            # dies with bwrap anyway (--die-with-parent)
            "--setenv", "JPY_PARENT_PID", "1", "--"]


def environment():
    """The paths under ``HIDDEN`` that the kernel must still see: this Python (its prefixes
    and import path, PYTHONPATH included) and the course package, which the hidden checks
    import. Empty unless the course or its environment lies under /tmp."""
    tmp = Path(HIDDEN).resolve()
    candidates = [sys.prefix, sys.base_prefix, *sys.path, Path(__file__).resolve().parent.parent,
                  *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    paths = {Path(p).resolve() for p in candidates if p and os.path.exists(p)}
    return sorted(p for p in paths if p.is_relative_to(tmp) and p != tmp)


@functools.lru_cache(maxsize=1)
def available():
    """Whether bubblewrap is installed and allowed to create its namespaces here."""
    if shutil.which("bwrap") is None:
        return False
    done = subprocess.run(_prefix(HIDDEN) + ["true"], capture_output=True)
    return done.returncode == 0


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the sandbox, with ``writable`` writable.

    In its own session the kernel gets no signals sent to the sandbox's process group, so
    interrupts go as messages (ipykernel then signals itself)."""

    writable = Unicode(help="the only folder the kernel may write to").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        return (_prefix(self.writable, [*environment(), self.connection_file])
                + super().format_kernel_cmd(extra_arguments))

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec
