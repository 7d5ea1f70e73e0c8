"""The course on a real JupyterHub, end to end, in a browser.

JupyterHub runs hub/jupyterhub_config.py on 127.0.0.1 as a course machine would: the
Python configurable-http-proxy, hub-spawned JupyterLab servers under each user's own system
account (LocalProcessSpawner), nbgrader's file-system exchange in a temporary folder. Only the
authenticator is the testing one (any password). Users: two students, ivanov and petrova, and
the instructor, teacher, whose home holds the course directory.

In headless Chromium each student logs in, fetches the lesson with the course's panel
(«Получить урок»), solves it (ivanov right; petrova first right, then with a wrong
sgd_update), checks it («Проверить урок») and hands it in («Сдать»; petrova twice).
The instructor collects with ``python -m course collect`` (each submission's owner checked
against its student id, real system users here), grades with ``python -m course autograde``,
makes feedback with ``python -m course feedback`` and releases it, with the environment their
hub server has. Each student fetches their own feedback in the panel («Получить отзыв») and
reads the Russian diagnosis.
A student cannot list the exchange's submissions or read another student's files; the students'
servers run with the panel and without nbgrader's tools, the instructor's has formgrader.
Screenshots go to test-artifacts/hub/.

It creates system users, so it needs root. It runs under CI (and fails there when it cannot);
elsewhere it runs with COURSE_HUB_TEST=1 and skips otherwise, saying why.
"""

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest
from helpers import WRONG_SGD, auto_points, read_nb
from jupyter_ui import (
    ARTIFACTS,
    FORMGRADER,
    GET_FEEDBACK,
    GET_LESSON,
    NBGRADER_MENU,
    OPEN_FEEDBACK,
    PANEL,
    check_lesson,
    chromium,
    expect,
    free_port,
    hand_in,
    menu_bar,
    menu_items,
    new_page,
    open_notebook,
    open_panel,
    require,
    require_browser,
    sync_playwright,
)
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import ROOT
from course.nbgrader_apps import environment
from course.nbmeta import marks

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"
COURSE_ID = "gd-optimizers"
STUDENTS = ("ivanov", "petrova")
INSTRUCTOR = "teacher"
SHOTS = ARTIFACTS / "hub"
# The judge's Russian message in the feedback: the failed hidden check and the likely mistake
# (the visible check's code names the same mistake, so the diagnosis alone proves nothing).
FAILED_HIDDEN_CHECK = "не прошла скрытую проверку"
WRONG_SGD_DIAGNOSIS = "шаг сделан вдоль градиента"
BIN = Path(sys.executable).parent


def _hub_prerequisites():
    require(os.environ.get("CI") or os.environ.get("COURSE_HUB_TEST") == "1",
            "creates system users and a JupyterHub: runs under CI or with COURSE_HUB_TEST=1")
    require(os.geteuid() == 0, "needs root (JupyterHub spawns servers as other users)")
    require(shutil.which("useradd") and shutil.which("userdel"), "needs useradd and userdel")
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        require(False, "JupyterHub is not installed (pip install -r requirements-hub.txt)")
    require((BIN / "configurable-http-proxy").exists(),
            "configurable-http-proxy is not installed (pip install -r requirements-hub.txt)")
    require_browser()
    for user in (*STUDENTS, INSTRUCTOR):
        try:
            home = pwd.getpwnam(user).pw_dir
        except KeyError:
            continue
        require(home.startswith(tempfile.gettempdir() + "/course-hub-"),
                f"a system user {user} exists already (not one this test made)")


