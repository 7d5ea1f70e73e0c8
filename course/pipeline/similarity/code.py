"""Code fingerprints: a cell's Python, normalised token by token and winnowed.

Normalised so that what a copier changes cheaply does not hide a copy: comments and docstrings
are set aside, a name the lesson does not give (a local variable, a helper of one's own) becomes
a placeholder numbered within its statement, string quotes are unified, and the statements are
sorted, so that reordered independent lines give the same fingerprints. Numbers, operators,
attributes, builtins and the lesson's own names (parameters, kit functions) stay as written:
they are what tells two ways of writing a formula apart.

A fingerprint is a k-gram of normalised tokens, chosen by winnowing (Schleimer, Wilkerson and
Aiken, 2003) as implemented by ``copydetect.utils.winnow``; hashes are ours (blake2b), so they are
the same in every process and run.
"""

import ast
import builtins
import hashlib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass

import numpy as np

KEPT = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"np", "numpy", "math"}
SKIPPED = {tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
           tokenize.ENDMARKER}
FALLBACK = re.compile(r"#.*|[A-Za-z_]\w*|\d[\w.]*|\"[^\"\n]*\"?|'[^'\n]*'?|\S")
END = "⏎"  # the token that ends a statement in a fingerprinted document


@dataclass(frozen=True)
class Token:
    """One token: its normalised text and its span [start, end) in the cell's source."""

    text: str
    start: int
    end: int


def _raw_tokens(source):
    """[(type, text, start, end)] of ``source`` by Python's tokenizer, char offsets; a cell
    that does not tokenize (a student's syntax error) is split line by line instead."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    try:
        return [(t.type, t.string, starts[t.start[0] - 1] + t.start[1],
                 starts[t.end[0] - 1] + t.end[1])
                for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type not in SKIPPED]
    except (tokenize.TokenError, SyntaxError, IndexError):
        found = []
        for row, line in enumerate(source.splitlines()):
            for m in FALLBACK.finditer(line):
                text = m.group()
                kind = (tokenize.COMMENT if text.startswith("#") else tokenize.NAME
                        if text.isidentifier() else tokenize.STRING if text[0] in "'\""
                        else tokenize.OP)
                found.append((kind, text, starts[row] + m.start(), starts[row] + m.end()))
            found.append((tokenize.NEWLINE, "", starts[row + 1], starts[row + 1]))
        return found


def _string(text):
    try:
        return repr(ast.literal_eval(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def split(source, given):
    """(statements, comments) of a cell: statements as tuples of normalised ``Token``s
    (docstrings and bare strings dropped), comments as ``Token``s with their text."""
    statements, comments, current, names = [], [], [], {}
    previous = None
    for kind, text, start, end in _raw_tokens(source):
        if kind == tokenize.COMMENT:
            comments.append(Token(text.lstrip("#").strip(), start, end))
            continue
        if kind == tokenize.NEWLINE:
            if current and not (len(current) == 1 and current[0][0] == tokenize.STRING):
                statements.append(tuple(token for _, token in current))
            current, names = [], {}
            continue
        shown = text
        if kind == tokenize.NAME and text not in KEPT and text not in given and previous != ".":
            shown = names.setdefault(text, f"·{len(names)}")
        elif kind == tokenize.STRING:
            shown = _string(text)
        current.append((kind, Token(shown, start, end)))
        previous = text
    if current:
        statements.append(tuple(token for _, token in current))
    return statements, comments


def key(statement):
    """The normalised text of a statement: equal for a copy with renamed locals."""
    return tuple(token.text for token in statement)


def stable_hash(text):
    """A 52-bit hash of ``text``, the same in every process (exact as a float64, which
    ``copydetect``'s winnowing compares in)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 12


def fingerprints(statements, k, window):
    """{hash: [(start, end) spans of the tokens it covers]} of the statements, sorted by their
    normalised text and winnowed: k-grams of k tokens, one kept per ``window`` k-grams."""
    from copydetect.utils import winnow

    tokens = []
    for statement in sorted(statements, key=key):
        tokens.extend(statement)
        tokens.append(Token(END, -1, -1))
    if len(tokens) < k:
        grams = [tokens] if tokens else []
    else:
        grams = [tokens[i:i + k] for i in range(len(tokens) - k + 1)]
    if not grams:
        return {}
    hashes = np.array([stable_hash("\x1f".join(t.text for t in gram)) for gram in grams],
                      dtype=np.int64)
    chosen, where = winnow(hashes, window_size=min(window, len(hashes)),
                           remove_duplicates=False)
    found = {}
    for value, index in zip(chosen.tolist(), where.tolist()):
        found.setdefault(value, []).extend(_runs(grams[index]))
    return found


def _runs(tokens):
    """The spans a k-gram covers in the source: one per statement it touches."""
    spans, first, last = [], None, None
    for token in tokens + [Token(END, -1, -1)]:
        if token.start < 0:
            if first:
                spans.append((first.start, last.end))
            first = None
        else:
            first, last = first or token, token
    return spans


def whole(statements):
    """(hash, number of tokens) of all the statements together, in sorted order: equal for
    two functions that differ only in what normalisation removes."""
    keys = sorted(key(statement) for statement in statements)
    return stable_hash(END.join("\x1f".join(k) for k in keys)), sum(map(len, keys))
