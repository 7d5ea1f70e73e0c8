#!/usr/bin/env bash
# Opens the course in JupyterLab (in Russian). Other arguments go to jupyter lab.
#
# Default: the student's view. The student works in student/ (ignored by git): on the first run
# each lesson of release/ is copied there, as nbgrader's «Fetch» would give it, and a copy that
# exists is never overwritten, so opening and saving a lesson changes no tracked file. The
# lessons are also released to a local nbgrader exchange, exchange/ (ignored too), so the
# Assignment List works and «Submit» hands a lesson in. Only nbgrader's student tools run
# (Validate, the Assignment List): the instructor's server extensions are switched off
# (jupyter/student/jupyter_server_config.json), not just hidden in the menus.
#
# With --instructor (first argument): the course root with formgrader and «Create Assignment»;
# `nbgrader collect` takes the lessons submitted to exchange/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
role=student
if [ "${1:-}" = "--instructor" ]; then role=instructor; shift; fi
if [ "$(id -u)" = 0 ]; then set -- --allow-root "$@"; fi  # containers often run as root
course=gd-optimizers  # CourseDirectory.course_id in nbgrader_config.py
# jupyter/common: both views, here and on the hub (no news pop-up, encrypted kernel
# connections, Validate reports an error in any cell, a terminal whose PATH starts with this
# environment, so that nbgrader and python -m course work there); jupyter/student: the
# student view; jupyter/local: this machine (the exchange in exchange/, no websocket
# keep-alive pings, whose timeouts only print warnings here).
views="$PWD/jupyter/common"
if [ "$role" = student ]; then views="$PWD/jupyter/student:$views"; fi
export JUPYTER_CONFIG_PATH="$views:$PWD/jupyter/local${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
# Each view restores its own open tabs, not the other view's.
export JUPYTERLAB_WORKSPACES_DIR="$PWD/.workspaces/$role"

copy_lesson() {  # copy_lesson FROM TO: a lesson without Jupyter's and Python's caches
    cp -R "$1" "$2"
    find "$2" \( -name .ipynb_checkpoints -o -name __pycache__ \) -prune -exec rm -rf {} +
}

# The local exchange offers the lessons as they are in release/ now.
mkdir -p "exchange/$course/outbound" "exchange/$course/inbound" "exchange/$course/feedback"
for lesson in release/*/; do
    lesson=$(basename "$lesson")
    rm -rf "exchange/$course/outbound/$lesson"
    copy_lesson "release/$lesson" "exchange/$course/outbound/$lesson"
done

if [ "$role" = instructor ]; then
    exec jupyter lab --ServerApp.root_dir=. "$@"
fi
mkdir -p student
for lesson in release/*/; do
    lesson=$(basename "$lesson")
    if [ ! -e "student/$lesson" ]; then
        copy_lesson "release/$lesson" "student/$lesson"
        jupyter trust "student/$lesson"/*.ipynb > /dev/null  # the course's own notebooks
        echo "Урок $lesson скопирован в student/$lesson: работайте в этой копии."
    fi
done
cd student
exec jupyter lab "$@"
