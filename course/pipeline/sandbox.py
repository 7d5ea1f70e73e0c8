"""The sandbox of a student's kernel during autograding: bubblewrap (``bwrap``).

The kernel sees only what it needs: the system's programs and libraries (``/usr``, read-only),
this Python and its environment (read-only), its own private folder (writable; the lesson's
kit in it read-only) and a fresh, empty ``/tmp`` that also holds its IPython profile and
matplotlib's settings, so every start, the first or a restart, is as clean as the other. Not
the course folder, not other submissions, not the gradebook, not ``source/`` or the
reference, not ``/root`` or ``/home`` (Jupyter's runtime files, tokens). It has no network
(the kernel talks to the grader over Unix sockets in its private connection folder), no
capabilities (also when the grader runs as root: the kernel runs as an unprivileged user of
its own user namespace), its own process, IPC and host-name namespaces, and limits on memory,
processes and file size (``course.pipeline.limits.Limits``: a cgroup v2 of its own where
this machine offers one, rlimits and the grader's watchdog otherwise). Without bubblewrap
there is no sandbox, and ``python -m course autograde`` refuses to grade.
"""

import functools
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from traitlets import Dict, List, Unicode

from course.headless import KernelManager
from course.pipeline.limits import Limits

_CWD_ON_PATH = "--IPKernelApp.exec_lines=__import__('sys').path.insert(0, '')"
SANDBOX_UID = 65534  # "nobody" inside the sandbox's user namespace
SYSTEM = ("/usr", "/etc/fonts")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime")
KERNEL_ENV = {  # kernels of parallel jobs share the cores: one BLAS thread each
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp/home",
    "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/matplotlib", "MPLBACKEND": "agg",
    "PYTHONSAFEPATH": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
    # ipykernel would take the sandbox's init for a dead parent and exit; the kernel dies
    # with bwrap anyway (--die-with-parent)
    "JPY_PARENT_PID": "1", "NBGRADER_EXECUTION": "autograde",
}


CGROUP_ROOT = Path("/sys/fs/cgroup")
_serial = itertools.count()


def cgroup_for(limits, root=CGROUP_ROOT):
    """A new cgroup v2 folder for one sandbox, below this process's own cgroup, with
    ``memory.max`` and ``pids.max`` set from ``limits``; None where cgroup v2 with the memory
    and pids controllers cannot be used here (then rlimits and the grader's watchdog limit
    the sandbox). The caller removes it (``remove_cgroup``) when the sandbox is gone."""
    try:
        own = next(line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
                   if line.startswith("0::"))
        parent = root / own.lstrip("/")
        if not {"memory", "pids"} <= set((parent / "cgroup.controllers").read_text().split()):
            return None
        if not {"memory", "pids"} <= set((parent / "cgroup.subtree_control").read_text()
                                         .split()):
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
        group = parent / f"course-sandbox-{os.getpid()}-{next(_serial)}"
        group.mkdir()
        (group / "memory.max").write_text(str(int(limits.memory_gb * 2 ** 30)))
        (group / "memory.swap.max").write_text("0")
        (group / "pids.max").write_text(str(limits.processes))
        return group
    except (OSError, StopIteration):
        return None


def remove_cgroup(group):
    """Remove a sandbox's cgroup (its processes are gone by then)."""
    if group is not None:
        try:
            group.rmdir()
        except OSError:
            pass


def python_paths():
    """The folders of this Python and its environment that the kernel must see."""
    found = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                         sys.base_exec_prefix)}
    found.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(p for p in found if not any(p != q and p.is_relative_to(q) for q in found))


def _system_binds():
    binds = []
    for path in SYSTEM:
        binds += ["--ro-bind", path, path]
    for name in ("bin", "lib", "lib64", "sbin"):  # usr-merged systems link these into /usr
        path = Path("/") / name
        if path.is_symlink():
            binds += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            binds += ["--ro-bind", str(path), str(path)]
    for path in SYSTEM_FILES:
        if os.path.exists(path):
            binds += ["--ro-bind", path, path]
    return binds


