#!/usr/bin/env bash
# Opens the course in JupyterLab (in Russian). Default: the students' view of release/, with
# nbgrader's student tools only (Validate, the assignment list). With --instructor (first
# argument): the course root with formgrader and «Create Assignment». Other arguments go to
# jupyter lab.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
role=student
if [ "${1:-}" = "--instructor" ]; then role=instructor; shift; fi
if [ "$(id -u)" = 0 ]; then set -- --allow-root "$@"; fi  # containers often run as root
if [ "$role" = instructor ]; then
    exec jupyter lab --ServerApp.root_dir=. "$@"
fi
# The student view hides the instructor's nbgrader tools (jupyter/student/labconfig).
export JUPYTER_CONFIG_PATH="$PWD/jupyter/student${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
exec jupyter lab --ServerApp.root_dir=release "$@"
