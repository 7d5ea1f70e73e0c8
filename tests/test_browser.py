"""The course in a real browser, started as a new user starts it: ``bash scripts/lab.sh``.

JupyterLab servers run on 127.0.0.1 from a temporary copy of the course (its scripts, jupyter/
settings and release/; the environment is this one). The student's view works in its own copy
of the lessons, student/; the tests open a lesson there, run it, check it and hand it in with
the course's panel (solved, wrong and unanswered), fetch the feedback the instructor released,
and check that the panel shows no English, that nbgrader's own English tools are gone from the
student's view, that release/ stays as it was and that the server printed no warning a student
cannot act on. The instructor's view (``lab.sh --instructor``) has formgrader and nbgrader's
tools. Every label the README quotes is looked up in the running UI. Screenshots go to
test-artifacts/browser/. Without Chromium or Playwright the tests skip, except under CI, where
they fail.
"""

import hashlib
import os
import re
import shutil
import subprocess
import time
import urllib.request

import nbformat
import pytest
from helpers import THREE_LINES, read_nb, release_feedback, three_line_lesson, tree_hash
from jupyter_ui import (
    ARTIFACTS,
    CHECK,
    FORMGRADER,
    GET_FEEDBACK,
    HAND_IN,
    LAB_CHROME,
    LESSON_MENUS,
    NBGRADER_MENU,
    OPEN_FEEDBACK,
    PANEL,
    README_LABELS,
    RUN_ALL,
    TECHNICAL,
    check_lesson,
    chromium,
    english_words,
    expect,
    free_port,
    hand_in,
    identifiers,
    menu_bar,
    menu_items,
    new_page,
    noisy_lines,
    open_notebook,
    open_panel,
    require_browser,
    restart_and_run_all,
    sync_playwright,
    toolbar_button,
)
from nbformat.sign import NotebookNotary

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import ROOT
from course.nbgrader_apps import run_nbgrader

SHOTS = ARTIFACTS / "browser"
TOKEN = "course-browser-test"
LESSON = "01_sgd"
pytestmark = pytest.mark.notebooks
# How long JupyterLab may take to start: a ceiling, not an expectation (on 2 cores at load 12.7
# it took 75 s).
START_SECONDS = 300

# Warnings the server may print (``jupyter_ui.noisy_lines``): none is expected, except the
# 404s asked for on purpose, and nbgrader's exchange noting that the lesson's
# folder holds notebooks the lesson did not give (here solved.ipynb and three.ipynb; in use,
# the .ipynb_checkpoints copy): they are handed in too, and get no feedback. The panel says
# which notebooks it sent. And jupyter_server's note when a test closes a page whose kernel
# is still sending.
EXPECTED = re.compile(r"GET /(formgrader|assignments)|Possible missing notebooks and/or extra "
                      r"notebooks submitted|Could not find feedback for 'gd-optimizers/01_sgd/"
                      r"(solved|three)'|Got events for closed stream")


def _course(tmp):
    """A course as a new user has it: scripts, settings, lessons, and this environment."""
    course = copy_course(tmp)
    for name in ("scripts", "jupyter"):
        shutil.copytree(ROOT / name, course / name)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, course / name)
    # scripts/setup.sh (run by lab.sh) reinstalls when its stamp is stale, and from this copy
    # it would install the course into the shared .venv from a folder without the package.
    stamp = hashlib.sha256(b"".join((ROOT / name).read_bytes()
                                    for name in ("requirements.lock", "pyproject.toml")))
    if (ROOT / ".venv" / ".setup-stamp").read_text().strip() != stamp.hexdigest():
        pytest.fail(".venv is older than requirements.lock or pyproject.toml: run "
                    "`bash -c 'source scripts/setup.sh'` first")
    (course / ".venv").symlink_to(ROOT / ".venv")
    # nbgrader keeps the student's copies of their submissions in the user's Jupyter data
    # folder; this course keeps its own, so that its history of submissions starts empty.
    with open(course / "jupyter" / "local" / "nbgrader_config.py", "a") as config:
        config.write(f"c.Exchange.cache = {str(course / 'nbgrader_cache')!r}\n")
    return course


