"""The student panel's server side (course/panel): «Проверить урок» gives one line per exercise
and written question and agrees with the lesson's visible checks on the course's known
mistakes; «Сдать» and «Получить отзыв» go through nbgrader's exchange; the shipped build of
the JupyterLab extension is the build of its source."""

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import THREE_LINES, read_nb, release_feedback, three_line_lesson
from nbclient import NotebookClient
from nbformat.v4 import new_markdown_cell

from course.assign.solved import fill_solutions
from course.exercises import ALL, of_lesson
from course.lessons import ROOT, notebook
from course.nbmeta import grade_id, is_experiment
from course.panel import FRONTEND, LABEXTENSION
from course.panel.build import SOURCE_HASH, source_hash
from course.panel.exchange import Exchange, lesson_of, when
from course.panel.lesson import is_answered, plan, title_above
from course.panel.runner import Checker, Outcome, describe

LESSON = "01_sgd"


def _lesson_folder(tmp_path, lesson):
    folder = tmp_path / lesson
    shutil.copytree(ROOT / "release" / lesson, folder)
    return folder


def _solved(lesson):
    return fill_solutions(read_nb(notebook(lesson, "release")), read_nb(notebook(lesson, "source")))


def _check(path):
    async def run():
        checker = Checker()
        try:
            return await checker.check(path)
        finally:
            await checker.pool.close()
    return asyncio.run(run())


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def test_a_title_is_the_last_heading_or_bold_lead_above_the_cell():
    cells = [new_markdown_cell("## 3. Упражнения\n\n### Упражнение 1. Разбиение\n\nТекст."),
             nbformat.v4.new_code_cell("x = 1"),
             new_markdown_cell("## 5. Вопросы\n\n**Вопрос 1 (2 балла).** Найдите η."),
             new_markdown_cell("ВАШ ОТВЕТ ЗДЕСЬ")]
    assert title_above(cells, 2) == "Упражнение 1. Разбиение"
    assert title_above(cells, 3) == "Вопрос 1 (2 балла)"
    assert title_above(cells, 0) == ""


def test_an_answer_counts_only_when_it_differs_from_the_released_stub():
    nb = read_nb(notebook(LESSON, "release"))
    cell = _cell(nb, "question_condition_number")
    assert not is_answered(cell)
    cell.source = "   "
    assert not is_answered(cell)
    cell.source = "η = 2/101, ошибка умножается на 99/101."
    assert is_answered(cell)


def test_the_plan_skips_experiments_and_everything_after_the_last_check():
    nb = read_nb(notebook(LESSON, "release"))
    lesson_plan = plan(nb)
    assert not any(is_experiment(nb.cells[i]) for i in lesson_plan.run)
    last_check = max(i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("test_"))
    assert max(lesson_plan.run) == last_check
    names = [item.name for item in lesson_plan.items if hasattr(item, "name")]
    assert names == [e.name for e in of_lesson(LESSON)]
    loss = next(item for item in lesson_plan.items if getattr(item, "name", "") == "loss_and_grads")
    assert [grade_id(nb.cells[i]) for i in loss.checks] == [
        "test_loss_and_grads", "test_loss_and_grads_numeric", "test_loss_and_grads_hidden"]


@pytest.mark.notebooks
def test_one_wrong_one_right_exercise_and_one_unanswered_question_give_exactly_three_lines(
        tmp_path):
    folder = _lesson_folder(tmp_path, LESSON)
    nbformat.write(three_line_lesson(), str(folder / "mine.ipynb"))

    result = _check(folder / "mine.ipynb")
    got = [(line["kind"], line["title"], line["status"]) for line in result["lines"]]
    assert got == THREE_LINES
    message = result["lines"][1]["message"]
    assert message.startswith("sgd_update(w, g, lr=0.1): ожидалось"), message
    assert "вдоль градиента" in message, message
    assert "Traceback" not in message and "checks." not in message  # no traceback, no source
    assert result["lines"][2]["message"] == "нет ответа"
    assert "1 из 2" in result["summary"] and "скрытых" in result["summary"]


def test_a_failure_is_described_in_russian_without_a_word_of_python_s_english():
    assert describe(Outcome(error=("CheckFailed", "sgd_update: ожидалось 1, а получено 2.\n"))
                    ) == "sgd_update: ожидалось 1, а получено 2."
    syntax = describe(Outcome(error=("SyntaxError", "invalid syntax (line 2)")),
                      "def f(w):\n    return w +\n")
    assert syntax.startswith("синтаксическая ошибка в строке 2"), syntax
    for outcome in (Outcome(error=("TypeError", "unsupported operand type(s) for +")),
                    Outcome(error=("SomeLibraryError", "boom")), Outcome(timeout=True),
                    Outcome(died=True), Outcome(error=("NotImplementedError", ""))):
        text = describe(outcome)
        assert text and not re.search("[A-Za-z]", text), (outcome, text)


