#!/usr/bin/env bash
# Opens the course in JupyterLab. Default: the students' view (release/).
# With --instructor: the course root (source/, formgrader, «Create Assignment»).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
if [ "${1:-}" = "--instructor" ]; then
    shift
    exec .venv/bin/jupyter lab --notebook-dir=. "$@"
fi
exec .venv/bin/jupyter lab --notebook-dir=release "$@"
