"""The feedback page a student reads: Russian labels, the check's message without
«AssertionError:», long lines wrapped, and formulas typeset in a browser with no network
(MathML made when the page is generated; nbgrader's page loaded MathJax from a CDN)."""

import nbformat
import pytest
from helpers import read_nb
from jupyter_ui import chromium, require_browser, sync_playwright
from nbconvert.exporters import HTMLExporter
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from course.__main__ import main
from course.assign.assignment import copy_course
from course.assign.solved import fill_solutions
from course.lessons import ROOT, notebook
from course.nbgrader_apps import autograde_in_process
from course.nbmeta import marks
from course.pipeline.preprocessors import HideHiddenTracebacks

LESSON = "01_sgd"
ENGLISH = ("Score", "Test cell", "Written response", "Student's answer", "Grade cell",
           "Comments", "(Top)", "AssertionError")
COMMENT = "Верно, но оцените $\\kappa = \\lambda_{\\max} / \\lambda_{\\min}$ для $A$."


def _config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_a_failed_checks_message_is_shown_without_its_exception_name():
    cell = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\n...\n### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue="Ошибка.",
                                           traceback=["код проверки"]),
                    nbformat.v4.new_output("error", ename="NameError", evalue="name 'x'",
                                           traceback=["..."])]
    HideHiddenTracebacks().preprocess_cell(cell, {}, 0)
    assert [o.traceback for o in cell.outputs] == [["Ошибка."], ["NameError: name 'x'"]]


def test_formgrader_renders_formulas_as_mathml_too():
    """The course's config gives every HTMLExporter (formgrader's too) the MathML filter."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Шаг $w - \\eta g$.")])
    html, _ = HTMLExporter(config=_config(), template_name="lab").from_notebook_node(nb)
    assert "<math" in html and "$w" not in html


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory):
    """The feedback page of a solved lesson whose first written answer was graded by hand
    with a comment holding formulas."""
    course = copy_course(tmp_path_factory.mktemp("feedback") / "course")
    from course.assign import assignment

    assignment.register(LESSON, course)
    perfect = fill_solutions(read_nb(notebook(LESSON, "release")),
                             read_nb(notebook(LESSON, "source")))
    folder = course / "submitted" / "ivanov" / LESSON
    folder.mkdir(parents=True)
    nbformat.write(perfect, str(folder / f"{LESSON}.ipynb"))
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    autograde_in_process(course, [])
    written = next(marks(c)["grade_id"] for c in perfect.cells
                   if c.cell_type == "markdown" and marks(c).get("solution"))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(written, LESSON, LESSON, "ivanov")
        grade.manual_score, grade.needs_manual_grade = 1.5, False
        gb.find_comment(written, LESSON, LESSON, "ivanov").manual_comment = COMMENT
        gb.db.commit()
    main(["feedback", LESSON, "--root", str(course)])
    return course / "feedback" / "ivanov" / LESSON / f"{LESSON}.html"


@pytest.mark.notebooks
def test_the_feedback_page_is_russian_and_loads_nothing_from_the_network(feedback_page):
    html = feedback_page.read_text("utf-8")
    assert "Ваш ответ" in html and "Проверка <code>sgd_update</code>" in html
    assert "Комментарий преподавателя" in html and "Баллы: 1,5 из 2" in html
    assert not [word for word in ENGLISH if word in html]
    assert "cdnjs" not in html and "<script src=\"http" not in html


@pytest.mark.notebooks
def test_formulas_are_typeset_offline_and_long_lines_wrap(feedback_page, tmp_path):
    require_browser()
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            page = browser.new_context(offline=True, viewport={"width": 900, "height": 900}
                                       ).new_page()
            page.goto(feedback_page.as_uri())
            seen = page.evaluate("""() => {
                const maths = [...document.querySelectorAll('math')];
                return {maths: maths.length,
                        drawn: maths.filter(m => m.getBoundingClientRect().width > 0).length,
                        raw: [...document.querySelectorAll('.rendered_html')]
                             .filter(e => e.innerText.includes('$')).length,
                        wide: document.documentElement.scrollWidth
                              > document.documentElement.clientWidth,
                        comment: document.querySelector('.panel-footer').innerText,
                        comment_maths: document.querySelectorAll('.panel-footer math').length};
            }""")
            page.screenshot(path=str(tmp_path / "feedback.png"), full_page=False)
        finally:
            browser.close()
    assert seen["maths"] > 50 and seen["drawn"] == seen["maths"]
    assert seen["raw"] == 0 and not seen["wide"]
    assert seen["comment_maths"] == 2 and "$" not in seen["comment"]
    assert "\\kappa" not in seen["comment"]