def _baseline(nb, folder):
    """The lesson's cells run as grading runs them (experiments skipped), with nbclient:
    {cell index: (ename, evalue)} of the cells that raised."""
    runnable = nbformat.from_dict(nb)
    for cell in runnable.cells:
        if cell.cell_type == "code" and is_experiment(cell):
            cell.source = ""
    NotebookClient(runnable, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return {i: (out["ename"], out["evalue"]) for i, cell in enumerate(runnable.cells)
            if cell.cell_type == "code"
            for out in cell.outputs if out["output_type"] == "error"}


def _with_mistakes(lesson, k):
    """The solved lesson with each exercise's k-th known mistake in its solution cell (the
    right solution where the exercise has fewer); {name: mistake key}."""
    nb, used = _solved(lesson), {}
    for exercise in of_lesson(lesson):
        if k < len(exercise.mistakes):
            used[exercise.name] = exercise.mistakes[k].key
            _cell(nb, exercise.name).source = (
                "from course.exercises import ALL as _ALL\n\n\n"
                f"def {exercise.name}(*args, **kwargs):\n"
                f"    return _ALL[{exercise.name!r}].mistakes[{k}].func(*args, **kwargs)\n")
    return nb, used


def _rounds():
    return [(lesson, k) for lesson in dict.fromkeys(e.lesson for e in ALL.values())
            for k in range(max(len(e.mistakes) for e in of_lesson(lesson)))]


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson,k", _rounds())
def test_the_panel_agrees_with_the_visible_checks_on_every_known_mistake(lesson, k, tmp_path):
    folder = _lesson_folder(tmp_path, lesson)
    nb, used = _with_mistakes(lesson, k)
    nbformat.write(nb, str(folder / "mine.ipynb"))
    errors = _baseline(nb, folder)
    lines = {line["title"]: line for line in _check(folder / "mine.ipynb")["lines"]}
    lesson_plan = plan(nb)
    for exercise in (item for item in lesson_plan.items if hasattr(item, "checks")):
        line = lines[exercise.title]
        first = next((errors[i] for i in (exercise.solution, *exercise.checks) if i in errors),
                     None)
        where = f"{exercise.name} with mistake {used.get(exercise.name, '(none)')}"
        if first is None:
            assert line["status"] == "passed", (where, line)
        else:
            assert line["status"] == "failed", (where, line, first)
            if first[0] in ("CheckFailed", "AssertionError"):
                assert line["message"] == first[1].strip(), where


def test_nbgrader_timestamps_read_in_russian():
    assert when("2026-12-07 01:30:54.151524 UTC") == (
        "7 декабря 2026, 01:30:54 по всемирному времени")
    assert when("не время") == ""
    assert lesson_of("01_sgd/01_sgd.ipynb") == "01_sgd" and lesson_of("x.ipynb") is None


@pytest.fixture
def exchange(tmp_path, monkeypatch):
    """A student's folder with lesson 1 fetched, and nbgrader's exchange in ``tmp_path``."""
    config = tmp_path / "config"
    config.mkdir()
    root = tmp_path / "exchange"
    (config / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'gd-optimizers'\n"
        f"c.Exchange.root = {str(root)!r}\n"
        f"c.Exchange.cache = {str(tmp_path / 'cache')!r}\n", "utf-8")  # not the user's own
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config))
    for name in ("inbound", "outbound", "feedback"):
        (root / "gd-optimizers" / name).mkdir(parents=True)
    shutil.copytree(ROOT / "release" / LESSON, root / "gd-optimizers" / "outbound" / LESSON)
    shutil.copytree(ROOT / "release" / "02_nesterov",
                    root / "gd-optimizers" / "outbound" / "02_nesterov")
    student = tmp_path / "student"
    student.mkdir()
    shutil.copytree(ROOT / "release" / LESSON, student / LESSON)
    # a notebook of the student's own beside the lesson: it is handed in too, gets no feedback
    shutil.copy(student / LESSON / f"{LESSON}.ipynb", student / LESSON / "draft.ipynb")
    monkeypatch.chdir(tmp_path)
    return {"root": root, "student": student, "config": config, "course": tmp_path / "course"}


