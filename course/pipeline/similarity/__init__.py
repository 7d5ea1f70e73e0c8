"""Similarity of submissions: the pairs of students of a lesson whose work is more alike than
independent work plausibly is, with the evidence (``python -m course similarity`` and the
section of ``report.html``).

Signals, each a kind of fingerprint (``submission``), weighed by how rare it is in the class
(``scoring``) and summed per pair: the code of the solution cells without the starter code
(``code``), the judge's verdicts on the same wrong answers, the written answers (``text``), the
cells a student added (their ids and outputs), identical comments and typos. Nothing is
decided here: the pairs are matches worth a look, for the instructor to judge. Nothing leaves
the machine.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from course.pipeline.similarity import scoring, submission, text
from course.pipeline.similarity.works import Lesson

# Signal -> its Russian name in the report, in the order of the CSV's columns.
SIGNALS = {"code": "код решений", "wrong": "одинаковые ошибки", "answers": "письменные ответы",
           "cells": "добавленные ячейки", "comments": "комментарии и опечатки"}
CSV = "similarity.csv"


@dataclass(frozen=True)
class Settings:
    """How works are fingerprinted and pairs chosen."""

    kgram: int = field(default=12, metadata={"help": "tokens in one code fingerprint"})
    window: int = field(default=4, metadata={"help": "winnowing window: one fingerprint "
                                                     "kept per this many k-grams"})
    shingle: int = field(default=3, metadata={"help": "words in one fingerprint of text"})
    rare_share: float = field(default=0.1, metadata={
        "help": "a fingerprint held by this share of the class or more weighs nothing"})
    rare_min: int = field(default=4, metadata={
        "help": "... nor one held by this many works, in a small class"})
    part_cap: float = field(default=8.0, metadata={
        "help": "one part (an exercise's code, an answer) counts at most as much as this "
                "many fingerprints that no one else holds"})
    wrong_weight: float = field(default=8.0, metadata={
        "help": "the same rare wrong answer (the same failing case, the same result) weighs "
                "this many times a code fingerprint: as much as a whole function in common"})
    whole_tokens: int = field(default=60, metadata={
        "help": "a function this long (in tokens) that two works share whole, and no one "
                "else, counts as a whole part in common; a shorter one proportionally less"})
    look: float = field(default=6.0, metadata={
        "help": "a pair is worth a look only when it shares at least as much as this many "
                "fingerprints that no one else holds"})
    tail_share: float = field(default=0.01, metadata={
        "help": "... and when its score stands out among the class's closest pairs: this "
                "share of all pairs"})
    tail_min: int = field(default=30, metadata={"help": "... at least this many pairs"})
    outlier: float = field(default=3.5, metadata={
        "help": "... standing out means a modified z-score (median, MAD) above this"})
    shown: int = field(default=15, metadata={"help": "pairs shown per lesson in report.html"})


@dataclass
class Result:
    """One lesson compared: its works by student, the pairs by score, the weights of the
    fingerprints, the score from which a pair is worth a look and Russian notes on what
    could not be compared."""

    lesson: str
    works: dict
    pairs: list
    weight: dict
    threshold: float
    notes: list

    def worth_a_look(self):
        return [pair for pair in self.pairs if pair.score >= self.threshold]


def describe(pair):
    """'a и b: 12.3 (код решений 10.1; письменные ответы 2.2)', names printable."""
    names = [n if n.isprintable() else ascii(n) for n in (pair.student_a, pair.student_b)]
    said = "; ".join(f"{name} {pair.signals[key]:.1f}" for key, name in SIGNALS.items()
                     if pair.signals[key] > 0)
    return f"{names[0]} и {names[1]}: {pair.score:.1f} ({said})"


def judged(root, lesson):
    """{student: [verdict dicts]} the judge recorded for ``lesson`` (in each submission's
    record, ``course.pipeline.submission``), or None when nothing is recorded (not graded
    yet). The one place that reads verdicts here."""
    from course.pipeline import submission as records

    found = {student: [v for v in record.verdicts if _is_verdict(v)]
             for (student, name), record in records.load_all(root).items()
             if name == lesson and record.verdicts}
    return found or None


def _is_verdict(value):
    return (isinstance(value, dict) and isinstance(value.get("exercise"), str)
            and isinstance(value.get("passed"), bool) and isinstance(value.get("message"), str)
            and isinstance(value.get("case"), (str, type(None)))
            and isinstance(value.get("mistake"), (str, type(None))))


def submissions(root, lesson):
    """{student: notebook path} of the lesson's submissions in ``root``/submitted."""
    found = {}
    for folder in sorted(Path(root).glob(f"submitted/*/{lesson}")):
        named = folder / f"{lesson}.ipynb"
        others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
        if named.is_file() or others:
            found[folder.parent.name] = named if named.is_file() else others[0]
    return found


def analyse(root, lesson, settings=Settings()):
    """The ``Result`` of comparing the submissions of ``lesson`` in ``root``."""
    model = Lesson.read(lesson, settings)
    verdicts, notes = judged(root, lesson), []
    if verdicts is None:
        notes.append("вердиктов судьи по этому уроку нет (работы ещё не оценены), поэтому "
                     "одинаковые ошибки не сравнивались")
    works = []
    for student, path in submissions(root, lesson).items():
        work = submission.read(path, student, model, settings,
                               None if verdicts is None else verdicts.get(student, []))
        if work.problem:
            notes.append(f"работа {student} не прочитана: {work.problem}")
        works.append(work)
    _typos(works, model)
    weight = scoring.weights(works, settings)
    pairs = scoring.pairs(works, weight, list(SIGNALS),
                          settings.part_cap * scoring.unit(len(works), settings),
                          scoring.rare(len(works), settings))
    return Result(lesson, {work.student: work for work in works}, pairs, weight,
                  scoring.threshold([p.score for p in pairs], len(works), settings), notes)


def _typos(works, model):
    """Add the typos of each work (``text.Typos``) as fingerprints of the comments signal."""
    used = Counter(word for work in works for word in work.words)
    is_typo = text.Typos(model.vocabulary | {word for word, n in used.items() if n >= 3})
    for work in works:
        for word, spots in work.words.items():
            if is_typo(word):
                work.prints.setdefault(("comments", "typo", word), []).extend(spots)


def write_csv(results, path):
    """Write every pair that shares anything weighed, by score, to ``path``."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["урок", "студент 1", "студент 2", "вес совпадений", *SIGNALS.values()])
        rows = [(r.lesson, p) for r in results for p in r.pairs]
        for lesson, pair in sorted(rows, key=lambda row: -row[1].score):
            writer.writerow([lesson, pair.student_a, pair.student_b, f"{pair.score:.2f}",
                             *(f"{pair.signals[s]:.2f}" for s in SIGNALS)])


def write(root, lessons, out, settings=Settings()):
    """Compare the submissions of each of ``lessons``, write ``CSV`` into ``out``; the
    ``Result``s."""
    results = [analyse(root, lesson, settings) for lesson in lessons]
    Path(out).mkdir(parents=True, exist_ok=True)
    write_csv(results, Path(out) / CSV)
    return results


def report_section(root, out, settings=Settings()):
    """The section of report.html (``page``) for every lesson with submissions in
    ``root``; writes ``CSV`` into ``out`` too."""
    from course.lessons import LESSONS
    from course.pipeline.similarity import page

    lessons = [lesson for lesson in LESSONS if submissions(root, lesson)]
    return page.section(write(root, lessons, out, settings), settings.shown)
