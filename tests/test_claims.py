"""Every quantitative or comparative claim of a lesson's prose holds in its executed source.

A lesson's claims live in ``tests/claims/<lesson>.py``: ``CLAIMS`` maps a quote of the prose
(as it stands in a markdown cell, whitespace aside) to the Python expressions that must be true
in the kernel after the notebook has run; ``SETUP`` is code run before them (helpers for the
expressions); ``SET_UP_CELLS`` lists the ids of experiment cells that state only what is run,
not what comes out. Nothing of this reaches students: the notebooks stay as they are.

Every sentence of every markdown cell (theory, experiments, model answers) that states a
number or a comparison must overlap a claim's quote, unless it is exempt, explicitly:
``EXEMPT`` maps a quote of such a sentence to the reason it is not checked (a definition, an
exercise's statement, a machine-dependent time...), and ``EXEMPT_CELLS`` maps a cell id to the
reason none of its sentences is (the plan, a question's statement).
"""

import importlib.util
import json
import re
import shutil

import nbformat
import pytest
from helpers import read_nb
from nbclient import NotebookClient

from course.headless import KernelManager
from course.lessons import ROOT, existing, notebook

pytestmark = pytest.mark.notebooks

CLAIMS_DIR = ROOT / "tests" / "claims"
# Words that make a sentence a comparison or a measurement.
MEASURING = re.compile(r"\d|быстр|медлен|больше|меньше|лучше|хуже|раз[аы]?\b|порядк|порядок|"
                       r"выигр|отста|обгон|вровень|расход|сходит|устойчив|ближе|дальше|точнее|"
                       r"растёт|убывает|падает|шум|вдвое|втрое|вчетверо|сотн|десят|тысяч|"
                       r"миллион|миллиард", re.I)
# Numbers that only name a place in the course or a year, not a quantity.
REFERENCES = re.compile(r"(урок|опыт|раздел|вопрос|упражнени|глав|теорем)\w*\s+\d+(\.\d+)?"
                        r"(–\d+(\.\d+)?)?|\b(19|20)\d\d\b", re.I)
# A sentence ends at . ! ? before a capital letter, a quote, a formula or an emphasis.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z«$*(])")
# Lines that start a block of their own: headings, list items, table rows.
BLOCK_START = re.compile(r"^(#+ |\s*[*-] |\s*\d+\. |\|)")
LIST_MARKER = re.compile(r"^\s*([*-]|\d+\.)\s+")


def claims_of(lesson):
    path = CLAIMS_DIR / f"{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"claims_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    checks = {quote: [c] if isinstance(c, str) else list(c)
              for quote, c in module.CLAIMS.items()}
    return checks, getattr(module, "SETUP", ""), set(getattr(module, "SET_UP_CELLS", ()))


def exemptions_of(lesson):
    """(quotes exempt from checking, ids of exempt cells) of a lesson's claims file."""
    path = CLAIMS_DIR / f"{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"claims_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    quotes = list(getattr(module, "EXEMPT", {}))
    cells = set(getattr(module, "EXEMPT_CELLS", {})) | set(getattr(module, "SET_UP_CELLS", ()))
    return quotes, cells


def sentences(source):
    """The sentences of a markdown cell, whitespace flattened; headings, list items and table
    rows start new blocks, display formulas stay inside their sentence."""
    blocks, current = [], []
    source = source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
    for line in source.split("\n"):
        if not line.strip() or BLOCK_START.match(line):
            blocks.append(" ".join(current))
            current = []
        if line.strip() and not line.lstrip().startswith("#"):
            current.append(LIST_MARKER.sub("", line))
    blocks.append(" ".join(current))
    return [s for block in blocks for s in SENTENCE_END.split(_flat(block)) if s]


def measures(sentence):
    """Whether the prose of a sentence (formulas and code left out) states a number or a
    comparison."""
    prose = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", " ", sentence)
    return bool(MEASURING.search(REFERENCES.sub(" ", prose)))


def overlaps(quote, sentence):
    """Whether a quote of the prose covers (part of) a sentence."""
    return (quote in sentence or sentence in quote
            or any(len(end) == 40 and end in quote for end in (sentence[:40], sentence[-40:])))


def _flat(text):
    return " ".join(text.split())


_results = {}


