"""The instructor and the class are safe from a submission (issue 19), one class of attack
per fixture: student HTML stays inert, a shared resource exhausted by one submission costs
only that submission, the exchange and ids are not trusted, the scan decides test cells
from source/, a judge error stays in its verdict, hidden cases are drawn per submission.

The batch grades attackers and an honest classmate in one run, with exact points; the
other tests are fast and need no kernel.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import datetime, timedelta, timezone

import nbformat
import pytest
from helpers import auto_points, read_nb, tree_hash
from nbgrader.api import Gradebook

from course import judge
from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.client import answer, runner, wire
from course.exercises import ALL
from course.lessons import ROOT, notebook
from course.nbgrader_apps import run_nbgrader
from course.pipeline import collect, feedback, ids, inert, intake, sandbox, scan, submission
from course.pipeline.autograde import Settings, autograde
from course.pipeline.limits import Limits

LESSON = "01_sgd"
PAYLOAD = "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
UNSAFE = ("text/html", "application/javascript", "image/svg+xml", "text/markdown",
          "text/latex", "application/vnd.jupyter.widget-view+json")


# --- ids (class 4) ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["..", ".", "=HYPERLINK(\"x\")", "+1", "-rf", "@SUM(A1)",
                                  "../../etc", " ", "\t=cmd"])
def test_an_id_made_from_a_name_never_leaves_submitted_nor_is_a_formula(name):
    made = ids.from_name(name)
    assert ids.is_valid(made) and made not in (".", "..")
    assert not made.startswith(ids.FORMULA_START)
    assert ids.csv_cell(name).startswith(("'", *[c for c in name[:1]
                                                 if c not in ids.FORMULA_START]))


def test_intake_of_hostile_folder_names_writes_only_under_submitted(tmp_path):
    src = tmp_path / "moodle.zip"
    text = json.dumps(read_nb(notebook(LESSON, "release")))
    with zipfile.ZipFile(src, "w") as archive:
        archive.writestr(".._101_assignsubmission_file_/01_sgd.ipynb", text)
        archive.writestr("=HYPERLINK(1)_102_assignsubmission_file_/01_sgd.ipynb", text)
        archive.writestr("Иван Иванов_103_assignsubmission_file_/01_sgd.ipynb", text)
    course = tmp_path / "course"
    course.mkdir()
    report = intake.take_in(src, LESSON, course)
    assert sorted(report.accepted) == sorted(["HYPERLINK_1", ids.NO_NAME, "Иван_Иванов"])
    written = {p.relative_to(course).parts[0] for p in course.rglob("*")}
    # the submissions, their records and Moodle's participant numbers (in the gradebook)
    assert written <= {"submitted", submission.LEDGER, "gradebook.db"}
    assert all(ids.is_valid(p.name) for p in (course / "submitted").iterdir())


# --- the exchange (class 3) ------------------------------------------------------------

def _entry(inbound, student, stamp, owner, files=None):
    folder = inbound / f"{student}+{LESSON}+{stamp}+abc123"
    folder.mkdir(parents=True)
    for name, text in (files or {f"{LESSON}.ipynb": "{}", "timestamp.txt": stamp}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, owner, owner)
    return folder


@pytest.mark.skipif(os.getuid() != 0, reason="files of other owners need root (CI is root)")
def test_collect_refuses_links_foreign_owners_future_times_deep_folders_and_bad_ids(tmp_path):
    import pwd

    nobody = pwd.getpwnam("nobody").pw_uid
    exchange, course = tmp_path / "exchange", tmp_path / "course"
    inbound = exchange / "gd-optimizers" / "inbound"
    now = datetime.now(timezone.utc)
    stamp = (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    future = (now + timedelta(days=3650)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    secret = tmp_path / "source.ipynb"
    secret.write_text("решения преподавателя")
    honest = _entry(inbound, "nobody", stamp, nobody)
    # a symlink to a file the student cannot read, in place of the notebook
    linked = _entry(inbound, "nobody", (now - timedelta(minutes=5)).strftime(
        "%Y-%m-%d %H:%M:%S.%f UTC"), nobody, {"timestamp.txt": "x"})
    (linked / f"{LESSON}.ipynb").symlink_to(secret)
    # a classmate's name (root's account) on a folder the attacker owns, far in the future
    _entry(inbound, "root", future, nobody)
    _entry(inbound, "daemon", stamp, nobody)
    deep = {"/".join(["d"] * 30) + "/x.txt": "x", f"{LESSON}.ipynb": "{}"}
    _entry(inbound, "bin", stamp, pwd.getpwnam("bin").pw_uid, deep)
    _entry(inbound, "=cmd", stamp, nobody)
    before = tree_hash(exchange)
    done = collect.collect(exchange, "gd-optimizers", LESSON, course)
    assert list(done.accepted) == ["nobody"]
    assert (course / "submitted" / "nobody" / LESSON / f"{LESSON}.ipynb").read_text() == "{}"
    assert "решения" not in "".join(p.read_text() for p in course.rglob("*") if p.is_file())
    said = json.dumps(done.notes, ensure_ascii=False)
    for words in ("время сдачи в будущем", "владелец — не студент", "вложенность папок больше",
                  "имя студента недопустимо"):
        assert words in said, said
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["nobody"]
    assert tree_hash(exchange) == before and honest.exists()


# --- the judge (classes 7 and 8) -------------------------------------------------------

def _forged_huge(name, seed=None):
    """The reference's answer with every gradient a number too large for a float."""
    text = answer.respond(ALL[name].reference, judge.cases_text(name, seed), wire, runner)
    return text.replace('"plain": 0.5', '"plain": 1' + "0" * 400), text