def _start_lab(course, *args):
    """``bash scripts/lab.sh *args`` in ``course`` on a free port; (process, base URL, log)."""
    port = free_port()
    log = course / f"lab-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    proc = subprocess.Popen(
        ["bash", "scripts/lab.sh", *args, "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}"],
        cwd=course, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            return proc, base, log
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.terminate()
    pytest.fail(f"JupyterLab did not start: {log.read_text()[-2000:]}")


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    require_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = _course(tmp_path_factory.mktemp("course"))
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    return course


@pytest.fixture(scope="module")
def student_lab(course):
    """The student's view; its base URL. Its lesson copy gets a solved notebook and one with a
    right and a wrong exercise and an unanswered question beside the lesson."""
    release = tree_hash(course / "release")
    proc, base, log = _start_lab(course)
    mine = course / "student" / LESSON
    assert (mine / f"{LESSON}.ipynb").exists() and (mine / "optkit").is_dir()
    source = course / "source" / LESSON / f"{LESSON}.ipynb"  # the copy, as the lesson was built
    filled = fill_solutions(read_nb(mine / f"{LESSON}.ipynb"), read_nb(source))
    notary = NotebookNotary()  # JupyterLab signs the notebooks it saves
    notary.sign(filled)
    nbformat.write(filled, str(mine / "solved.ipynb"))
    three = three_line_lesson()
    notary.sign(three)
    nbformat.write(three, str(mine / "three.ipynb"))
    yield {"base": base, "log": log, "release": release, "course": course}
    _stop(proc)


@pytest.fixture(scope="module")
def moodle_lab(tmp_path_factory):
    """The student's view of a course whose work goes to Moodle: no nbgrader exchange (its
    folder does not exist); the base URL and the course."""
    course = _course(tmp_path_factory.mktemp("moodle"))
    with open(course / "jupyter" / "local" / "nbgrader_config.py", "a") as config:
        config.write(f"c.Exchange.root = {str(course / 'no-exchange')!r}\n")
    proc, base, _ = _start_lab(course)
    yield {"base": base, "course": course}
    _stop(proc)


@pytest.fixture(scope="module")
def instructor_lab(course):
    proc, base, _ = _start_lab(course, "--instructor")
    yield base
    _stop(proc)


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def _lab_url(base, path):
    """``path`` opened alone in a workspace of its own (no tabs restored from other tests)."""
    workspace = path.replace("/", "-").replace(".", "-")
    return f"{base}/lab/workspaces/{workspace}/tree/{path}?reset&token={TOKEN}"


def test_release_lesson_opens_in_russian_and_stops_at_the_first_stub(page, student_lab):
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    expect(page.locator(".jp-RenderedMarkdown h1").first).to_contain_text("Урок 1.")
    for label in ["Файл", "Редактировать", "Просмотр", "Выполнить", "Ядро"]:
        expect(page.locator(".lm-MenuBar-itemLabel", has_text=label)).to_be_visible()
    expect(page.locator(".MathJax, mjx-container").first).to_be_attached()
    expect(toolbar_button(page, CHECK)).to_be_visible()
    expect(toolbar_button(page, HAND_IN)).to_be_visible()
    restart_and_run_all(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    expect(errors.first).to_contain_text("Упражнение ещё не решено: функция")
    texts = errors.all_text_contents()
    assert texts and all(text.startswith("✗ Упражнение ещё не решено") and "Traceback" not in text
                         for text in texts), texts
    page.screenshot(path=str(SHOTS / "1-release-stub.png"), full_page=False)


def test_student_view_has_the_panel_and_none_of_nbgraders_english_tools(page, student_lab):
    base = student_lab["base"]
    open_notebook(page, _lab_url(base, f"{LESSON}/{LESSON}.ipynb"))
    assert NBGRADER_MENU not in menu_bar(page)
    expect(page.locator(".validate-button")).to_have_count(0)
    expect(page.locator(PANEL)).to_be_attached()
    page.screenshot(path=str(SHOTS / "2-student-view.png"))
    # Not just hidden: nbgrader's server extensions do not run (formgrader, the Assignment
    # List's and Validate's endpoints).
    for path in ("formgrader", "assignments", "assignments/validate"):
        assert page.request.get(f"{base}/{path}?token={TOKEN}").status == 404, path
    names = {item["name"] for item in page.request.get(f"{base}/api/contents?token={TOKEN}")
             .json()["content"]}
    assert names == {p.name for p in (ROOT / "release").iterdir() if p.is_dir()}, names


def test_jupyterlab_around_the_lesson_speaks_russian(page, student_lab):
    """The menu bar, the notebook's toolbar, the status bar («Ячейка 1/56») and the items of
    the menus a lesson is worked with: no English but the kernel's and the file's names."""
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    page.locator(".jp-Notebook .jp-Cell").first.click()
    # Until the kernel is up the kernel's name reads «No Kernel»: JupyterLab's notebook
    # context makes its session without the translator (README: what stays in English).
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Python 3 (ipykernel)")
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Ячейка 1/")
    folder = student_lab["course"] / "student" / LESSON
    allowed = TECHNICAL | identifiers(*(path.name for path in folder.glob("*.ipynb")))
    seen = {where: page.locator(where).first.inner_text() for where in LAB_CHROME}
    for menu in LESSON_MENUS:
        seen[menu] = " ".join(menu_items(page, menu))
        page.keyboard.press("Escape")
    english = {where: english_words(text, allowed) for where, text in seen.items()}
    assert not any(english.values()), english
    page.screenshot(path=str(SHOTS / "3-russian-lab.png"))


def test_solved_lesson_runs_shows_plots_and_passes_every_visible_check(page, student_lab):
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/solved.ipynb"))
    restart_and_run_all(page)
    expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(page.locator(".jp-OutputArea-output img").nth(5)).to_be_attached(timeout=60_000)
    page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "4-solved-plot.png"))
    lines = check_lesson(page)
    assert [status for _, status, _ in lines] == ["passed"] * 4 + ["answered"] * 3, lines
    summary = page.locator(f"{PANEL} .gd-CoursePanel-summary").inner_text()
    assert "4 из 4" in summary and "скрытых" in summary, summary
    page.screenshot(path=str(SHOTS / "5-check-solved.png"))


def _panel_text(page):
    return page.locator(PANEL).inner_text()


def _allowed(path):
    """Latin words the panel may show for the notebook at ``path``: its code's identifiers
    (the checks name the student's function and its arguments) and the names of the
    notebooks in its folder (the history of submissions lists the ones handed in)."""
    nb = read_nb(path)
    return identifiers(*(p.name for p in path.parent.glob("*.ipynb")),
                       *(c.source for c in nb.cells if c.cell_type == "code"))


def test_the_check_shows_one_line_per_exercise_and_question_in_russian(page, student_lab):
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/three.ipynb"))
    began = time.monotonic()
    lines = check_lesson(page)
    seconds = time.monotonic() - began
    assert [(title, status) for title, status, _ in lines] == [
        (title, status) for _, title, status in THREE_LINES], lines
    wrong = lines[1][2]
    assert wrong.startswith("sgd_update(w, g, lr=0.1): ожидалось") and "вдоль градиента" in wrong
    assert lines[2][2] == "нет ответа"
    text = _panel_text(page)
    assert "Traceback" not in text and "checks.check" not in text
    mine = student_lab["course"] / "student" / LESSON / "three.ipynb"
    assert english_words(text, _allowed(mine)) == [], text
    page.screenshot(path=str(SHOTS / "6-check-three-lines.png"))
    print(f"«{CHECK}» in the browser: {seconds:.1f} s")


