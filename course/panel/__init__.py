"""The student panel in JupyterLab: «Проверить урок» and «Сдать», in Russian.

A Jupyter server extension (this package: ``handlers``, the check runner ``runner`` reading
lessons with ``lesson``, nbgrader's exchange in ``exchange``) and a JupyterLab extension
(TypeScript in ``frontend/``, shipped prebuilt in ``labextension/``, which
``scripts/setup.sh`` installs into the environment). The student view turns the server
extension on (``jupyter/student/jupyter_server_config.json``); without it the lab extension
shows no panel. Its second plugin (``frontend/src/translations.ts``) serves in both views:
JupyterLab's strings that the Russian language pack lacks get Russian from
``frontend/src/ru_RU.json``.
"""

from pathlib import Path

LABEXTENSION = Path(__file__).resolve().parent / "labextension"
FRONTEND = Path(__file__).resolve().parent / "frontend"


def _jupyter_server_extension_points():
    return [{"module": "course.panel"}]


def _load_jupyter_server_extension(server_app):
    from course.panel.handlers import setup  # jupyter_server only when the server loads it

    setup(server_app)
    server_app.log.info("course panel: «Проверить урок» and «Сдать» are served")
