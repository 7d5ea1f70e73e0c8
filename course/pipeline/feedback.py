"""What the student's feedback page is made of, beyond nbgrader's: formulas as MathML and a
Russian template.

Formulas: nbconvert leaves ``$…$`` in the HTML for MathJax, which nbgrader's templates load
from a CDN (nbconvert's base/mathjax.html.j2): offline every formula stayed raw TeX, and
JupyterLab's HTML viewer runs no script until the page is trusted. ``markdown2html`` renders
the math of markdown cells to MathML (latex2mathml) when the page is made, which browsers
draw themselves (Chromium from 109, Firefox, Safari): no script, no network. It is
registered for nbconvert's HTMLExporter in nbgrader_config.py, so formgrader's pages get
it as well.

Template: ``templates/ru_feedback`` extends nbgrader's ``feedback`` template with Russian
labels, wrapped long lines and no MathJax script.
"""

from html import escape
from pathlib import Path

import jinja2
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "ru_feedback"
FORMGRADE_TEMPLATE = "course_formgrade"  # formgrader's grading page without MathJax's CDN


def _formgrader():
    import nbgrader

    return Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"


def template_dirs():
    """Where nbconvert finds ``TEMPLATE``, ``FORMGRADE_TEMPLATE`` and the nbgrader templates
    they extend (``feedback``, ``formgrade``)."""
    return [str(TEMPLATES), str(_formgrader() / "templates")]


def template_paths():
    """Folders nbconvert searches as they are: nbgrader's templates (``feedback/…``, which
    ``TEMPLATE`` extends by name) and the bootstrap CSS that GenerateFeedback adds."""
    return [str(_formgrader() / "templates"),
            str(_formgrader() / "static" / "node_modules" / "bootstrap" / "dist" / "css")]


def mathml(tex, display=False):
    """MathML for the TeX ``tex`` (a formula that does not convert is shown as its TeX)."""
    from latex2mathml.converter import convert

    try:
        return convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 (latex2mathml raises many kinds on TeX it lacks)
        return f"<code>{escape(tex)}</code>"


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with formulas as MathML instead of ``$…$`` text."""

    def block_math(self, body):
        return mathml(body, display=True)

    def inline_math(self, body):
        return mathml(body)

    def latex_environment(self, name, body):
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


def render_markdown(source, attachments=None, path=""):
    """Markdown to HTML as nbconvert does it, but formulas as MathML (``MathMLRenderer``),
    raw HTML escaped and links of harmful protocols (``javascript:``, ``data:``…) removed:
    what a student wrote stays inert (``course.pipeline.inert``)."""
    renderer = MathMLRenderer(escape=True, allow_harmful_protocols=False,
                              attachments=attachments or {}, path=path)
    try:
        return MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # noqa: BLE001 (e.g. a missing attachment: the text, shown as text)
        return f"<pre>{escape(source)}</pre>"


@jinja2.pass_context
def markdown2html(context, source):
    """nbconvert's ``markdown2html`` filter, replaced: ``render_markdown`` with the cell's
    attachments."""
    return render_markdown(source, context.get("cell", {}).get("attachments", {}),
                           context.get("resources", {}).get("metadata", {}).get("path", ""))


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTMLExporter for ``nbgrader generate_feedback`` (its own config section,
    ``FeedbackExporter``, names the template; formgrader's HTMLExporter keeps its own)."""


def unreadable(root, lesson):
    """The students whose submission of ``lesson`` the gradebook scored without a graded
    notebook in autograded/ (autograde gives an unreadable file 0 points that way)."""
    from nbgrader.api import Gradebook, MissingEntry

    path = Path(root) / "gradebook.db"
    if not path.is_file():
        return []
    with Gradebook(f"sqlite:///{path}") as gb:
        try:
            students = [s.student.id for s in gb.find_assignment(lesson).submissions]
        except MissingEntry:
            return []
    return sorted(s for s in students
                  if (Path(root) / "submitted" / s / lesson).is_dir()
                  and not (Path(root) / "autograded" / s / lesson).is_dir())


def ungraded_page(root, student, lesson, reasons):
    """Write the feedback page of a submission that could not be graded (an empty or
    broken file: autograde recorded 0 points and left no notebook for nbgrader to turn into
    feedback): the Russian ``reasons``, escaped. nbgrader's files beside the submission
    (timestamp, secret) go along, so that release_feedback sends it like any other."""
    folder = Path(root) / "feedback" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        given = Path(root) / "submitted" / student / lesson / name
        if given.is_file():
            (folder / name).write_bytes(given.read_bytes())
    items = "".join(f"<li>{escape(reason)}</li>" for reason in reasons) or (
        "<li>файл работы не удалось прочитать</li>")
    (folder / f"{lesson}.html").write_text(
        f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>{lesson}</title>'
        "</head><body style=\"font-family:sans-serif;margin:2em\">"
        f"<h1>{lesson} (баллы: 0)</h1><p>Работу не удалось оценить:</p><ul>{items}</ul>"
        "<p>Сдайте урок ещё раз: файл .ipynb, сохранённый в JupyterLab.</p></body></html>\n",
        "utf-8")