def test_hand_in_then_fetch_the_feedback_in_the_panel(page, student_lab):
    course = student_lab["course"]
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    panel = page.locator(PANEL)
    expect(panel).to_contain_text("Этот урок вы ещё не сдавали.")
    message = hand_in(page)
    assert message.startswith(f"Урок {LESSON} сдан: отправлена папка урока"), message
    assert "по всемирному времени" in message and f"{LESSON}.ipynb" in message, message
    expect(panel.locator(".gd-CoursePanel-submission")).to_have_count(1)
    expect(panel).to_contain_text("Отзыва пока нет.")
    page.screenshot(path=str(SHOTS / "8-hand-in.png"))

    release_feedback(course / "exchange", course, LESSON,
                     '<html><head><meta charset="utf-8"></head>'
                     "<body><p>Отзыв: 18 из 20 баллов.</p></body></html>")
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    open_panel(page).get_by_role("button", name=GET_FEEDBACK, exact=True).click()
    result = panel.locator(".gd-CoursePanel-result")
    expect(result).to_contain_text("Отзыв получен: на сдачу", timeout=60_000)
    link = panel.get_by_text(OPEN_FEEDBACK, exact=True)
    expect(link).to_be_visible()
    mine = course / "student" / LESSON / f"{LESSON}.ipynb"
    assert english_words(_panel_text(page), _allowed(mine)) == [], _panel_text(page)
    page.screenshot(path=str(SHOTS / "9-feedback-fetched.png"))
    with page.context.expect_page() as opened:
        link.click()
    feedback = opened.value
    expect(feedback.locator("body")).to_contain_text("Отзыв: 18 из 20 баллов.")
    feedback.close()


