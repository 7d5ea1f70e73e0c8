"""What a student produced, made inert before anyone else sees it: one home for the rule.

* Outputs (``safe_data``): only plain text and PNG images (valid base64) are kept, from the
  submitted notebook (``intake.shown_outputs``) and from the kernel while it runs
  (``execute``); HTML, JavaScript, SVG, Markdown, LaTeX and widget outputs are dropped, so
  nbconvert never writes a student's markup into a page.
* Markdown (``markdown2html``): the filter nbconvert uses for formgrader and feedback pages
  (``HTMLExporter.filters`` in ``nbgrader_config.py``), with raw HTML escaped and
  ``javascript:``-like links removed; formulas still render.
"""

import html
import re

SHOWN_TYPES = ("text/plain", "image/png")
MAX_SHOWN = 2 ** 20  # characters of one output kept
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


def _text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def safe_data(data):
    """The part of an output's ``data`` ({MIME type: value}) that can be shown safely: plain
    text and PNG images given as base64, each at most ``MAX_SHOWN`` characters."""
    kept = {}
    for mime in SHOWN_TYPES:
        value = _text(data.get(mime)) if isinstance(data, dict) else None
        if value is None or len(value) > MAX_SHOWN:
            continue
        if mime == "image/png" and not _BASE64.fullmatch(value):
            continue  # nbconvert writes it into an <img src="…"> attribute as it is
        kept[mime] = value
    return kept


def markdown2html(source):
    """Markdown to HTML as nbconvert does it (formulas kept for MathJax), but with raw HTML
    escaped and links of harmful protocols (``javascript:``, ``data:``…) removed."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=True, allow_harmful_protocols=False)
    try:
        return MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # noqa: BLE001 (e.g. a missing attachment: the text, shown as text)
        return f"<pre>{html.escape(source)}</pre>"