def command(private, connection, read_only=(), files=(), limits=None, cgroup=None):
    """The command prefix that runs a program in the sandbox.

    ``private``: the writable folder; ``connection``: the writable folder of the kernel's
    connection file and sockets; ``read_only``: paths inside ``private`` made read-only (the
    kit); ``files``: {path inside the sandbox: file outside} made visible read-only (in
    /tmp, e.g. matplotlib's font cache); ``cgroup``: a folder from ``cgroup_for`` that the
    sandbox is put into before anything in it starts."""
    mb, limits = 2 ** 20, limits or Limits()
    prefix = ["prlimit", f"--as={int(limits.memory_gb * 2 ** 30)}",
              f"--nproc={limits.processes}", f"--fsize={limits.file_mb * mb}", "--core=0", "--"]
    args = ["bwrap", "--unshare-all", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox",
            *_system_binds()]
    size = ["--size", str(limits.disk_mb * mb)] if _tmpfs_size_supported() else []
    args += ["--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/tmp",
             "--dir", "/tmp/home", "--dir", "/tmp/ipython", "--dir", "/tmp/matplotlib"]
    # after the empty /tmp, or a Python under /tmp (a course cloned there) would be hidden
    for path in python_paths():
        args += ["--ro-bind", str(path), str(path)]
    for inside, outside in dict(files).items():
        args += ["--ro-bind", str(outside), str(inside)]
    args += ["--bind", str(private), str(private),
             "--bind", str(connection), str(connection)]
    for path in read_only:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--clearenv"]
    for key, value in KERNEL_ENV.items():
        args += ["--setenv", key, value]
    if cgroup is not None:
        prefix = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(cgroup), *prefix]
    return prefix + args + ["--"]


@functools.lru_cache(maxsize=1)
def _tmpfs_size_supported():
    """Whether this bubblewrap can size a tmpfs (``--size``, bubblewrap 0.7 and later)."""
    try:
        done = subprocess.run(["bwrap", "--help"], capture_output=True, text=True)
    except OSError:
        return False
    return "--size" in done.stdout + done.stderr


@functools.lru_cache(maxsize=1)
def available():
    """Whether bubblewrap is installed and allowed to create its namespaces here."""
    if shutil.which("bwrap") is None or shutil.which("prlimit") is None:
        return False
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    done = subprocess.run(command(probe, probe) + ["true"], capture_output=True)
    return done.returncode == 0


class SandboxedKernelManager(KernelManager):
    """A kernel manager whose kernel runs in the sandbox and talks over Unix sockets (its client
    is course.headless's, which loses no reply).

    In its own session the kernel gets no signals sent to the sandbox's process group, so
    interrupts go as messages (ipykernel then signals itself)."""

    private = Unicode(help="the only folder the kernel may write to, besides /tmp").tag(
        config=True)
    read_only = List(Unicode(), help="paths in the private folder kept read-only").tag(
        config=True)
    sandbox_files = List(List(Unicode()), help="[inside, outside] files shown read-only").tag(
        config=True)
    limits = Dict(help="the sandbox's ``course.pipeline.limits.Limits``, as a dict").tag(
        config=True)

    cgroup = None

    def format_kernel_cmd(self, extra_arguments=None):
        connection = os.path.dirname(self.connection_file)
        limits = Limits(**self.limits)
        remove_cgroup(self.cgroup)  # the previous kernel's, if this manager started one
        self.cgroup = cgroup_for(limits)
        cmd = super().format_kernel_cmd(extra_arguments)
        # -I: no user site, no PYTHON* variables, nothing of the working folder imported
        # while the kernel starts; the folder (the notebook's, with the kit) is put on
        # sys.path once it runs, as Jupyter does for notebooks
        return (command(self.private, connection, self.read_only, self.sandbox_files, limits,
                        self.cgroup) + [cmd[0], "-I", *cmd[1:], _CWD_ON_PATH])

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        remove_cgroup(self.cgroup)
        self.cgroup = None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec
