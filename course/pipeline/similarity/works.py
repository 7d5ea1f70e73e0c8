"""What the comparison knows of a lesson (``Lesson``: starter code, reference solutions, the
lesson's own text) and of one submission (``Work``: its parts and their fingerprints).

A fingerprint is a (signal, ...) tuple; a work maps each of its fingerprints to the spots that
carry it, (part name, start, end), so that the report can highlight them. The starter code of
``release/`` and the reference solutions and model answers of ``source/`` are boilerplate:
sharing them is no evidence.
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.lessons import exercises, notebook
from course.nbmeta import grade_id
from course.pipeline.similarity import code, text

RAW_ID = re.compile(r"[\w-]{1,64}")
MIN_OUTPUT = 8  # characters of an output's normalised text that can tell anything


@dataclass
class Part:
    """A piece of a submission shown side by side: Russian ``title`` and the ``text``."""

    title: str
    text: str


@dataclass
class Work:
    """One student's submission of a lesson, fingerprinted. ``problem``: Russian reason why
    it could not be read (then it has no fingerprints)."""

    student: str
    parts: dict = field(default_factory=dict)       # part name -> Part
    prints: dict = field(default_factory=dict)      # fingerprint -> [(part name, start, end)]
    words: dict = field(default_factory=dict)       # word of answers/comments -> spots
    attempted: set = field(default_factory=set)     # exercises with code beyond the starter
    problem: str = None

    def add(self, fingerprint, part, spans):
        self.prints.setdefault(fingerprint, []).extend((part, s, e) for s, e in spans)


def _cells(where, lesson):
    nb = json.loads(notebook(lesson, where).read_text("utf-8"))
    return [dict(cell, source="".join(cell["source"]) if isinstance(cell["source"], list)
                 else cell["source"]) for cell in nb["cells"]]


def _without_marks(source):
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


@dataclass
class Lesson:
    """The lesson's boilerplate and vocabulary, read once from the course's ``release/`` and
    ``source/`` (``course.lessons.notebook``: this repository's, the notebooks the
    submissions were made from)."""

    name: str
    exercises: tuple
    given: frozenset          # names the lesson's code defines or uses
    starters: dict            # exercise -> normalised statements of the release stub
    code_boiler: set          # code fingerprints of the stubs and reference solutions
    text_boiler: set          # shingles of the lesson's text and model answers
    comments: set             # normalised comments of the lesson's code
    release_ids: set
    release_sources: set      # normalised sources of the release cells
    vocabulary: set           # words of the lesson's text

    @classmethod
    def read(cls, name, settings):
        release, source = _cells("release", name), _cells("source", name)
        given = frozenset(word for cell in release if cell["cell_type"] == "code"
                          for word in _defined(cell["source"], exercises(name)))
        lesson = cls(name, exercises(name), given, {}, set(), set(), set(),
                     {c.get("id") for c in release}, {text.normal(c["source"]) for c in release},
                     set())
        for cell in release:
            lesson._learn(cell, settings, stub=True)
        for cell in source:
            lesson._learn(cell, settings, stub=False)
        return lesson

    def _learn(self, cell, settings, stub):
        gid, body = grade_id(cell), _without_marks(cell["source"])
        self.vocabulary.update(word for word, _, _ in text.words(body))
        if cell["cell_type"] != "code":
            self.text_boiler.update(text.shingles(body, settings.shingle))
            return
        statements, comments = code.split(body, self.given)
        self.comments.update(text.normal(c.text) for c in comments)
        if gid in self.exercises:
            if stub:
                self.starters[gid] = {code.key(s) for s in statements}
            statements = [s for s in statements if code.key(s) not in self.starters[gid]]
            self.code_boiler.update(code.fingerprints(statements, settings.kgram,
                                                      settings.window))
            if statements:
                self.code_boiler.add(code.whole(statements)[0])


def _defined(source, stubs):
    """The names a cell of the lesson gives students: top-level functions and classes,
    imports and the parameters of the exercises' ``stubs`` (a local name is the student's
    own, also when some helper of the lesson happens to use it)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # an IPython magic
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.FunctionDef) and node.name in stubs:
            names.update(a.arg for a in node.args.args + node.args.kwonlyargs)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def raw_ids(path, count):
    """The cell ids as the file holds them (``course.notebooks.read_notebook`` renumbers them): a
    string of word characters up to 64 long, or None; one per cell."""
    try:
        cells = json.loads(Path(path).read_bytes().decode("utf-8")).get("cells")
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, AttributeError):
        cells = None
    ids = [c.get("id") if isinstance(c, dict) else None
           for c in (cells if isinstance(cells, list) else [])]
    ids = [i if isinstance(i, str) and RAW_ID.fullmatch(i) else None for i in ids]
    return (ids + [None] * count)[:count]
