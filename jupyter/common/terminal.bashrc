# Read by the JupyterLab terminal (lab.sh and the hub; jupyter_server_config.py here) instead
# of ~/.bashrc: the user's usual settings, then the course's environment first on PATH, so
# that `nbgrader ...` and `python -m course ...` work there as in the README.
if [ -f /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
if [ -n "${COURSE_BIN:-}" ]; then export PATH="$COURSE_BIN:$PATH"; fi