def test_without_an_exchange_the_panel_explains_the_upload_and_downloads_the_notebook(
        page, moodle_lab, tmp_path):
    """The Moodle route: «Сдать» in the toolbar opens the panel, which says in Russian how to
    hand the lesson in, and «Скачать ноутбук» saves the lesson and downloads it: the student's
    notebook as it is on disk, with the line they have just typed."""
    mine = moodle_lab["course"] / "student" / LESSON / f"{LESSON}.ipynb"
    open_notebook(page, _lab_url(moodle_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    toolbar_button(page, HAND_IN).click()
    panel = page.locator(PANEL)
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("работы сдают не здесь, а в системе курса")
    expect(panel.locator(".gd-CoursePanel-result")).to_have_count(0)  # no error shown
    text = _panel_text(page)
    assert f"скачайте файл {LESSON}.ipynb" in text and "«Скачать»" in text, text
    assert english_words(text, {"Moodle"} | identifiers(mine.name)) == [], text
    expect(panel.locator(".gd-SubmitButton")).to_have_count(0)
    mark = "# мой ответ: 42"
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n" + mark)
    page.screenshot(path=str(SHOTS / "10-moodle-panel.png"))
    with page.expect_download() as started:
        panel.get_by_role("button", name="Скачать ноутбук", exact=True).click()
    download = started.value
    assert download.suggested_filename == mine.name
    got = tmp_path / download.suggested_filename
    download.save_as(got)
    assert got.read_bytes() == mine.read_bytes()  # saved first, then that file
    downloaded = read_nb(got)
    assert any(mark in cell.source for cell in downloaded.cells if cell.cell_type == "code")
    assert downloaded.cells[0].source.startswith("# Урок 1.")


def test_working_leaves_the_release_as_it_was_and_the_terminal_quiet(student_lab):
    """After the tests above (run in this order): the lessons opened, run and saved."""
    course = student_lab["course"]
    # Not a byte, not a checkpoint more: `git status` and `python -m course check` say what
    # they said before.
    assert tree_hash(course / "release") == student_lab["release"]
    log = student_lab["log"].read_text("utf-8")
    noisy = [line for line in noisy_lines(log) if not EXPECTED.search(line)]
    assert not noisy, log


def test_formgrader_lists_the_lessons(page, instructor_lab):
    page.goto(f"{instructor_lab}/lab?token={TOKEN}")
    items = menu_items(page, FORMGRADER[0])
    assert FORMGRADER[1] in items and "Assignment List" in items, items  # nbgrader's own
    expect(page.locator(PANEL)).to_have_count(0)  # the panel is the student's
    page.goto(f"{instructor_lab}/formgrader?token={TOKEN}")
    expect(page.get_by_text(LESSON).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / "7-formgrader.png"))


def test_every_label_the_readme_quotes_is_in_the_ui(page, student_lab):
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [label for label in README_LABELS if f"«{label}»" not in readme]
    assert not missing, f"README does not quote {missing}"
    # As a student sees them: with the lesson open (without a notebook the kernel menu differs).
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/{LESSON}.ipynb"))
    assert RUN_ALL[1] in menu_items(page, RUN_ALL[0])
    page.keyboard.press("Escape")
    for label in (CHECK, HAND_IN):
        expect(toolbar_button(page, label)).to_be_visible()
    # «Formgrader» and «Получить отзыв»: in the tests above; «Получить урок»: in
    # tests/test_hub.py (here every lesson is in student/ already).


def test_the_lessons_explorer_redraws_when_a_slider_moves(page, student_lab):
    """The explorer at the end of the lesson (ipywidgets) answers a slider in the browser."""
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/solved.ipynb"))
    restart_and_run_all(page)
    steps = page.locator(".widget-slider").filter(has_text="шагов").last
    expect(steps).to_be_visible(timeout=120_000)
    steps.scroll_into_view_if_needed()
    plot = page.locator(".widget-output img").last
    expect(plot).to_be_attached(timeout=60_000)
    before = plot.get_attribute("src")
    readout = steps.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    expect(page.locator(".widget-output img").last).not_to_have_attribute(
        "src", before, timeout=60_000)
    page.screenshot(path=str(SHOTS / "7-explorer.png"))


def _server_line(level, message):
    """``message`` as a Jupyter server logs it (ServerApp's own format and date format)."""
    import logging

    from jupyter_server.serverapp import ServerApp
    from tornado.log import LogFormatter

    app = ServerApp()
    formatter = LogFormatter(fmt=app.log_format, datefmt=app.log_datefmt, color=False)
    record = logging.makeLogRecord({"name": "ServerApp", "levelno": level,
                                    "levelname": logging.getLevelName(level), "msg": message})
    return formatter.format(record)


KERNEL, SESSION = "5f0e6a53-62c4-4a9f-8f5c-0d1b51b9d1d2", "c9f1d4be-4d2e-4b43-9e0f-6b1f7f0b7a11"


def test_the_quiet_log_check_ignores_reconnects_and_nothing_else():
    """The server's warnings about reconnecting clients pass; every other warning or error,
    also an error-level line with a reconnect's words, fails the check."""
    import logging

    reconnects = [f"Replacing stale connection: {KERNEL}:{SESSION}",
                  "WebSocket ping timeout after 119817 ms.",
                  f"Nudge: attempt 10 on kernel {KERNEL}",
                  "zmq message arrived on closed channel"]
    info = [_server_line(logging.INFO, "Kernel started: " + KERNEL),
            _server_line(logging.INFO, "Jupyter Server 2.21.1 is running at:")]
    warned = [_server_line(logging.WARNING, message) for message in reconnects]
    assert noisy_lines("\n".join(warned + info)) == []
    ours = [_server_line(logging.WARNING, f"Timeout waiting for kernel_info reply from {KERNEL}"),
            _server_line(logging.WARNING, "404 GET /api/contents/01_sgd (course@127.0.0.1)"),
            _server_line(logging.WARNING, f"Replacing stale connection: {KERNEL}:{SESSION} !"),
            _server_line(logging.ERROR, f"Replacing stale connection: {KERNEL}:{SESSION}"),
            _server_line(logging.ERROR, "Uncaught exception GET /api/nbgrader/validate"),
            _server_line(logging.CRITICAL, "Shutting down"),
            "[ValidateApp | WARNING] No nbgrader_config.py file found",
            "[IPKernelApp] WARNING | Kernel is running over TCP without encryption.",
            "Traceback (most recent call last):",
            "  Failed to convert value(s) to axis units: 'x' cannot be converted to a float"]
    assert noisy_lines("\n".join(ours)) == ours
