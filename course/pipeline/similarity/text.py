"""Written text: answers, comments and the words in them, normalised for comparison.

Case, punctuation and whitespace do not count (and the letter yo is read as ye); an answer is
fingerprinted by its shingles, runs of a few consecutive words, so that a copy reworded in a
few places still shares most of them.
"""

import re

from course.pipeline.similarity.code import stable_hash

WORD = re.compile(r"\w+")
YO, YE = chr(0x451), chr(0x435)  # the Cyrillic letters yo and ye


def words(text):
    """[(word, start, end)] of ``text``: lower case, yo as ye."""
    return [(m.group().lower().replace(YO, YE), m.start(), m.end())
            for m in WORD.finditer(text)]


def shingles(text, size):
    """{hash: [(start, end)]} of the runs of ``size`` consecutive words of ``text`` (the whole
    text when it is shorter)."""
    found = words(text)
    runs = ([found[i:i + size] for i in range(len(found) - size + 1)] if len(found) >= size
            else [found] if found else [])
    shingled = {}
    for run in runs:
        value = stable_hash(" ".join(word for word, _, _ in run))
        shingled.setdefault(value, []).append((run[0][1], run[-1][2]))
    return shingled


def normal(text):
    """The words of ``text`` joined by single spaces: what two near-identical texts share."""
    return " ".join(word for word, _, _ in words(text))


def _deletions(word):
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Typos:
    """Tells a typo from a word: a word the course and the class do not use, one letter
    (added, dropped or changed, not in the word's last three letters, where Russian endings
    change) away from a word they do use."""

    def __init__(self, vocabulary):
        self.vocabulary = set(vocabulary)
        self.near = {}
        for word in self.vocabulary:
            for variant in _deletions(word):
                self.near.setdefault(variant, set()).add(word)

    def __call__(self, word):
        if len(word) < 5 or word in self.vocabulary or not word.isalpha():
            return False
        candidates = set(self.near.get(word, ()))
        for variant in _deletions(word) | {word}:
            candidates |= self.near.get(variant, set())
            if variant in self.vocabulary:
                candidates.add(variant)
        return any(_inside(word, known) for known in candidates)


def _inside(word, known):
    """Whether ``word`` and ``known`` differ by one edit before their last three letters."""
    if word[-3:] != known[-3:] or abs(len(word) - len(known)) > 1:
        return False
    same = 0
    while same < min(len(word), len(known)) and word[same] == known[same]:
        same += 1
    return same < min(len(word), len(known)) - 3