def evaluate(lesson, tmp_path_factory):
    """Run the lesson's source notebook (beside copies of the other lessons, which lessons 3
    and 4 load) and then every claim's expressions in the same kernel; cached per lesson."""
    if lesson not in _results:
        checks, setup, _ = claims_of(lesson)
        where = tmp_path_factory.mktemp("claims")
        for other in existing():
            shutil.copytree(notebook(other, "source").parent, where / other,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        path = where / lesson / f"{lesson}.ipynb"
        nb = read_nb(path)
        expressions = [e for exprs in checks.values() for e in exprs]
        probe = (setup + "\nimport json as _json\n_claim_results = []\n"
                 f"for _expr in {expressions!r}:\n"
                 "    try:\n        _claim_results.append(repr(bool(eval(_expr))))\n"
                 "    except Exception as _error:\n"
                 "        _claim_results.append(f'{type(_error).__name__}: {_error}')\n"
                 "print(_json.dumps(_claim_results))\n")
        nb.cells.append(nbformat.v4.new_code_cell(probe))
        NotebookClient(nb, timeout=300, kernel_name="python3", kernel_manager_class=KernelManager,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs
                          if o.output_type == "stream" and o.name == "stdout")
        answers = iter(json.loads(printed.strip().splitlines()[-1]))
        _results[lesson] = {quote: [(e, next(answers)) for e in exprs]
                            for quote, exprs in checks.items()}
    return _results[lesson]


def _markdown(lesson):
    return [c for c in read_nb(notebook(lesson, "source")).cells if c.cell_type == "markdown"]


def test_every_lesson_has_its_claims():
    # (files starting with "_" are shared by the lessons' claims, not a lesson's)
    assert sorted(p.stem for p in CLAIMS_DIR.glob("[!_]*.py")) == sorted(existing())


def test_every_claim_quotes_the_lesson(lesson):
    prose = [_flat(c.source) for c in _markdown(lesson)]
    checks, _, _ = claims_of(lesson)
    missing = [q for q in checks if not any(_flat(q) in text for text in prose)]
    assert not missing, f"quotes no longer in the prose of {lesson}: {missing}"


def test_every_claim_holds_in_the_executed_source(lesson, tmp_path_factory):
    results = evaluate(lesson, tmp_path_factory)
    failed = {quote: [(e, r) for e, r in checked if r != "True"]
              for quote, checked in results.items()}
    failed = {quote: bad for quote, bad in failed.items() if bad}
    assert not failed, "\n".join(f"«{q}»: {bad}" for q, bad in failed.items())


def test_every_measuring_paragraph_of_the_experiments_is_bound_to_a_claim(lesson):
    """In the experiment sections each markdown cell that compares or quotes a number holds
    a claim, unless it is listed as one that only sets up a run."""
    checks, _, set_up = claims_of(lesson)
    quotes = [_flat(q) for q in checks]
    unbound, inside = [], False
    for cell in _markdown(lesson):
        heading = re.search(r"^## \d+\. (.+)$", cell.source, re.M)
        if heading:
            inside = heading[1].startswith(("Опыты", "Сравнение"))
        text = _flat(cell.source)
        if (inside and MEASURING.search(text) and cell.get("id") not in set_up
                and not any(q in text for q in quotes)):
            unbound.append((cell.get("id"), text[:80]))
    assert not unbound, f"experiment cells without a claim in {lesson}: {unbound}"


def test_set_up_cells_exist(lesson):
    _, _, set_up = claims_of(lesson)
    _, exempt_cells = exemptions_of(lesson)
    ids = {c.get("id") for c in _markdown(lesson)}
    assert set_up <= ids, set_up - ids
    assert exempt_cells <= ids, exempt_cells - ids


def test_every_exemption_quotes_the_lesson(lesson):
    prose = [_flat(c.source) for c in _markdown(lesson)]
    quotes, _ = exemptions_of(lesson)
    missing = [q for q in quotes if not any(_flat(q) in text for text in prose)]
    assert not missing, f"exempt quotes no longer in the prose of {lesson}: {missing}"


def test_every_measuring_sentence_is_checked_or_exempt(lesson):
    """Each sentence of the lesson's prose (theory, experiments, model answers) that states a
    number or a comparison is bound to a claim check or explicitly exempt."""
    checks, _, _ = claims_of(lesson)
    exempt, exempt_cells = exemptions_of(lesson)
    quotes = [_flat(q) for q in [*checks, *exempt]]
    unbound = [(cell.get("id"), sentence) for cell in _markdown(lesson)
               if cell.get("id") not in exempt_cells
               for sentence in sentences(cell.source)
               if measures(sentence) and not any(overlaps(q, sentence) for q in quotes)]
    assert not unbound, (f"{len(unbound)} sentences of {lesson} state a number or a comparison "
                         "and have neither a claim nor an exemption:\n"
                         + "\n".join(f"{cid}: {text}" for cid, text in unbound))
