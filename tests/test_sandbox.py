"""The sandbox of the students' kernels (course.pipeline.sandbox), on its own: what a program inside
sees and may do, and how its limits are set. The whole grader under attack:
tests/test_autograde.py."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.lessons import ROOT
from course.pipeline import sandbox
from course.pipeline.limits import Limits

needs_sandbox = pytest.mark.skipif(
    not sandbox.available() and not os.environ.get("CI"),
    reason="bubblewrap (bwrap) is not installed here; CI requires it")


def _inside(tmp_path, code, **kwargs):
    private, connection = tmp_path / "private", tmp_path / "connection"
    private.mkdir()
    connection.mkdir()
    return subprocess.run(sandbox.command(private, connection, **kwargs)
                          + [os.path.realpath(sys.executable), "-I", "-c", code],
                          capture_output=True, text=True, timeout=60)


@needs_sandbox
def test_a_program_inside_sees_only_the_system_python_and_its_folder(tmp_path):
    (tmp_path / "outside.txt").write_text("секрет")
    code = ("import os, sys\n"
            f"print(os.path.exists({str(ROOT / 'course' / 'reference.py')!r}))\n"
            f"print(os.path.exists({str(tmp_path / 'outside.txt')!r}))\n"
            "print(os.path.exists('/root/.local'), os.path.exists('/root/.bash_history'),"
            " sorted(os.listdir('/tmp')))\n"
            "open(os.path.join(sys.argv[0] if False else "
            f"{str(tmp_path / 'private')!r}, 'mine.txt'), 'w').write('x')\n"
            "import numpy\nprint('numpy', numpy.__version__)\n")
    done = _inside(tmp_path, code)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["False", "False"]
    # /root holds at most this Python (when it was installed there); /tmp is empty but for
    # the kernel's own folders and the way to what is bound under /tmp (this test's private
    # folder; this Python when it lies under /tmp, as in CI)
    bound = {Path(p).parts[2] for p in [*sandbox.python_paths(), tmp_path]
             if Path(p).is_relative_to("/tmp")}
    assert lines[2].startswith("False False [")
    listed = set(ast.literal_eval(lines[2][len("False False "):]))
    assert listed == {"home", "ipython", "matplotlib"} | bound
    assert lines[3].startswith("numpy ")
    assert (tmp_path / "private" / "mine.txt").read_text() == "x"


@needs_sandbox
def test_a_program_inside_has_no_network_no_capabilities_and_cannot_write_elsewhere(tmp_path):
    code = ("import socket, subprocess\n"
            "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
            "except OSError as e:\n    print('no network', e.errno)\n"
            "print([l for l in open('/proc/self/status') if l.startswith(('CapEff', 'Uid'))])\n"
            "print(subprocess.run(['mount', '-o', 'remount,rw', '/usr'], capture_output=True)"
            ".returncode)\n"
            "try:\n    open('/usr/x', 'w')\n"
            "except OSError as e:\n    print('read-only', e.errno)\n")
    done = _inside(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert "no network" in done.stdout and "read-only" in done.stdout
    assert "CapEff:\\t0000000000000000" in done.stdout and "Uid:\\t65534" in done.stdout
    assert done.stdout.splitlines()[2] != "0"


@needs_sandbox
def test_the_process_limit_holds_inside(tmp_path):
    code = ("import os, time\nn = 0\ntry:\n    for _ in range(200):\n"
            "        if os.fork() == 0:\n            time.sleep(2)\n            os._exit(0)\n"
            "        n += 1\nexcept OSError:\n    pass\nprint(n)\n")
    done = _inside(tmp_path, code, limits=Limits(processes=20))
    # as root the limit of processes is the grader's watchdog's (tests/test_autograde.py)
    if os.getuid() != 0:
        assert int(done.stdout.split()[-1]) < 20


def test_a_cgroup_v2_gets_the_sandboxs_limits_where_the_machine_offers_one(tmp_path,
                                                                           monkeypatch):
    own = [line[3:] for line in open("/proc/self/cgroup").read().splitlines()
           if line.startswith("0::")][0].lstrip("/")
    parent = tmp_path / own
    parent.mkdir(parents=True, exist_ok=True)
    (parent / "cgroup.controllers").write_text("cpu memory pids\n")
    (parent / "cgroup.subtree_control").write_text("cpu\n")
    group = sandbox.cgroup_for(Limits(memory_gb=2, processes=50), root=tmp_path)
    assert group.parent == parent and group.name.startswith("course-sandbox-")
    assert (parent / "cgroup.subtree_control").read_text() == "+memory +pids"
    assert (group / "memory.max").read_text() == str(2 * 2 ** 30)
    assert (group / "pids.max").read_text() == "50"
    cmd = sandbox.command(tmp_path, tmp_path, cgroup=group)
    assert cmd[:4] == ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(group)]
    for control in group.iterdir():  # in a real cgroup fs they go with the folder
        control.unlink()
    sandbox.remove_cgroup(group)
    assert not group.exists()
    (parent / "cgroup.controllers").write_text("cpu memory\n")
    assert sandbox.cgroup_for(Limits(), root=tmp_path) is None


def test_the_sandbox_binds_neither_the_course_nor_home_folders():
    cmd = " ".join(sandbox.command("/tmp/p", "/tmp/c"))
    assert str(ROOT / "course") not in cmd and " /root " not in cmd and " /home " not in cmd
    assert "--unshare-all" in cmd and "--cap-drop ALL" in cmd and "--clearenv" in cmd


@needs_sandbox
def test_an_environment_under_tmp_stays_visible(tmp_path, monkeypatch):
    """A course and its .venv cloned under /tmp (as CI does) must not vanish under the
    sandbox's empty /tmp."""
    env = tmp_path / "clone" / ".venv"
    env.mkdir(parents=True)
    (env / "marker.txt").write_text("виден")
    real = sandbox.python_paths()
    monkeypatch.setattr(sandbox, "python_paths", lambda: [*real, env])
    done = _inside(tmp_path, f"print(open({str(env / 'marker.txt')!r}).read())\n"
                             f"import os\nprint(os.path.exists({str(tmp_path / 'clone')!r} + "
                             "'/course'))")
    assert done.stdout.split() == ["виден", "False"], done.stderr


@needs_sandbox
def test_tmp_holds_no_more_than_the_sandboxs_disk_limit(tmp_path):
    if not sandbox._tmpfs_size_supported():
        pytest.skip("this bubblewrap cannot size a tmpfs (--size needs bubblewrap 0.7)")
    code = ("try:\n    with open('/tmp/fill', 'wb') as f:\n"
            "        for _ in range(64):\n            f.write(b'x' * 2 ** 20)\n"
            "    print('written')\nexcept OSError as e:\n    print('full', e.errno)\n")
    done = _inside(tmp_path, code, limits=Limits(disk_mb=16))
    assert done.stdout.split() == ["full", "28"], done.stderr
