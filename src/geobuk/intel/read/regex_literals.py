"""Strings a regular expression cannot match without: a cheap test of which patterns can match.

geobuk's phrase book has over a thousand case-insensitive cue and hint patterns, and Python's ``re``
scans a text once per pattern. Most patterns contain a word that every match must contain
("schtasks", "registry", "hameçonnage"'s "onnage"); one Aho-Corasick pass over the text finds which
of those words occur, and only the patterns whose word occurs need their own scan. This is the
prefilter RE2 and Hyperscan use, done on the parse tree Python's own ``re`` builds.

Only ASCII words are used, compared on ``fold``-ed text: under ``re.IGNORECASE`` an ASCII letter
also matches a few non-ASCII letters (the long s, the Kelvin sign, the Turkish dotted and dotless
i), which ``fold`` maps to the letter first. A pattern with no such word, or only short ones, is
always scanned.
"""

from __future__ import annotations

import re

try:  # re's own parser and opcodes (private, but unchanged since Python 3.11 renamed them)
    from re import _constants as c
    from re import _parser
except ImportError:  # pragma: no cover - older layouts: every pattern is then always scanned
    c = _parser = None

#: Words shorter than this are too common to save a scan.
MIN_LENGTH = 3

_FOLD = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0131": "i", "\u0130": "i"})


def fold(text: str) -> str:
    """Text in which an ASCII word occurs wherever a case-insensitive pattern could match it."""
    return text.translate(_FOLD).lower()


def required_literals(pattern: re.Pattern) -> frozenset[str] | None:
    """Folded ASCII words at least one of which occurs in every match of ``pattern``; None if unknown."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):
        return None
    found = _required(list(tree))
    if found is None or min(len(w) for w in found) < MIN_LENGTH:
        return None
    return frozenset(fold(w) for w in found)


def _required(items: list) -> frozenset[str] | None:
    """The most selective required set among the items of one sequence (all must match in turn)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, arg in items:
        if op is c.LITERAL and arg < 128:
            run.append(chr(arg))
            continue
        close_run()
        found = _item(op, arg)
        if found is not None:
            candidates.append(found)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda s: min(len(w) for w in s))


def _item(op, arg) -> frozenset[str] | None:
    if op is c.SUBPATTERN:
        return _required(list(arg[-1]))
    if op is c.ATOMIC_GROUP:
        return _required(list(arg))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _, body = arg
        return _required(list(body)) if low >= 1 else None
    if op is c.BRANCH:
        sets = [_required(list(branch)) for branch in arg[1]]
        if any(s is None for s in sets):
            return None
        return frozenset().union(*sets)
    return None  # classes, anchors, lookarounds, back-references: nothing required