def test_a_number_too_large_for_a_float_fails_its_verdict_only():
    name = "loss_and_grads"
    runs = json.loads(answer.respond(ALL[name].reference, judge.cases_text(name), wire,
                                     runner))
    # the gradient of W1 in the first case: a (k, n) nested list of huge integers
    first = runs[0][0]["dict"]["outputs"]["seq"][0]["seq"][1]["dict"]
    first["W1"] = {"seq": [{"seq": [{"plain": 10 ** 400}] * 3, "tuple": False}] * 4,
                   "tuple": False}
    verdict = judge.judge(name, json.dumps(runs))
    assert not verdict.passed and f"Функция {name} не" in verdict.message
    assert judge.judge("sgd_update", answer.respond(ALL["sgd_update"].reference,
                                                    judge.cases_text("sgd_update"), wire,
                                                    runner)).passed


def test_hidden_cases_are_drawn_per_submission_and_the_same_on_a_regrade():
    for name in ALL:
        if name == "capstone_choice":
            continue  # a choice has no inputs
        assert judge.cases_text(name, 1) == judge.cases_text(name, 1)
        assert judge.cases_text(name, 1) != judge.cases_text(name, 2), name
        text = answer.respond(ALL[name].reference, judge.cases_text(name, 7), wire, runner)
        verdict = judge.judge(name, text, 7)
        assert verdict.passed and verdict.seed == 7 and verdict.to_dict()["seed"] == 7
        if ALL[name].verdict is None:  # (minibatch_indices is graded on properties)
            # the answer to another submission's cases does not pass
            assert not judge.judge(name, text, 8).passed
    one = judge.submission_seed(b"k", "ivanov", LESSON, b"nb")
    assert one == judge.submission_seed(b"k", "ivanov", LESSON, b"nb")
    assert one != judge.submission_seed(b"k", "ivanov", LESSON, b"nb2")
    assert one != judge.submission_seed(b"other", "ivanov", LESSON, b"nb")


# --- inert content (class 1), without a browser ----------------------------------------