def _as(user, args, cwd, env=None):
    """Run ``args`` as system ``user`` (like a terminal of theirs); must succeed."""
    info = pwd.getpwnam(user)
    done = subprocess.run(args, cwd=cwd, user=info.pw_uid, group=info.pw_gid, extra_groups=[],
                          env={**(env or {}), "HOME": info.pw_dir, "USER": user},
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{user}: {' '.join(map(str, args))}\n{done.stdout}{done.stderr}"
    return done


def _chown(path, user):
    info = pwd.getpwnam(user)
    for p in [path, *Path(path).rglob("*")]:
        os.chown(p, info.pw_uid, info.pw_gid, follow_symlinks=False)


class Machine:
    """The course machine: system users with homes under ``base``, the exchange, and the
    folders that must let them reach this Python (made traversable for the test only)."""

    def __init__(self, base):
        self.base = base
        self.exchange = base / "exchange"
        self.users = []
        self.opened = {}

    def set_up(self):
        self.base.chmod(0o755)
        self.exchange.mkdir()
        self.exchange.chmod(0o777)  # nbgrader's exchange: every user writes to it
        (self.base / "home").mkdir()
        for user in (*STUDENTS, INSTRUCTOR):
            self.add_user(user)
        # The users run this environment (ROOT/.venv) and its Python, which may lie under
        # /root (pyenv): the folders on the way let them pass until the test ends.
        for place in {ROOT, Path(os.path.realpath(sys.executable)), Path(sys.base_prefix)}:
            for folder in [place, *place.parents]:
                self.let_through(folder)

    def let_through(self, folder):
        if folder.is_dir() and folder not in self.opened:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                self.opened[folder] = mode
                folder.chmod(mode | stat.S_IXOTH)

    def add_user(self, user):
        home = self.base / "home" / user
        try:
            pwd.getpwnam(user)
            subprocess.run(["userdel", user], check=True)  # left by an interrupted run
        except KeyError:
            pass
        subprocess.run(["useradd", "--home-dir", str(home), "--no-create-home", "--user-group",
                        "--shell", "/bin/bash", user], check=True)
        self.users.append(user)
        home.mkdir()
        _chown(home, user)
        home.chmod(0o700)

    def tear_down(self):
        for user in self.users:
            uid = pwd.getpwnam(user).pw_uid
            for proc in psutil.process_iter(["uids"]):
                if proc.info["uids"] and proc.info["uids"].real == uid:
                    proc.kill()
            subprocess.run(["userdel", user])
            try:
                grp.getgrnam(user)
                subprocess.run(["groupdel", user])
            except KeyError:
                pass
        for folder, mode in self.opened.items():
            folder.chmod(mode)


def _start_hub(machine):
    """JupyterHub with the course's configuration; (process, URL)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**environment(), "COURSE_INSTRUCTORS": INSTRUCTOR,
           "COURSE_EXCHANGE": str(machine.exchange)}
    log = open(machine.base / "jupyterhub.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(ROOT / "hub" / "jupyterhub_config.py"),
         f"--JupyterHub.bind_url={url}",
         f"--JupyterHub.hub_bind_url=http://127.0.0.1:{free_port()}",
         f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
         "--JupyterHub.authenticator_class=dummy",
         f"--JupyterHub.db_url=sqlite:///{machine.base / 'jupyterhub.sqlite'}",
         f"--JupyterHub.cookie_secret_file={machine.base / 'jupyterhub_cookie_secret'}"],
        cwd=machine.base, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/hub/api", timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.terminate()
    log = (machine.base / "jupyterhub.log").read_text()
    pytest.fail(f"JupyterHub did not start:\n{log[-3000:]}")


def _server_env(user):
    """The environment of ``user``'s running JupyterLab server, as the hub set it."""
    uid = pwd.getpwnam(user).pw_uid
    for proc in psutil.process_iter(["uids", "cmdline"]):
        if (proc.info["uids"] and proc.info["uids"].real == uid
                and any("jupyterhub-singleuser" in part for part in proc.info["cmdline"] or [])):
            return proc.environ()
    raise AssertionError(f"no server of {user} is running")


def _log_in(browser, hub, user):
    """A page of ``user`` logged in to the hub, in their JupyterLab (started if need be)."""
    page = new_page(browser)
    page.goto(f"{hub}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", "any")
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=180_000)
    expect(page.locator(".lm-MenuBar-itemLabel", has_text="Файл")).to_be_visible()
    return page


def _solve(home, user, source, sgd=None):
    """Write the right answers of the ``source`` notebook (with ``sgd`` as sgd_update if
    given) into ``user``'s lesson, as typing them would."""
    path = home / LESSON / f"{LESSON}.ipynb"
    solved = fill_solutions(read_nb(path), source)
    for cell in solved.cells:
        if sgd and marks(cell).get("grade_id") == "sgd_update":
            cell.source = sgd
    nbformat.write(solved, str(path))
    _chown(path, user)


def _lesson_url(page):
    return f"{page.url.split('/lab')[0].split('/files')[0]}/lab/tree/{LESSON}/{LESSON}.ipynb"


