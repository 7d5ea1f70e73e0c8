"""The JupyterLab terminal, in both views of scripts/lab.sh and on the course's JupyterHub:
bash started with terminal.bashrc, in which this environment's programs (nbgrader, python
with the course) come first on PATH.

By default jupyter_server_terminals (app.py, initialize_handlers) starts ``$SHELL -l`` when
the server has no tty (lab.sh started from a launcher, every server JupyterHub spawns): a
login shell, whose /etc/profile (Debian's sets PATH outright) drops .venv/bin, so ``nbgrader
collect`` answered «command not found». An interactive non-login bash keeps the server's
environment and reads the user's ~/.bashrc (from terminal.bashrc)."""

import os
import shutil
import sys

c = get_config()  # noqa: F821 (provided by traitlets)

bash = shutil.which("bash")
if bash:
    os.environ["COURSE_BIN"] = os.path.dirname(sys.executable)  # read by terminal.bashrc
    c.ServerApp.terminado_settings = {"shell_command": [
        bash, "--rcfile", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       "terminal.bashrc"), "-i"]}
