"""Russian spelling of everything students and instructors read, by hunspell (ru_RU).

Checked: notebook prose and strings (source/), the helper kit, the Russian messages of the
course package and of its student panel (TypeScript, and the Russian it adds to JupyterLab's
own strings), the README. Words hunspell does not know must be in spelling_allowlist.txt. The
same texts must not use the variants the glossary (COURSE_SPEC.md, §Russian) rules out.
"""

import ast
import os
import re
import shutil
import subprocess

import pytest

from course.lessons import ROOT

CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
ALLOWLIST = ROOT / "tests" / "spelling_allowlist.txt"


def _hunspell():
    if shutil.which("hunspell") and os.path.exists("/usr/share/hunspell/ru_RU.dic"):
        return "hunspell"
    if os.environ.get("CI"):
        pytest.fail("hunspell with the ru_RU dictionary is required in CI (.ci/run installs it)")
    pytest.skip("hunspell-ru is not installed: apt-get install hunspell hunspell-ru")


def _python_strings(text):
    """String literals and comments of a Python source."""
    parts = [m.group(0) for m in re.finditer(r"#.*", text)]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts.append(node.value)
    return "\n".join(parts)


def _markdown_prose(text):
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`", " ", text)


def _texts():
    import nbformat
    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                yield path.name, _markdown_prose(cell.source)
            else:
                try:
                    yield path.name, _python_strings(cell.source)
                except SyntaxError:
                    yield path.name, cell.source
    for path in sorted((ROOT / "course").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), _python_strings(path.read_text("utf-8"))
    for path in sorted((ROOT / "course" / "panel" / "frontend" / "src").rglob("*.ts")):
        yield path.relative_to(ROOT).as_posix(), path.read_text("utf-8")  # the student panel
    # the Russian it adds to JupyterLab's own strings
    for path in sorted((ROOT / "course" / "panel" / "frontend" / "src").rglob("*.json")):
        yield path.relative_to(ROOT).as_posix(), path.read_text("utf-8")
    readme = ROOT / "README.md"
    yield "README.md", _markdown_prose(readme.read_text("utf-8"))


def test_russian_text_is_spelled_right():
    hunspell = _hunspell()
    words = {}
    for where, text in _texts():
        for word in CYRILLIC_WORD.findall(text):
            words.setdefault(word, where)
    allowed = {w.strip().lower() for w in ALLOWLIST.read_text("utf-8").splitlines()
               if w.strip() and not w.startswith("#")}
    done = subprocess.run([hunspell, "-d", "ru_RU", "-l"], input="\n".join(sorted(words)),
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "LANG": "C.UTF-8"})
    unknown = sorted({w for w in done.stdout.split() if w.lower() not in allowed})
    assert not unknown, "misspelled or unknown words: " + ", ".join(
        f"{w} ({words.get(w, '?')})" for w in unknown)
    assert len(words) > 300, "too few Russian words were found: is the extraction broken?"


def test_the_checker_catches_a_misspelling():
    hunspell = _hunspell()
    done = subprocess.run([hunspell, "-d", "ru_RU", "-l"], input="используещиеся\nградиент",
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "LANG": "C.UTF-8"})
    assert done.stdout.split() == ["используещиеся"]


# Variants the glossary (COURSE_SPEC.md, §Russian) rules out: pattern -> (the term to use, an
# example the pattern must catch, a correct phrase it must leave alone).
FORBIDDEN_TERMS = {
    r"эффективн(?:ая|ую|ой|ое|ого|ому|ым|ыми|ых|ые|ый|ом)\s+(?!шаг)": (
        "«эффективный» only in «эффективный шаг» (η/√(…+ε) of a coordinate)",
        "эффективная скорость обучения", "медиана эффективного шага"),
    r"настоящ\w*\s+(?:шаг|скорост)": (
        "«эффективный шаг» or «длина шага», not «настоящий шаг/скорость»",
        "с настоящей скоростью обучения", "по-настоящему мешает"),
    r"\bзатуха(?:ет|ть|л|ла|ло)\s+вес": (
        "«затухать» takes no object: «веса затухают», «AdamW уменьшает веса»",
        "AdamW затухает веса отдельно", "в AdamW веса затухают отдельно"),
    r"\bраспада(?:ется|ются)\b(?!\s+на\b)": (
        "a run «расходится» (goes to infinity) or «разваливается» (ends above the initial loss)",
        "Adam без разогрева распадается:", "задача распадается на две"),
    r"\bотжиг": (
        "«косинусное расписание» (the lessons never define «отжиг»)",
        "конец отжига", "конец косинусной фазы"),
}


def _forbidden_uses(text):
    return [(pattern, m.group(0)) for pattern in FORBIDDEN_TERMS
            for m in re.finditer(pattern, text, re.I)]


def test_no_term_the_glossary_rules_out():
    found = sorted({(where, phrase, FORBIDDEN_TERMS[pattern][0])
                    for where, text in _texts() for pattern, phrase in _forbidden_uses(text)})
    assert not found, "terms the glossary rules out:\n" + "\n".join(
        f"{where}: «{phrase.strip()}» — use {use}" for where, phrase, use in found)


@pytest.mark.parametrize("pattern", FORBIDDEN_TERMS)
def test_the_glossary_check_catches_its_example(pattern):
    _, wrong, right = FORBIDDEN_TERMS[pattern]
    assert [p for p, _ in _forbidden_uses(wrong)] == [pattern]
    assert _forbidden_uses(right) == []
