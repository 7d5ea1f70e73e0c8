"""The course in a real browser, started as a new user starts it: ``bash scripts/lab.sh``.

JupyterLab servers run on 127.0.0.1 from a temporary copy of the course (its scripts, jupyter/
settings and release/; the environment is this one). The student's view works in its own copy
of the lessons, student/; the tests open a lesson there, run and validate it (solved and
wrong), use the Assignment List and check that release/ stays as it was and that the server
printed no warning a student cannot act on. The instructor's view (``lab.sh --instructor``)
has formgrader. Every label the README quotes is looked up in the running UI. Screenshots go
to test-artifacts/browser/. Without Chromium or Playwright the tests skip, except under CI,
where they fail.
"""

import os
import shutil
import subprocess
import time
import urllib.request

import nbformat
import pytest
from nbformat.sign import NotebookNotary

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import marks
from helpers import read_nb, tree_hash
from course.lessons import ROOT
from jupyter_ui import (ARTIFACTS, ASSIGNMENT_LIST, FORMGRADER, README_LABELS, RUN_ALL, SUBMIT,
                        VALIDATE, chromium, expect, free_port, menu_items, new_page, noisy_lines,
                        open_notebook, require_browser, restart_and_run_all, sync_playwright,
                        validate)

SHOTS = ARTIFACTS / "browser"
TOKEN = "course-browser-test"
LESSON = "01_sgd"
pytestmark = pytest.mark.notebooks
# How long JupyterLab may take to start: a ceiling, not an expectation (on 2 cores at load 12.7
# it took 75 s).
START_SECONDS = 300


def _course(tmp):
    """A course as a new user has it: scripts, settings, lessons, and this environment."""
    course = copy_course(tmp)
    for name in ("scripts", "jupyter"):
        shutil.copytree(ROOT / name, course / name)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, course / name)
    (course / ".venv").symlink_to(ROOT / ".venv")
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
    """The student's view; its base URL. Its lesson copy gets a solved and a wrong notebook
    beside the lesson, as a student who solved it would have."""
    release = tree_hash(course / "release")
    proc, base, log = _start_lab(course)
    mine = course / "student" / LESSON
    assert (mine / f"{LESSON}.ipynb").exists() and (mine / "optkit").is_dir()
    source = course / "source" / LESSON / f"{LESSON}.ipynb"  # the copy, as the lesson was built
    filled = fill_solutions(read_nb(mine / f"{LESSON}.ipynb"), read_nb(source))
    notary = NotebookNotary()  # JupyterLab signs the notebooks it saves
    notary.sign(filled)
    nbformat.write(filled, str(mine / "solved.ipynb"))
    for cell in filled.cells:
        if marks(cell).get("grade_id") == "sgd_update":
            cell.source = "def sgd_update(w, grad, lr):\n    return w + lr * grad"
    notary.sign(filled)
    nbformat.write(filled, str(mine / "wrong.ipynb"))
    yield {"base": base, "log": log, "release": release, "course": course}
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
    expect(page.locator(".validate-button").first).to_be_visible()
    restart_and_run_all(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    expect(errors.first).to_contain_text("NotImplementedError")
    texts = errors.all_text_contents()
    assert texts and all("NotImplementedError" in text for text in texts), texts
    page.screenshot(path=str(SHOTS / "1-release-stub.png"), full_page=False)


def test_student_view_runs_without_the_instructor_tools(page, student_lab):
    base = student_lab["base"]
    page.goto(f"{base}/lab?token={TOKEN}")
    items = menu_items(page, ASSIGNMENT_LIST[0])
    assert ASSIGNMENT_LIST[1] in items and FORMGRADER[1] not in items, items
    page.screenshot(path=str(SHOTS / "2-student-menu.png"))
    # Not just hidden: formgrader's server extension does not run.
    assert page.request.get(f"{base}/formgrader?token={TOKEN}").status == 404
    names = {item["name"] for item in page.request.get(f"{base}/api/contents?token={TOKEN}")
             .json()["content"]}
    assert names == {p.name for p in (ROOT / "release").iterdir() if p.is_dir()}, names


def test_assignment_list_shows_the_lessons_of_the_local_exchange(page, student_lab):
    page.goto(f"{student_lab['base']}/lab?token={TOKEN}")
    page.locator(".lm-MenuBar-itemLabel", has_text=ASSIGNMENT_LIST[0]).click()
    page.locator(".lm-Menu-itemLabel", has_text=ASSIGNMENT_LIST[1]).click()
    fetched = page.locator("#fetched_assignments_list .list_item").filter(has_text=LESSON).first
    expect(fetched.get_by_role("button", name=SUBMIT, exact=True)).to_be_visible()
    expect(page.locator("#released_assignments_list_error")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "3-assignment-list.png"))


def test_solved_lesson_runs_shows_plots_and_validates(page, student_lab):
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/solved.ipynb"))
    restart_and_run_all(page)
    expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(page.locator(".jp-OutputArea-output img").nth(5)).to_be_attached(timeout=60_000)
    page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "4-solved-plot.png"))
    dialog = validate(page)
    expect(dialog).to_contain_text("Success")
    page.screenshot(path=str(SHOTS / "5-validate-success.png"))


def test_wrong_answer_fails_validation(page, student_lab):
    open_notebook(page, _lab_url(student_lab["base"], f"{LESSON}/wrong.ipynb"))
    dialog = validate(page)
    expect(dialog).to_contain_text("failed", ignore_case=True)
    expect(dialog).not_to_contain_text("Success")
    # The visible check's Russian message: what was expected and what came.
    message = dialog.get_by_text("ожидалось").last
    expect(message).to_be_attached()
    message.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "6-validate-failure.png"))


def test_working_leaves_the_release_as_it_was_and_the_terminal_quiet(student_lab):
    """After the tests above (run in this order): the lessons opened, run and saved."""
    course = student_lab["course"]
    # Not a byte, not a checkpoint more: `git status` and `python -m course check` say what
    # they said before.
    assert tree_hash(course / "release") == student_lab["release"]
    log = student_lab["log"].read_text("utf-8")
    noisy = [line for line in noisy_lines(log)
             if "GET /formgrader" not in line]  # the 404 asked for above
    assert not noisy, log


def test_formgrader_lists_the_lessons(page, instructor_lab):
    page.goto(f"{instructor_lab}/lab?token={TOKEN}")
    assert FORMGRADER[1] in menu_items(page, FORMGRADER[0])
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
    expect(page.locator(".validate-button").first).to_have_text(VALIDATE)
    # «Assignment List», «Formgrader» and «Submit»: in the tests above; «Fetch» and «Fetch
    # Feedback»: in tests/test_hub.py.


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