def _student_works(browser, hub, home, user, source, answers):
    """``user`` logs in, fetches the lesson, then per item of ``answers`` (None: right; text:
    that sgd_update) solves, checks and hands it in. The page, left logged in."""
    page = _log_in(browser, hub, user)
    panel = open_panel(page)
    fetch = panel.get_by_role("button", name=f"{GET_LESSON} {LESSON}", exact=True)
    expect(fetch).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / f"{user}-1-panel.png"))
    fetch.click()
    expect(panel.locator(".gd-CoursePanel-result")).to_contain_text(
        f"Урок {LESSON} получен", timeout=60_000)
    assert (home / LESSON / "optkit").is_dir()
    for n, sgd in enumerate(answers, 1):
        _solve(home, user, source, sgd)
        open_notebook(page, _lesson_url(page))
        open_panel(page)
        lines = check_lesson(page)
        failed = [title for title, status, _ in lines if status == "failed"]
        assert failed == (["Упражнение 4. Шаг градиентного спуска"] if sgd else []), lines
        page.screenshot(path=str(SHOTS / f"{user}-2-check-{n}.png"))
        assert hand_in(page).startswith(f"Урок {LESSON} сдан"), user
        expect(panel.locator(".gd-CoursePanel-submission")).to_have_count(n, timeout=60_000)
    page.screenshot(path=str(SHOTS / f"{user}-3-submitted.png"))
    return page


@pytest.fixture(scope="module")
def hub():
    """The whole term on one hub; a dict of what the tests look at."""
    _hub_prerequisites()
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    machine = Machine(Path(tempfile.mkdtemp(prefix="course-hub-")))
    proc = None
    try:
        machine.set_up()
        homes = {user: machine.base / "home" / user for user in (*STUDENTS, INSTRUCTOR)}
        course = homes[INSTRUCTOR] / COURSE_ID
        copy_course(course)
        _chown(course, INSTRUCTOR)
        proc, url = _start_hub(machine)
        with sync_playwright() as p:
            browser = chromium(p)
            teacher = _log_in(browser, url, INSTRUCTOR)
            env = _server_env(INSTRUCTOR)  # what a terminal of the instructor's server has
            nbgrader = [sys.executable, "-m", "nbgrader"]
            _as(INSTRUCTOR, [*nbgrader, "generate_assignment", LESSON, "--force"], course, env)
            _as(INSTRUCTOR, [*nbgrader, "release_assignment", LESSON], course, env)
            source = read_nb(course / "source" / LESSON / f"{LESSON}.ipynb")
            pages = {user: _student_works(browser, url, homes[user], user, source, answers)
                     for user, answers in [("ivanov", [None]), ("petrova", [None, WRONG_SGD])]}
            # the README's command: the course's collect, which checks each submission's owner
            # against its student id (real system users here) and refuses links and the like
            collected = _as(INSTRUCTOR, [sys.executable, "-m", "course", "collect", LESSON,
                                         "--root", str(course)], course, env)
            graded = _as(INSTRUCTOR, [sys.executable, "-m", "course", "autograde", LESSON,
                                      "--root", str(course)], course, env)
            fed = _as(INSTRUCTOR, [sys.executable, "-m", "course", "feedback", LESSON,
                                   "--root", str(course)], course, env)
            _as(INSTRUCTOR, [*nbgrader, "release_feedback", LESSON], course, env)
            feedback = {user: _fetch_feedback(pages[user], homes[user], user)
                        for user in STUDENTS}
            views = {user: _view(pages[user], user) for user in STUDENTS}
            views[INSTRUCTOR] = _instructor_view(teacher)
            forbidden = {user: _try_the_others_work(machine, homes, user) for user in STUDENTS}
            browser.close()
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            scores = {s.student.id: s.score for s in gb.find_assignment(LESSON).submissions}
        log = (machine.base / "jupyterhub.log").read_text("utf-8", "replace")
        yield {"scores": scores, "feedback": feedback, "views": views, "forbidden": forbidden,
               "log": log, "collect": collected.stdout, "autograde": graded.stdout,
               "feedback_cli": fed.stdout,
               "points": auto_points(source),
               "points_wrong_sgd": auto_points(source, exclude="sgd_update")}
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        machine.tear_down()
        if (machine.base / "jupyterhub.log").exists():  # the hub's and the servers' log
            shutil.copy(machine.base / "jupyterhub.log", SHOTS / "jupyterhub.log")
        print(f"hub test: {time.monotonic() - started:.0f} s")
        shutil.rmtree(machine.base, ignore_errors=True)


def _fetch_feedback(page, home, user):
    """«Получить отзыв» in ``user``'s panel; the text of the feedback page they open."""
    open_notebook(page, _lesson_url(page))
    panel = open_panel(page)
    panel.get_by_role("button", name=GET_FEEDBACK, exact=True).click()
    expect(panel.get_by_text(OPEN_FEEDBACK, exact=True).first).to_be_visible(timeout=60_000)
    for _ in range(60):
        found = list((home / LESSON / "feedback").glob(f"*/{LESSON}.html"))
        if found:
            break
        time.sleep(1)
    assert len(found) == 1, found
    base = page.url.split("/lab")[0]
    page.goto(f"{base}/files/{found[0].relative_to(home)}")
    text = page.locator("body").inner_text()
    diagnosis = page.get_by_text(FAILED_HIDDEN_CHECK)
    if diagnosis.count():
        diagnosis.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{user}-4-feedback.png"))
    return text


