"""Scoring the pairs of a lesson's works by the rare material they share.

Calibrated on the class itself: a fingerprint held by ``n`` works weighs log(c / n), where c
(``rare``) is a tenth of the class (at least ``Settings.rare_min`` works). What many students
share (the reference-like two-line answers, a common mistake) weighs nothing; what only two
share weighs most. Some fingerprints stand for more (``_scale``): the same wrong answer, a
whole function identical after normalisation. A pair's score sums its parts (an exercise's
code, an answer, the added cells...); a part of code counts at most ``Settings.part_cap``
fingerprints that only two works hold, times the share of the pair's rare material in it
that they have in common. Pairs are found through an inverted index (fingerprint -> works),
so only the works that share something are ever compared.
"""

import functools
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

# Signals whose parts are capped: code, where few ways to write a function exist and
# independent students can meet in one (free text, outputs and ids have no such limit).
CAPPED = {"code"}


@dataclass
class Pair:
    """Two works of a lesson; ``signals``: {signal: weight of the fingerprints they share}."""

    student_a: str
    student_b: str
    score: float
    signals: dict


def rare(count, settings):
    """How many works may share a fingerprint for it to weigh anything."""
    return max(settings.rare_min, settings.rare_share * count)


def unit(count, settings):
    """The weight of a fingerprint that only two works of the class hold."""
    return math.log(rare(count, settings) / 2)


def floor(count, settings):
    """The least score of a pair worth a look: as much as ``Settings.look`` fingerprints
    that only these two works hold."""
    return settings.look * unit(count, settings)


def threshold(scores, count, settings):
    """The score from which a pair is worth a look in a class of ``count`` works whose pairs
    sharing anything weighed have ``scores`` (every other pair scores 0): ``floor``, or more
    when the class's own pairs call for it. Most pairs share nothing, so the comparison set
    is the class's closest pairs, its top ``Settings.tail_share`` (at least
    ``Settings.tail_min`` pairs); a pair is worth a look when its score is an outlier among
    them, a modified z-score (0.6745 (x - median) / MAD, Iglewicz and Hoaglin, 1993) above
    ``Settings.outlier`` (with the mean absolute deviation, 1.2533 · mean |x - median|, in
    place of MAD / 0.6745 when MAD is 0). In a large class many honest pairs meet by
    chance somewhere; the rule follows how far such chance goes in this class."""
    pairs = count * (count - 1) // 2
    size = min(pairs, max(settings.tail_min, int(settings.tail_share * pairs)))
    top = np.zeros(size)
    best = np.sort(np.asarray(scores, dtype=float))[::-1][:size]
    top[:len(best)] = best
    middle = np.median(top)
    spread = np.median(np.abs(top - middle)) / 0.6745
    if spread == 0:
        spread = 1.2533 * np.mean(np.abs(top - middle))
    return max(floor(count, settings), float(middle + settings.outlier * spread))


def _scale(fingerprint, settings):
    """How many ordinary fingerprints this one is worth: the same rare wrong answer
    ``Settings.wrong_weight`` (independent students rarely share one); a whole function
    identical after normalisation up to ``Settings.part_cap``, by its length in tokens (a
    long one is not written twice by chance, a two-line one may well be)."""
    if fingerprint[0] == "wrong":
        return settings.wrong_weight
    if fingerprint[0] == "code" and fingerprint[2] == "whole":
        return settings.part_cap * min(1.0, fingerprint[4] / settings.whole_tokens)
    return 1.0


def weights(works, settings):
    """{fingerprint: weight} of the fingerprints that weigh anything in this class."""
    held = Counter(fingerprint for work in works for fingerprint in work.prints)
    cut = rare(len(works), settings)
    return {fp: math.log(cut / n) * _scale(fp, settings) for fp, n in held.items()
            if 2 <= n < cut}


@functools.lru_cache(maxsize=None)
def _triangle(n):
    return np.triu_indices(n, 1)


def _postings(works, weight):
    """{fingerprint: [numbers of the works that hold it]} for the weighed fingerprints."""
    index = {}
    for number, work in enumerate(works):
        for fingerprint in work.prints:
            if fingerprint in weight:
                index.setdefault(fingerprint, []).append(number)
    return index


def _own(works, parts, cut):
    """(N, parts) array: how much rare material (weight, counting also what no one else
    holds) each work has in each part."""
    held = Counter(fingerprint for work in works for fingerprint in work.prints)
    table = np.zeros((len(works), len(parts)))
    for number, work in enumerate(works):
        for fingerprint in work.prints:
            part = parts.get(fingerprint[:2])
            if part is not None and held[fingerprint] < cut:
                table[number, part] += math.log(cut / held[fingerprint])
    return table


def _part_sums(works, weight, cap, cut):
    """(pair codes a·N + b, part keys, scores): what each pair shares in each part (a part:
    a signal and where, e.g. one exercise's code). In ``CAPPED`` signals a part scores at
    most ``cap``, times the share of the pair's rare material in it that they have in
    common: an exercise copied whole scores ``cap``, a chance meeting in a few lines of it
    much less, and one coincidence cannot outweigh agreement in many places."""
    parts, keys, values = {}, [], []
    count = len(works)
    for fingerprint, holders in _postings(works, weight).items():
        part = parts.setdefault(fingerprint[:2], len(parts))
        holders = np.asarray(holders, dtype=np.int64)
        first, second = _triangle(len(holders))
        keys.append((holders[first] * count + holders[second]) * 2 ** 20 + part)
        values.append(np.full(len(first), weight[fingerprint]))
    if not keys:
        return np.array([], dtype=np.int64), [], np.array([])
    found, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(values))
    pair, part = found >> 20, found & (2 ** 20 - 1)
    names = {index: key for key, index in parts.items()}
    own = _own(works, parts, cut)
    smaller = np.minimum(own[pair // count, part], own[pair % count, part])
    capped = np.minimum(sums, cap) * np.minimum(1.0, sums / np.maximum(smaller, 1e-9))
    limited = np.array([names[int(k)][0] in CAPPED for k in part], dtype=bool)
    return pair, [names[int(k)] for k in part], np.where(limited, capped, sums)


def pairs(works, weight, signals, cap, cut):
    """The pairs that share weighed fingerprints, by score (highest first)."""
    codes, parts, sums = _part_sums(works, weight, cap, cut)
    if not len(codes):
        return []
    found, inverse = np.unique(codes, return_inverse=True)
    kinds = np.array([signals.index(part[0]) for part in parts])
    table = np.stack([np.bincount(inverse, weights=sums * (kinds == i), minlength=len(found))
                      for i in range(len(signals))])
    count = len(works)
    result = [Pair(works[code // count].student, works[code % count].student,
                   float(column.sum()), dict(zip(signals, column.tolist())))
              for code, column in zip(found.tolist(), table.T)]
    return sorted(result, key=lambda p: (-p.score, p.student_a, p.student_b))


def shared(first, second, weight):
    """({part: [(start, end)]} of ``first``, the same of ``second``): where the weighed
    fingerprints the two works share stand."""
    common = [fp for fp in first.prints.keys() & second.prints.keys() if fp in weight]
    spots = ({}, {})
    for fingerprint in common:
        for work, found in zip((first, second), spots):
            for part, start, end in work.prints[fingerprint]:
                found.setdefault(part, []).append((start, end))
    return spots