def test_only_plain_text_and_real_png_outputs_are_kept():
    data = {"text/plain": "1", "text/html": PAYLOAD, "application/javascript": "alert(1)",
            "image/svg+xml": "<svg onload=alert(1)>", "text/markdown": PAYLOAD}
    assert inert.safe_data(data) == {"text/plain": "1"}
    assert inert.safe_data({"image/png": 'x" onerror="alert(1)'}) == {}
    assert inert.safe_data({"image/png": "iVBORw0KGgo="}) == {"image/png": "iVBORw0KGgo="}
    page = feedback.render_markdown(
        "Мой ответ " + PAYLOAD + " [ссылка](javascript:alert(1)) $x<y$")
    assert "<script" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page


def test_hidden_test_markers_in_a_students_cell_do_not_break_feedback():
    from nbgrader.preprocessors import ClearHiddenTests

    from course.pipeline.preprocessors import DisarmStudentMarkers

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1  ### BEGIN HIDDEN TESTS"),
        nbformat.v4.new_markdown_cell("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS")])
    nb, _ = DisarmStudentMarkers().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    assert "HIDDEN" in nb.cells[0].source


# --- the batch: attackers and an honest classmate in one run ---------------------------

ADDED = {
    # class 1: a script in every kind of output, and in an updated display
    "html": "from IPython.display import display, HTML, Javascript, SVG, Markdown\n"
            f"display(HTML({PAYLOAD!r}))\ndisplay(Javascript('window.pwned = 3'))\n"
            "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "onload=\"window.pwned=4\"/>'))\n"
            f"display(Markdown({PAYLOAD!r}))\n"
            "h = display(HTML('x'), display_id=True)\n"
            f"h.update(HTML({PAYLOAD!r}))\nprint('готово')",
    # class 2: /tmp filled past its size, the work folder filled, threads, huge updates
    "tmpfill": "blk = b'x' * 2 ** 20\ntry:\n    with open('/tmp/fill', 'wb') as f:\n"
               "        for _ in range(3000):\n            f.write(blk)\n"
               "except OSError as e:\n    print('место кончилось', e.errno)",
    "diskfill": "import os\nblk = b'x' * 2 ** 20\nfor i in range(400):\n"
                "    with open(f'fill{i}', 'wb') as f:\n"
                "        for _ in range(100):\n            f.write(blk)",
    "threads": "import threading, time\nts = [threading.Thread(target=time.sleep, args=(30,)) "
               "for _ in range(300)]\nfor t in ts:\n    t.start()\ntime.sleep(30)",
    "displays": "from IPython.display import display, update_display\n"
                "display('x', display_id='d')\nfor _ in range(16):\n"
                "    update_display('y' * 8 * 2 ** 20, display_id='d')",
    # class 6: a cell forging test marks (autograde runs it; the scan must read it)
    "forged": "import ctypes\nx = 1",
    # class 7: the answer to loss_and_grads forged with a number too large for a float
    "overflow": "import json\n_real = json.dumps\n"
                "def _forge(obj, *a, **k):\n    text = _real(obj, *a, **k)\n"
                "    return text.replace('\"plain\": 12345.0', '\"plain\": 1' + '0' * 400)\n"
                "json.dumps = _forge\n"
                "def loss_and_grads(params, X, y):\n"
                "    return 0.0, {k: [[12345.0] * v.shape[1]] * v.shape[0] "
                "for k, v in params.items()}",
    # class 8: the inputs of the hidden checks, recorded and printed in a later cell
    "printer": "import numpy as np\n_seen = []\n_real_sgd = sgd_update\n"
               "def sgd_update(w, grad, lr):\n    _seen.append(np.asarray(w).tolist())\n"
               "    return _real_sgd(w, grad, lr)",
}


