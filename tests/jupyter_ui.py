"""What the browser tests share: headless Chromium, the labels of the UI that the README quotes,
and the steps a person takes in JupyterLab (open a notebook, run it, check and hand it in with
the course's panel).

Playwright drives Debian's Chromium (it never downloads a browser of its own). Without them
the browser tests skip, except under CI, where they fail.
"""

import os
import re
import socket

import pytest

from course.lessons import ROOT

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    expect = sync_playwright = None
else:  # a page that renders in a second takes many on a busy 2-core machine
    expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

# Labels of this JupyterLab, the course's panel and nbgrader that the README quotes, exactly as
# the UI shows them. The student's view has the panel; nbgrader's menu is the instructor's.
RUN_ALL = ("Ядро", "Перезапустить ядро и Запустить все ячейки…")
NBGRADER_MENU = "Nbgrader"
FORMGRADER = (NBGRADER_MENU, "Formgrader")
CHECK, HAND_IN, GET_FEEDBACK, OPEN_FEEDBACK = (
    "Проверить урок", "Сдать", "Получить отзыв", "Открыть отзыв")
GET_LESSON = "Получить урок"  # followed by the lesson's folder: «Получить урок 01_sgd»
README_LABELS = [*RUN_ALL, FORMGRADER[1], CHECK, HAND_IN, GET_FEEDBACK, GET_LESSON]
PANEL = "#gd-course-panel"
_LATIN = re.compile(r"[A-Za-z]{2,}")
# Latin words that JupyterLab's Russian UI shows as they are: the kernel's name («Python 3
# (ipykernel)») and the format of text cells («Markdown», the language pack's own choice).
TECHNICAL = {"Python", "ipykernel", "Markdown"}
# What a student reads of JupyterLab itself around a lesson: the menu bar, the notebook's
# toolbar and the status bar.
LAB_CHROME = ("#jp-menu-panel", ".jp-NotebookPanel-toolbar:visible", "#jp-main-statusbar")
# The menus a lesson is worked through with: their items too, not just the titles. Not «Файл»:
# JupyterLab names the notebook's file type «Notebook» there («Сохранить Notebook»), a name its
# document registry takes before the translator is loaded (README: what stays in English).
LESSON_MENUS = ("Редактировать", "Выполнить", "Ядро")


# What a Jupyter server logs when a browser's kernel connection drops and comes back, which a
# busy machine causes and JupyterLab recovers from by itself; nothing a student can act on.
# The exact messages of jupyter_server 2.x (the file that logs each one):
RECONNECTS = tuple(re.compile(pattern) for pattern in (
    # services/kernels/connection/channels.py, _register_session: a client reconnects with the
    # session of a websocket the server has not closed yet
    r"Replacing stale connection: [0-9a-f-]+:[0-9a-f-]+",
    # base/websocket.py, WebSocketMixin.send_ping: the browser answered no ping in time and
    # the server closes its websocket (the browser then reconnects)
    r"WebSocket ping timeout after \d+ ms\.",
    # services/kernels/connection/channels.py, nudge: a (re)connecting client's kernel_info
    # request still unanswered by a busy kernel (logged every tenth try, 5 s apart)
    r"Nudge: attempt \d+ on kernel [0-9a-f-]+",
    # services/kernels/connection/channels.py, _on_zmq_reply: a kernel message for a websocket
    # that a reconnect has closed
    r"zmq message arrived on closed channel",
))
# A line of a Jupyter server's log: "[W 2026-12-07 04:01:02.123 ServerApp] message".
SERVER_LINE = re.compile(r"\[(?P<level>[DIWEC]) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [\w.-]+\] "
                         r"(?P<message>.*)")
# Any other line that warns or errs: a kernel's or nbgrader's warning or error, a traceback,
# matplotlib's unit warning.
TROUBLE = re.compile(r"WARNING|ERROR|Traceback \(most recent call last\)|"
                     r"cannot be converted to a float")


