"""The student panel's HTTP endpoints, under ``<base_url>/course-panel/``.

Every request names a notebook by its path relative to the server's root (as JupyterLab's
contents API does); a path outside the root is refused. All answers are JSON; every text in
them that the student reads is Russian.
"""

import json
from pathlib import Path

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from course.panel.exchange import Exchange, lesson_of
from course.panel.runner import Checker


class _Base(APIHandler):
    @property
    def panel(self):
        return self.settings["course_panel"]

    def notebook(self):
        """The requested notebook: (path relative to the root, absolute Path)."""
        relative = str((self.get_json_body() or {}).get("path", ""))
        root = Path(self.settings["server_root_dir"]).resolve()
        target = (root / relative).resolve()
        if not relative.endswith(".ipynb") or not target.is_relative_to(root):
            raise web.HTTPError(400, "Нужен путь к ноутбуку внутри папки сервера.")
        if not target.is_file():
            raise web.HTTPError(404, "Ноутбук не найден.")
        return relative, target

    def reply(self, value):
        self.finish(json.dumps(value, ensure_ascii=False))


class WarmHandler(_Base):
    """POST {path}: a lesson was opened; start the kernel of its next check now."""

    @web.authenticated
    def post(self):
        _, target = self.notebook()
        self.panel.checker.pool.warm(target.parent)
        self.reply({"ok": True})


class CheckHandler(_Base):
    """POST {path}: «Проверить урок»."""

    @web.authenticated
    async def post(self):
        _, target = self.notebook()
        try:
            result = await self.panel.checker.check(target)
        except Exception:  # noqa: BLE001 - the student gets Russian, the log the details
            self.log.exception("course panel: the check of %s failed", target)
            result = {"lines": [], "seconds": 0,
                      "summary": "Проверить урок не удалось: не запустилось ядро. Попробуйте "
                                 "ещё раз или перезапустите сервер."}
        self.reply(result)


class StateHandler(_Base):
    """POST {path}: the exchange's state for the notebook's lesson; POST {}: without a lesson
    (the lessons one can fetch; also how the lab extension learns that the panel is served)."""

    @web.authenticated
    def post(self):
        if not (self.get_json_body() or {}).get("path"):
            self.reply(self.panel.exchange.state(None))
            return
        relative, _ = self.notebook()
        self.reply(self.panel.exchange.state(lesson_of(relative)))


class ActionHandler(_Base):
    """POST {path} to submit/fetch_feedback, or {lesson} to fetch: the exchange's actions."""

    @web.authenticated
    def post(self, action):
        if action == "fetch":
            lesson = str((self.get_json_body() or {}).get("lesson", ""))
            if lesson not in {entry for entry in self.panel.exchange.state(None)
                              .get("fetchable", [])}:
                raise web.HTTPError(400, "Такого урока нет среди выданных.")
            self.reply(self.panel.exchange.fetch(lesson))
            return
        relative, _ = self.notebook()
        lesson = lesson_of(relative)
        if lesson is None:
            raise web.HTTPError(400, "Ноутбук не в папке урока.")
        if action == "submit":
            self.reply(self.panel.exchange.submit(lesson))
        else:
            self.reply(self.panel.exchange.fetch_feedback(lesson))


class Panel:
    """What the handlers share: the check runner and the exchange."""

    def __init__(self, server_app):
        self.checker = Checker()
        self.exchange = Exchange(server_app.root_dir, parent=server_app)


def setup(server_app):
    """Register the endpoints on the Jupyter server ``server_app``."""
    web_app = server_app.web_app
    web_app.settings["course_panel"] = Panel(server_app)
    base = url_path_join(web_app.settings["base_url"], "course-panel")
    web_app.add_handlers(".*$", [
        (url_path_join(base, "warm"), WarmHandler),
        (url_path_join(base, "check"), CheckHandler),
        (url_path_join(base, "state"), StateHandler),
        (url_path_join(base, r"(submit|fetch|fetch_feedback)"), ActionHandler),
    ])