def _add(nb, code, after=None, marks=None):
    nb = nbformat.from_dict(nb)
    index = len(nb.cells)
    if after:
        index = 1 + next(i for i, c in enumerate(nb.cells)
                         if c.metadata.get("nbgrader", {}).get("grade_id") == after)
    cell = nbformat.v4.new_code_cell(code)
    if marks:
        cell.metadata["nbgrader"] = marks
    nb.cells.insert(index, cell)
    return nb


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    if not sandbox.available():
        if os.environ.get("CI"):
            raise AssertionError("bubblewrap (bwrap) is required in CI")
        pytest.skip("нет песочницы bubblewrap")
    course = copy_course(tmp_path_factory.mktemp("course"))
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    perfect = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    submissions = {"honest": perfect}
    for name, code in ADDED.items():
        if name == "forged":
            # after the real cell: autograde drops the copy's marks and runs it as it is
            submissions[name] = _add(perfect, code, after="test_sgd_update_hidden", marks={
                "grade": True, "solution": False, "grade_id": "test_sgd_update_hidden",
                "points": 1, "locked": True})
        elif name == "overflow":
            submissions[name] = _add(perfect, code, after="loss_and_grads")
        else:
            submissions[name] = _add(perfect, code, after="forward")
    submissions["printer"] = _add(submissions["printer"], "print(_seen)")
    for cell in submissions["html"].cells:  # a written answer with a script in it
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "Мой ответ. " + PAYLOAD
    # class 4: folders put into submitted/ by hand, named to become a formula or markup
    submissions.update({"=1+1": perfect, "<img src=x onerror=alert(1)>": perfect})
    for student, nb in submissions.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    before = tree_hash(course / "submitted")
    settings = Settings(jobs=2, limits=Limits(cell_timeout=40, notebook_timeout=300,
                                              disk_mb=64))
    outcomes = {o.student: o for o in autograde(course, [LESSON], settings=settings)}
    return course, outcomes, before


