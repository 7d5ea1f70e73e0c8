"""What a student produced, made inert before anyone else sees it: one home for the rule.

* Outputs (``safe_data``): only plain text and PNG images (valid base64) are kept, from the
  submitted notebook (``course.notebooks.shown_outputs``) and from the kernel while it runs
  (``execute``); HTML, JavaScript, SVG, Markdown, LaTeX and widget outputs are dropped, so
  nbconvert never writes a student's markup into a page.
* Markdown (``course.pipeline.feedback.render_markdown``): the filter nbconvert uses for
  formgrader and feedback pages (``HTMLExporter.filters`` in ``nbgrader_config.py``), with
  raw HTML escaped and ``javascript:``-like links removed; formulas render as MathML.
* Our pages (``with_csp``: the feedback pages, the group's report.html): a
  Content-Security-Policy in the page itself, so that even markup that got past the rules
  above runs no script: no script at all (formulas are MathML, the pages need none),
  nothing sent anywhere, no plugins, no forms.
"""

import re

SHOWN_TYPES = ("text/plain", "image/png")
MAX_SHOWN = 2 ** 20  # characters of one output kept
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


# Our pages need no script (formulas are MathML, course.pipeline.feedback) and nothing from
# the network (styles inline, images as data: URLs): none runs, nothing is fetched.
PAGE_CSP = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; "
                "img-src data:; font-src data:; connect-src 'none'; object-src 'none'; "
                "base-uri 'none'; form-action 'none'")


def with_csp(page):
    """The HTML text ``page`` with ``PAGE_CSP`` as the first element of its head (a
    policy applies only to what comes after it); a page that has it there is returned as
    it is."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{PAGE_CSP}">'
    head = re.search(r"<head\b[^>]*>", page, flags=re.I)
    if head is None:
        return f"<!DOCTYPE html>\n<html><head>{meta}</head><body>{page}</body></html>"
    if page[head.end():].startswith("\n" + meta):
        return page
    return page[:head.end()] + "\n" + meta + page[head.end():]


def as_text(value):
    """A cell's source or an output's text as one string (nbformat allows a list of lines),
    or None if it is neither."""
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
        value = as_text(data.get(mime)) if isinstance(data, dict) else None
        if value is None or len(value) > MAX_SHOWN:
            continue
        if mime == "image/png" and not _BASE64.fullmatch(value):
            continue  # nbconvert writes it into an <img src="…"> attribute as it is
        kept[mime] = value
    return kept