def test_submit_shows_what_was_sent_and_when_then_the_feedback_is_fetched(exchange):
    panel = Exchange(exchange["student"])
    before = panel.state(LESSON)
    assert before["available"] and before["submissions"] == []
    assert before["fetchable"] == ["02_nesterov"]

    sent = panel.submit(LESSON)
    assert sent["ok"], sent
    assert sent["message"].startswith(f"Урок {LESSON} сдан: отправлена папка урока (ноутбуки "
                                      f"{LESSON}.ipynb, draft.ipynb) — "), sent["message"]
    assert "по всемирному времени" in sent["message"]
    history = sent["state"]["submissions"]
    assert len(history) == 1 and history[0]["when"] in sent["message"]
    assert not history[0]["feedback_ready"] and not sent["state"]["feedback_to_fetch"]

    assert panel.submit(LESSON)["ok"]
    assert len(panel.state(LESSON)["submissions"]) == 2

    release_feedback(exchange["root"], exchange["course"], LESSON,
                     "<html><body>Отзыв: 18 из 20</body></html>")
    assert panel.state(LESSON)["feedback_to_fetch"]
    fetched = panel.fetch_feedback(LESSON)
    assert fetched["ok"] and fetched["message"].startswith("Отзыв получен"), fetched
    pages = [page for s in fetched["state"]["submissions"] for page in s["feedback"]]
    assert len(pages) == 1
    assert "18 из 20" in (exchange["student"] / pages[0]).read_text("utf-8")

    got = panel.fetch("02_nesterov")
    assert got["ok"] and (exchange["student"] / "02_nesterov" / "02_nesterov.ipynb").exists()


def test_without_an_exchange_the_panel_says_so(tmp_path, monkeypatch):
    """A course run through Moodle has no exchange folder: the panel offers the download."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(tmp_path / 'absent')!r}\n", "utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config))
    assert Exchange(tmp_path).state(LESSON) == {"available": False}


def test_the_shipped_labextension_is_built_from_the_current_source():
    recorded = SOURCE_HASH.read_text("utf-8").strip() if SOURCE_HASH.exists() else None
    assert recorded == source_hash(), (
        "course/panel/labextension is older than its source (course/panel/frontend): rebuild "
        "it with `.venv/bin/python -m course.panel.build` and commit the result")
    meta = json.loads((LABEXTENSION / "package.json").read_text("utf-8"))
    assert meta["name"] == "gd-course-panel" and meta["jupyterlab"]["_build"]["load"]
    assert (LABEXTENSION / meta["jupyterlab"]["_build"]["load"]).is_file()
    # scripts/setup.sh installed it where JupyterLab looks for prebuilt extensions
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / meta["name"]
    assert installed.resolve() == LABEXTENSION


def _language_pack():
    """The folder of the official Russian language pack's strings, one JSON file a domain."""
    import jupyterlab_language_pack_ru_RU as pack

    return Path(pack.__file__).parent / "locale" / "ru_RU" / "LC_MESSAGES"


def test_the_russian_supplement_fills_only_what_the_language_pack_lacks():
    """course/panel/frontend/src/ru_RU.json: Russian for JupyterLab strings the pack does not
    translate (or «translates» with the English itself). An entry that the pack has learnt is
    dropped from it: the pack's own wording wins anyway."""
    supplement = json.loads((FRONTEND / "src" / "ru_RU.json").read_text("utf-8"))
    assert supplement["jupyterlab"]["Cell %1/%2"] == ["Ячейка %1/%2"]  # the status bar's
    for domain, strings in supplement.items():
        pack = json.loads((_language_pack() / f"{domain}.json").read_text("utf-8"))
        assert pack[""]["language"] == "ru-RU"
        for msgid, texts in strings.items():
            own = pack.get(msgid)
            assert not own or all(text == msgid for text in own), (
                f"the language pack translates {msgid!r} now: drop it from ru_RU.json")
            english = msgid.split("\x04")[-1]  # "menu\x04Workspaces": the menu's «Workspaces»
            assert len(texts) == 1 and re.search("[а-яё]", texts[0], re.I), (msgid, texts)
            assert sorted(re.findall(r"%\d", texts[0])) == sorted(re.findall(r"%\d", english))
            assert texts[0].endswith("…") == english.endswith("…"), (msgid, texts)


def test_jupyterlab_starts_in_russian_with_the_supplement():
    """The environment's JupyterLab defaults to Russian (scripts/setup.sh writes JupyterLab's
    settings overrides), and its translations come through the panel's connector, which
    replaces JupyterLab's own (the extension's package.json disables that plugin)."""
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    locale = json.loads(overrides.read_text("utf-8"))["@jupyterlab/translation-extension:plugin"]
    assert locale == {"locale": "ru_RU"}
    meta = json.loads((LABEXTENSION / "package.json").read_text("utf-8"))
    assert meta["jupyterlab"]["disabledExtensions"] == [
        "@jupyterlab/translation-extension:translator-connector"]
