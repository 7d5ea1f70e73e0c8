#!/usr/bin/env bash
# Creates .venv and installs the pinned dependencies and the course package (idempotent:
# reinstalls only when requirements.lock or pyproject.toml changed). Sourced by lab.sh, test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "Создаю виртуальное окружение .venv…"
    "$python" -m venv .venv
fi
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$want" ]; then
    echo "Устанавливаю зависимости (requirements.lock) и пакет курса…"
    if ! .venv/bin/python -m pip install --disable-pip-version-check \
            -r requirements.lock -e . > .venv/pip.log 2>&1; then
        cat .venv/pip.log
        echo "Установка не удалась (журнал: .venv/pip.log)." >&2
        exit 1
    fi
    echo "$want" > .venv/.setup-stamp
fi
# JupyterLab speaks Russian by default in this environment.
settings=.venv/share/jupyter/lab/settings
mkdir -p "$settings"
cat > "$settings/overrides.json" <<'JSON'
{"@jupyterlab/translation-extension:plugin": {"locale": "ru_RU"}}
JSON
