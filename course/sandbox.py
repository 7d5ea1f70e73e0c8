"""A sandbox for a student's kernel during autograding: bubblewrap (``bwrap``).

Inside, the whole file system is read-only except the submission's private folder and an
empty private /tmp, and the kernel sees only its own processes; when the kernel goes, so does
everything it started. So code that writes or deletes files outside its folder changes
nothing, whoever else is being graded. Without bubblewrap (``apt-get install bubblewrap``)
kernels run unsandboxed and ``course.autograde`` says so.
"""

import functools
import shutil
import subprocess

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode


def _prefix(writable, readable=()):
    """The bwrap command line that runs a command with only ``writable`` writable; the
    ``readable`` files stay visible even if they are under /tmp."""
    binds = [arg for path in readable for arg in ("--ro-bind", str(path), str(path))]
    return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", *binds, "--bind", str(writable), str(writable),
            "--unshare-pid", "--unshare-ipc", "--new-session", "--die-with-parent",
            # ipykernel would take the sandbox's init for a dead parent and exit; the kernel
            # dies with bwrap anyway (--die-with-parent)
            "--setenv", "JPY_PARENT_PID", "1", "--"]


@functools.lru_cache(maxsize=1)
def available():
    """Whether bubblewrap is installed and allowed to create its namespaces here."""
    if shutil.which("bwrap") is None:
        return False
    done = subprocess.run(_prefix("/tmp") + ["true"], capture_output=True)
    return done.returncode == 0


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the sandbox, with ``writable`` writable.

    In its own session the kernel gets no signals sent to the sandbox's process group, so
    interrupts go as messages (ipykernel then signals itself)."""

    writable = Unicode(help="the only folder the kernel may write to").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        return (_prefix(self.writable, [self.connection_file])
                + super().format_kernel_cmd(extra_arguments))

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec
