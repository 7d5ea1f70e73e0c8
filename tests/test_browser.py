"""The course in a real browser: JupyterLab in Russian for students, formgrader for instructors.

Headless Chromium from Debian, driven by Playwright, against JupyterLab servers these tests
start on 127.0.0.1 and stop. Screenshots go to test-artifacts/browser/. Without Chromium or
Playwright the tests skip, except under CI, where they fail.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from conftest import copy_course, fill_solutions, nbgrader_meta, read_nb, run_nbgrader
from course.lessons import ROOT, notebook

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
TOKEN = "course-browser-test"
LESSON = "01_sgd"
pytestmark = pytest.mark.notebooks


def _require(condition, reason):
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)


try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(cwd, root_dir, tmp, extra_env=None):
    """A JupyterLab server on 127.0.0.1; returns (process, base URL)."""
    port = _free_port()
    env = {**os.environ, "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           **(extra_env or {})}
    log = open(tmp / f"lab-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root_dir}", "--LabApp.news_url=None", "--allow-root"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            return proc, base
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.terminate()
    pytest.fail(f"JupyterLab did not start: {(tmp / f'lab-{port}.log').read_text()[-2000:]}")


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    _require(sync_playwright is not None, "Playwright is not installed (pip install playwright)")
    _require(os.path.exists(CHROMIUM), "Chromium is not installed (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A temporary course with the lesson built, a filled-in copy and a wrong copy."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    filled = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    nbformat.write(filled, str(course / "release" / LESSON / "solved.ipynb"))
    for cell in filled.cells:
        if nbgrader_meta(cell).get("grade_id") == "sgd_update":
            cell.source = "def sgd_update(w, grad, lr):\n    return w + lr * grad"
    nbformat.write(filled, str(course / "release" / LESSON / "wrong.ipynb"))
    return course


@pytest.fixture(scope="module")
def student_lab(course_copy, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("student-lab")
    proc, base = _start_lab(course_copy, course_copy / "release", tmp,
                            {"JUPYTER_CONFIG_PATH": str(ROOT / "jupyter" / "student")})
    yield base
    _stop(proc)


@pytest.fixture(scope="module")
def instructor_lab(course_copy, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("instructor-lab")
    proc, base = _start_lab(course_copy, course_copy, tmp)
    yield base
    _stop(proc)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open_notebook(page, base, path):
    """Open ``path`` alone in a workspace of its own (no tabs restored from other tests)."""
    workspace = path.replace("/", "-").replace(".", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?reset&token={TOKEN}")
    page.locator(".jp-Notebook").first.wait_for()
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=60_000)


def _run_all(page):
    page.locator(".jp-Notebook .jp-Cell:visible").first.click()  # activate the notebook
    page.locator(".lm-MenuBar-itemLabel", has_text="Выполнить").click()
    page.locator(".lm-Menu-itemLabel", has_text="Запустить все ячейки").first.click()
    page.wait_for_timeout(1000)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=120_000)


def _validate(page):
    page.locator(".validate-button").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=120_000)
    expect(dialog).not_to_contain_text("Validating", timeout=120_000)
    return dialog


def test_release_lesson_opens_in_russian_and_stops_at_the_first_stub(page, student_lab):
    _open_notebook(page, student_lab, f"{LESSON}/{LESSON}.ipynb")
    expect(page.locator(".jp-RenderedMarkdown h1").first).to_contain_text("Урок 1.")
    for label in ["Файл", "Редактировать", "Просмотр", "Выполнить", "Ядро"]:
        expect(page.locator(".lm-MenuBar-itemLabel", has_text=label)).to_be_visible()
    expect(page.locator(".MathJax, mjx-container").first).to_be_attached()
    expect(page.locator(".validate-button").first).to_be_visible()
    _run_all(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    expect(errors.first).to_contain_text("NotImplementedError")
    texts = errors.all_text_contents()
    assert texts and all("NotImplementedError" in text for text in texts), texts
    page.screenshot(path=str(ARTIFACTS / "1-release-stub.png"), full_page=False)


def test_student_view_hides_the_instructor_tools(page, student_lab):
    page.goto(f"{student_lab}/lab?token={TOKEN}")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    menu = page.locator(".lm-Menu").last
    expect(menu).to_contain_text("Assignment List")
    expect(menu).not_to_contain_text("Formgrader")
    page.screenshot(path=str(ARTIFACTS / "2-student-menu.png"))


def test_solved_lesson_runs_shows_plots_and_validates(page, student_lab):
    _open_notebook(page, student_lab, f"{LESSON}/solved.ipynb")
    _run_all(page)
    expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
           ).to_have_count(0)
    expect(page.locator(".jp-OutputArea-output img").nth(5)).to_be_attached(timeout=60_000)
    page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "3-solved-plot.png"))
    dialog = _validate(page)
    expect(dialog).to_contain_text("Success")
    page.screenshot(path=str(ARTIFACTS / "4-validate-success.png"))


def test_wrong_answer_fails_validation(page, student_lab):
    _open_notebook(page, student_lab, f"{LESSON}/wrong.ipynb")
    dialog = _validate(page)
    expect(dialog).to_contain_text("failed", ignore_case=True)
    expect(dialog).not_to_contain_text("Success")
    page.screenshot(path=str(ARTIFACTS / "5-validate-failure.png"))


def test_formgrader_lists_the_lessons(page, instructor_lab):
    page.goto(f"{instructor_lab}/formgrader?token={TOKEN}")
    expect(page.get_by_text(LESSON).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "6-formgrader.png"))
