"""The JupyterLab terminal of ``scripts/lab.sh`` and of the course's JupyterHub: the README's
commands (``nbgrader ...``, ``python -m course ...``) work there. jupyter_server_terminals
starts a login shell when the server has no tty, and Debian's /etc/profile resets PATH in it,
dropping .venv/bin."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from types import SimpleNamespace

import pytest
from jupyter_ui import free_port
from traitlets.config import PyFileConfigLoader

from course.lessons import ROOT

websocket = pytest.importorskip("websocket")  # websocket-client, a jupyter_server dependency
pytestmark = pytest.mark.notebooks  # starts a Jupyter server

MARK = "КОНЕЦ-ПРОВЕРКИ"  # printed by the echo below; its typed form has quotes
COMMANDS = ("nbgrader --version && python -c 'import course, matplotlib' "
            "&& python -m course --help >/dev/null && echo КОНЕЦ-\"ПРОВЕРКИ\"\r")


def _api(port, path, token, method="GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


PLAIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _hub_environment(user):
    """The environment JupyterHub gives the server of ``user`` (hub/jupyterhub_config.py's
    Spawner.environment and pre_spawn_hook, run on a stand-in spawner); ``ivanova`` is an
    instructor."""
    os.environ["COURSE_INSTRUCTORS"] = "ivanova"
    try:
        config = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hub")).load_config()
    finally:
        del os.environ["COURSE_INSTRUCTORS"]
    spawner = SimpleNamespace(environment=dict(config.Spawner.environment),
                              user=SimpleNamespace(name=user))
    config.Spawner.pre_spawn_hook(spawner)
    return spawner.environment


VIEWS = {  # JUPYTER_CONFIG_PATH and PATH of the server, by who runs it
    "lab.sh --instructor": lambda: {"JUPYTER_CONFIG_PATH": f"{ROOT / 'jupyter/common'}:"
                                                           f"{ROOT / 'jupyter/local'}"},
    "hub, instructor": lambda: _hub_environment("ivanova"),
    "hub, student": lambda: _hub_environment("petrov"),
}


@pytest.fixture(params=sorted(VIEWS))
def server(tmp_path, request):
    """A Jupyter server configured as lab.sh or JupyterHub configures it, started with no
    tty (as from a desktop launcher, a CI job or the hub) and a PATH without this
    environment; (port, token)."""
    port, token = free_port(), "терминал-тест".encode().hex()
    env = {**os.environ, "PATH": PLAIN_PATH, **VIEWS[request.param]()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", f"--port={port}", "--no-browser",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "server.log", "w"))
    try:
        for _ in range(120):
            try:
                _api(port, "/api/status", token)
                break
            except OSError:
                time.sleep(0.5)
        yield port, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_nbgrader_and_the_course_work_in_the_labs_terminal(server):
    port, token = server
    name = _api(port, "/api/terminals", token, method="POST")["name"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/terminals/websocket/{name}?token={token}", timeout=60)
    try:
        ws.send(json.dumps(["stdin", COMMANDS]))
        seen, deadline = "", time.monotonic() + 120
        while MARK not in seen and "command not found" not in seen \
                and time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message[0] == "stdout":
                seen += message[1]
        assert MARK in seen and "command not found" not in seen, seen[-2000:]
    finally:
        ws.close()
