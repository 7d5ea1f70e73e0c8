#!/usr/bin/env bash
# Sourced by lab.sh and test.sh: sets PREFIX to the environment the course runs in.
# The conda route (an active `gd-course` env from environment.yml) is used as it is;
# otherwise .venv is created and the pinned dependencies (requirements.lock) and the course
# package are installed into it, again only when requirements.lock or pyproject.toml changed.
# Either way JupyterLab is set to speak Russian by default.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "${CONDA_PREFIX:-}" ] && [ "$(basename "$CONDA_PREFIX")" = gd-course ]; then
    PREFIX=$CONDA_PREFIX
else
    PREFIX=$PWD/.venv
    if [ ! -x .venv/bin/python ]; then
        echo "Создаю виртуальное окружение .venv…"
        "${PYTHON:-python3}" -m venv .venv
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
fi
mkdir -p "$PREFIX/share/jupyter/lab/settings"
echo '{"@jupyterlab/translation-extension:plugin": {"locale": "ru_RU"}}' \
    > "$PREFIX/share/jupyter/lab/settings/overrides.json"
export PATH="$PREFIX/bin:$PATH"
