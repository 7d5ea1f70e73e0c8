#!/usr/bin/env bash
# Sourced by lab.sh and test.sh: sets PREFIX to the environment the course runs in.
# The conda route (an active `gd-course` env from environment.yml) is used as it is;
# otherwise .venv is created and the pinned dependencies (requirements.lock) and the course
# package are installed into it, again only when requirements.lock or pyproject.toml changed.
# The first installation takes a minute or two; a counter shows the packages as they come.
# .venv is made with `python3`, or with the interpreter named by PYTHON (the course is pinned
# for Python 3.11): PYTHON=python3.11 bash scripts/lab.sh
# Either way JupyterLab is set to speak Russian by default.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "${CONDA_PREFIX:-}" ] && [ "$(basename "$CONDA_PREFIX")" = gd-course ]; then
    PREFIX=$CONDA_PREFIX
else
    PREFIX=$PWD/.venv
    if [ ! -x .venv/bin/python ]; then
        python=${PYTHON:-python3}
        version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
            || { echo "Не найден Python: $python. Укажите его так: PYTHON=python3.11 bash $0" >&2
                 exit 1; }
        case $version in
            3.11) ;;
            3.[0-9]|3.10)
                echo "Курсу нужен Python 3.11, а $python — это Python $version." \
                     "Укажите другой: PYTHON=python3.11 bash $0" >&2
                exit 1 ;;
            *) echo "Внимание: курс проверен с Python 3.11, а $python — это Python $version." \
                    "Если установка не удастся, укажите PYTHON=python3.11." ;;
        esac
        echo "Создаю виртуальное окружение .venv (Python $version)…"
        "$python" -m venv .venv
    fi
    want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$want" ]; then
        echo "Устанавливаю зависимости (requirements.lock) и пакет курса; в первый раз это" \
             "занимает минуту-две…"
        if ! (set -o pipefail; .venv/bin/python -m pip install --disable-pip-version-check \
                -r requirements.lock -e . 2>&1 | tee .venv/pip.log \
                | awk '/^(Collecting|Processing) /{n++; printf "\r  пакетов получено: %d", n; fflush()}
                       /^Installing collected/{printf "%s  установка…\n", n ? "\n" : ""; fflush(); n = 0}
                       END {if (n) print ""}'
             ); then
            cat .venv/pip.log
            echo "Установка не удалась (журнал: .venv/pip.log)." >&2
            exit 1
        fi
        echo "$want" > .venv/.setup-stamp
        echo "Готово."
    fi
fi
# The course's student panel (course/panel), prebuilt: JupyterLab finds it here, no Node.js.
# The link goes to the course package the environment has installed (this clone's, editable).
mkdir -p "$PREFIX/share/jupyter/labextensions"
ln -sfn "$("$PREFIX/bin/python" -c 'import course.panel as p; print(p.LABEXTENSION)')" \
    "$PREFIX/share/jupyter/labextensions/gd-course-panel"
mkdir -p "$PREFIX/share/jupyter/lab/settings"
echo '{"@jupyterlab/translation-extension:plugin": {"locale": "ru_RU"}}' \
    > "$PREFIX/share/jupyter/lab/settings/overrides.json"
export PATH="$PREFIX/bin:$PATH"