def _view(page, user):
    """What ``user``'s server offers: the menu bar, the panel and whether formgrader and
    nbgrader's Assignment List answer."""
    base = page.url.split("/lab")[0].split("/files")[0]
    page.goto(f"{base}/lab")
    bar = menu_bar(page)
    page.locator(PANEL).wait_for(state="attached")  # the panel's extension has started
    panel = page.locator(PANEL).count()
    page.screenshot(path=str(SHOTS / f"{user}-5-view.png"))
    return {"menu": bar, "panel": panel, "formgrader": page.request.get(f"{base}/formgrader")
            .status, "assignments": page.request.get(f"{base}/assignments").status}


def _instructor_view(page):
    base = page.url.split("/lab")[0]
    items = menu_items(page, NBGRADER_MENU)
    page.keyboard.press("Escape")
    page.goto(f"{base}/formgrader")
    expect(page.get_by_text(LESSON).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / f"{INSTRUCTOR}-formgrader.png"))
    page.goto(f"{base}/formgrader/manage_submissions/{LESSON}")
    expect(page.get_by_text("petrova").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / f"{INSTRUCTOR}-submissions.png"))
    return {"menu": items, "formgrader": page.request.get(f"{base}/formgrader").status}


def _try_the_others_work(machine, homes, user):
    """What ``user`` gets trying to list the exchange's submissions and feedback, to read the
    other student's lesson and their copy of their submissions, and to list the submissions
    the instructor collected: the errors, by target."""
    other = next(s for s in STUDENTS if s != user)
    targets = {"inbound": machine.exchange / COURSE_ID / "inbound",
               "feedback": machine.exchange / COURSE_ID / "feedback",
               "home": homes[other] / LESSON / f"{LESSON}.ipynb",
               "cache": homes[other] / ".local" / "share" / "jupyter" / "nbgrader_cache",
               "collected": homes[INSTRUCTOR] / COURSE_ID / "submitted"}
    code = ("import os, sys\n"
            "for path in sys.argv[1:]:\n"
            "    try:\n"
            "        os.listdir(path) if os.path.isdir(path) else open(path).read()\n"
            "        print('read')\n"
            "    except OSError as e:\n"
            "        print(type(e).__name__)\n")
    done = _as(user, [sys.executable, "-c", code, *map(str, targets.values())], homes[user])
    return dict(zip(targets, done.stdout.split()))


def test_each_students_last_submission_is_graded(hub):
    assert hub["scores"] == {"ivanov": hub["points"], "petrova": hub["points_wrong_sgd"]}
    assert "Оценено работ: 2" in hub["autograde"]
    assert "Собрано работ: 2" in hub["collect"] and "НЕ собрана" not in hub["collect"]


def test_each_student_reads_their_own_feedback_in_russian(hub):
    petrova, ivanov = hub["feedback"]["petrova"], hub["feedback"]["ivanov"]
    assert FAILED_HIDDEN_CHECK in petrova and WRONG_SGD_DIAGNOSIS in petrova
    assert FAILED_HIDDEN_CHECK not in ivanov
    assert f"Урок {LESSON}: отзывы для 2 студентов" in hub["feedback_cli"]


def test_feedback_shows_no_hidden_check_code(hub):
    for user, text in hub["feedback"].items():
        assert "HIDDEN TESTS" not in text and "course.grading" not in text, user


def test_a_student_cannot_list_or_read_the_others_work(hub):
    for user, result in hub["forbidden"].items():
        assert result == dict.fromkeys(
            ["inbound", "feedback", "home", "cache", "collected"], "PermissionError"), user


def test_students_servers_run_the_panel_without_nbgraders_tools(hub):
    for user in STUDENTS:
        view = hub["views"][user]
        assert NBGRADER_MENU not in view["menu"] and view["panel"] == 1, (user, view)
        assert view["formgrader"] == 404 and view["assignments"] == 404, (user, view)


def test_the_instructors_server_has_formgrader(hub):
    view = hub["views"][INSTRUCTOR]
    assert FORMGRADER[1] in view["menu"]
    assert view["formgrader"] == 200


def test_validate_reads_no_check_cell_as_partial_credit(hub):
    """nbgrader logs this for a test cell that ends in a value (the servers log to the hub's)."""
    assert "cannot be converted to a float" not in hub["log"]