def noisy_lines(log):
    """The lines of a Jupyter server's log that warn or report an error, except the server's
    warnings about reconnecting clients (``RECONNECTS``)."""
    noisy = []
    for line in log.splitlines():
        server = SERVER_LINE.fullmatch(line.strip())
        if server:
            if server["level"] in "DI":
                continue
            if server["level"] == "W" and any(r.fullmatch(server["message"]) for r in RECONNECTS):
                continue
            noisy.append(line)
        elif TROUBLE.search(line):
            noisy.append(line)
    return noisy


def require(condition, reason):
    """Skip the test unless ``condition``; under CI fail instead."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium(playwright):
    """Headless Chromium from Debian."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def require_browser():
    require(sync_playwright is not None, "Playwright is not installed (pip install playwright)")
    require(os.path.exists(CHROMIUM), "Chromium is not installed (apt-get install chromium)")


def new_page(browser):
    """A page in a fresh context (its own cookies) that reads Russian."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(90_000)
    return page


def menu_items(page, menu):
    """The labels of the items of the menu bar's ``menu``, left open."""
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).click()
    return page.locator(".lm-Menu").last.locator(".lm-Menu-itemLabel").all_text_contents()


def choose(page, menu, item):
    """Click ``menu`` → ``item`` in the menu bar (exact label)."""
    assert item in menu_items(page, menu), f"no «{item}» in the menu «{menu}»"
    page.locator(".lm-Menu").last.locator(".lm-Menu-itemLabel").filter(
        has_text=item).first.click()


def wait_idle(page, timeout=120_000):
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=timeout)


def open_notebook(page, url):
    """Open the notebook at ``url`` (a /lab/…/tree/… address) and wait for its kernel."""
    page.goto(url)
    page.locator(".jp-Notebook").first.wait_for()
    wait_idle(page)


def restart_and_run_all(page):
    """«Ядро → Перезапустить ядро и Запустить все ячейки…», confirmed, until the kernel rests."""
    page.locator(".jp-Notebook .jp-Cell:visible").first.click()  # activate the notebook
    choose(page, *RUN_ALL)
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_timeout(1000)
    wait_idle(page)


def menu_bar(page):
    """The labels of the menu bar."""
    page.locator(".lm-MenuBar-itemLabel").first.wait_for()
    return page.locator(".lm-MenuBar-itemLabel").all_text_contents()


def toolbar_button(page, label):
    """The open notebook's toolbar button ``label``."""
    return page.locator(".jp-NotebookPanel-toolbar:visible").get_by_text(label, exact=True)


def open_panel(page):
    """The course's panel, opened in the right side bar if it is not open."""
    panel = page.locator(PANEL)
    page.locator(".jp-SideBar.jp-mod-right [data-id='gd-course-panel']").wait_for()
    if not panel.is_visible():
        page.locator(".jp-SideBar.jp-mod-right [data-id='gd-course-panel']").click()
    expect(panel).to_be_visible()
    return panel


def check_lesson(page):
    """Click «Проверить урок» in the notebook's toolbar; the panel's lines once they are in,
    as (title, status, message)."""
    toolbar_button(page, CHECK).click()
    panel = page.locator(PANEL)
    expect(panel.locator(".gd-CoursePanel-status")).to_contain_text("Проверено за",
                                                                    timeout=120_000)
    return [(line.locator(".gd-CoursePanel-title").inner_text(), line.get_attribute(
                 "data-status"), line.locator(".gd-CoursePanel-message").inner_text())
            for line in panel.locator(".gd-CoursePanel-line").all()]


def hand_in(page):
    """Click «Сдать» in the notebook's toolbar; the panel's message about it."""
    toolbar_button(page, HAND_IN).click()
    result = page.locator(f"{PANEL} .gd-CoursePanel-result")
    expect(result).to_be_visible(timeout=60_000)
    return result.inner_text()


def english_words(text, allowed):
    """Words in Latin letters in ``text`` that are not among the identifiers ``allowed``."""
    return sorted({word for word in _LATIN.findall(text) if word not in allowed})


def identifiers(*texts):
    """The words in Latin letters of code, file names and the like (allowed in messages)."""
    return {word for text in texts for word in _LATIN.findall(text)}
