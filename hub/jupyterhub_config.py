"""JupyterHub for the course on one machine, the set-up tests/test_hub.py runs.

Students and instructors have accounts on this machine and log in with them (the default
PAM authenticator). The hub starts each user's own JupyterLab under their account
(LocalProcessSpawner), with this environment's Python. Lessons go out and come back through
nbgrader's exchange, a folder everyone may write to (hub/nbgrader_config.py). The users named in
COURSE_INSTRUCTORS get the instructor's view: formgrader for the course in ~/gd-optimizers
(hub/instructor/jupyter_server_config.py). Everyone else gets the student view: the instructor's
nbgrader tools are switched off on their server (jupyter/student).

Started by root from the repository (a clone all users can read), with its environment:
    COURSE_INSTRUCTORS=ivanova .venv/bin/jupyterhub -f hub/jupyterhub_config.py
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets)

REPO = Path(__file__).resolve().parent.parent
INSTRUCTORS = set(os.environ.get("COURSE_INSTRUCTORS", "").replace(",", " ").split())
EXCHANGE = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")

# Every account of this machine may log in; narrow it with c.Authenticator.allowed_users.
c.Authenticator.allow_all = True

# nbgrader's Validate answers only when the whole lesson has run (half a minute on a busy
# machine); the Python proxy would give up on a request after 20 s.
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy", "--proxy-timeout=600000"]

BIN = Path(sys.executable).parent  # the course's environment, for servers and terminals
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"COURSE_EXCHANGE": EXCHANGE,
                         "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", os.defpath)])}


def config_path(name):
    """JUPYTER_CONFIG_PATH of the server of user ``name``: the view, then the course's
    nbgrader settings for the hub."""
    if name in INSTRUCTORS:
        folders = [REPO / "jupyter" / "common", REPO / "hub" / "instructor", REPO / "hub"]
    else:
        folders = [REPO / "jupyter" / "student", REPO / "jupyter" / "common", REPO / "hub"]
    return os.pathsep.join(map(str, folders))


def set_view(spawner):
    spawner.environment = {**spawner.environment,
                           "JUPYTER_CONFIG_PATH": config_path(spawner.user.name)}


c.Spawner.pre_spawn_hook = set_view