def _score(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(LESSON, student).score


def _points(exclude=None):
    return auto_points(read_nb(notebook(LESSON, "source")), exclude)


def test_attackers_get_exactly_their_points_and_the_honest_classmate_all(batch):
    course, outcomes, before = batch
    expected = {"honest": _points(), "html": _points(), "tmpfill": _points(),
                "diskfill": _points(), "threads": _points(), "displays": _points(),
                "forged": _points(), "overflow": _points(exclude="loss_and_grads"),
                "printer": _points()}
    assert {s: _score(course, s) for s in outcomes if ids.is_valid(s)} == expected
    assert tree_hash(course / "submitted") == before


def test_a_folder_not_named_as_a_student_is_not_graded_nor_recorded(batch):
    course, outcomes, _ = batch
    for student in ("=1+1", "<img src=x onerror=alert(1)>"):
        assert "работа не оценивалась" in " ".join(outcomes[student].notes)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert all(ids.is_valid(s.id) for s in gb.students)


def _graded(course, student):
    return read_nb(course / "autograded" / student / LESSON / f"{LESSON}.ipynb")


def test_no_markup_of_a_student_is_stored(batch):
    course, _, _ = batch
    for student in ("html", "honest"):
        kinds = {mime for c in _graded(course, student).cells if c.cell_type == "code"
                 for out in c.outputs for mime in out.get("data", {})}
        assert not kinds & set(UNSAFE), kinds
    assert "готово" in json.dumps([c.get("outputs") for c in _graded(course, "html").cells],
                                  ensure_ascii=False)


def test_resources_cost_only_the_submission_that_took_them(batch):
    course, outcomes, _ = batch
    said = {s: " ".join(o.notes) for s, o in outcomes.items()}
    assert "место кончилось 28" in json.dumps(
        [c.get("outputs") for c in _graded(course, "tmpfill").cells], ensure_ascii=False)
    assert "записала в папку работы больше" in said["diskfill"]
    assert "превысила предел памяти или числа процессов" in said["threads"]
    sizes = [len(json.dumps(c.get("outputs"))) for c in _graded(course, "displays").cells]
    assert max(sizes) < 30 * 2 ** 20
    assert outcomes["honest"].notes == []


def test_the_scan_reads_a_cell_that_forges_test_marks(batch):
    course, _, _ = batch
    found = scan.scan_folder(course / "submitted" / "forged" / LESSON, LESSON)
    assert "импортирует ctypes (доступ к памяти интерпретатора)" in found


def test_verdicts_record_each_submissions_seed(batch):
    course, _, _ = batch
    verdicts = {pair: r.verdicts for pair, r in submission.load_all(course).items()}
    seeds = {student: {v["seed"] for v in verdicts[(student, LESSON)]}
             for student in ("honest", "printer")}
    assert all(len(s) == 1 and None not in s for s in seeds.values())
    assert seeds["honest"] != seeds["printer"]
    overflow = {v["exercise"]: v for v in verdicts[("overflow", LESSON)]}
    assert "не" in overflow["loss_and_grads"]["message"]
    assert not overflow["loss_and_grads"]["passed"] and overflow["sgd_update"]["passed"]


# --- in a real browser (class 1): no script of a student runs on our pages ------------

def _pwned(browser, url, click=None):
    """``window.pwned`` after loading ``url`` in Chromium (None: no payload ran)."""
    from jupyter_ui import new_page

    page = new_page(browser)
    try:
        page.goto(url)
        page.wait_for_timeout(1500)
        if click:
            page.click(click)
            page.wait_for_timeout(500)
        return page.evaluate("window.pwned"), page.content()
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def browser():
    from jupyter_ui import chromium, require_browser, sync_playwright

    require_browser()
    with sync_playwright() as p:
        browser = chromium(p)
        yield browser
        browser.close()


def test_no_script_of_a_student_runs_on_the_feedback_page(batch, browser, tmp_path):
    course, _, _ = batch
    done = subprocess.run([sys.executable, "-m", "course", "feedback", LESSON, "--root",
                           str(course)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = course / "feedback" / "html" / LESSON / f"{LESSON}.html"
    pwned, shown = _pwned(browser, page.as_uri())
    assert pwned is None and "Мой ответ." in shown and "готово" in shown
    assert 'http-equiv="Content-Security-Policy"' in page.read_text("utf-8")
    # markup that got past the sanitising would still not run: the page's policy blocks it
    poisoned = tmp_path / "poisoned.html"
    poisoned.write_text(page.read_text("utf-8").replace("<body>", "<body>" + PAYLOAD.replace(
        "<script>", "<script>window.pwned = 5;") + "<a id='go' href='javascript:window.pwned"
        " = 6'>x</a>", 1), "utf-8")
    assert _pwned(browser, poisoned.as_uri(), click="#go")[0] is None


def test_no_script_of_a_student_runs_on_the_formgrader_page(batch, browser):
    from jupyter_ui import free_port

    course, _, _ = batch
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(LESSON, LESSON, "html").id
    port, token = free_port(), "course-attacks-test"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")},
           "JUPYTER_CONFIG_PATH": os.pathsep.join(
               str(ROOT / "jupyter" / view) for view in ("common", "local"))}
    log = course / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         *(["--allow-root"] if os.getuid() == 0 else [])], cwd=course,
        env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the Jupyter server did not start: {log.read_text()[-2000:]}")
        url = f"{base}/formgrader/submissions/{submission}/?token={token}"
        pwned, shown = _pwned(browser, url)
        assert "Мой ответ." in shown and "готово" in shown, log.read_text()[-2000:]
        assert pwned is None
        _works_offline(browser, url)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _works_offline(browser, url):
    """formgrader's grading page asks nothing of the internet (no MathJax from a CDN), its
    formulas are typeset all the same (MathML), and its script starts up without errors
    (formgrade.js marks MathJax loaded at the end of its start-up)."""
    from jupyter_ui import new_page

    page = new_page(browser)
    outside, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def local_only(route):
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    try:
        page.goto(url)
        page.wait_for_function("window.MathJax && window.MathJax.loaded === true", timeout=15000)
        assert page.locator("math").count() > 10
    finally:
        page.context.close()
    assert outside == [] and errors == []


def test_the_watchdog_counts_threads_not_processes():
    import threading

    from course.pipeline import execute

    def threads():
        return sum(p.threads for p in execute._sandbox_tree(os.getpid()).values())

    stop = threading.Event()
    before = threads()
    started = [threading.Thread(target=stop.wait) for _ in range(5)]
    for thread in started:
        thread.start()
    try:
        assert threads() == before + 5
    finally:
        stop.set()
