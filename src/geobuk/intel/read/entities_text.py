"""Text tools the entity extractors share: name matching with one automaton, sentences, common words.

Names are matched on the text's letters and digits only, case- and accent-folded ("Onyx Sleet",
"onyx-sleet" and "OnyxSleet" are one key, as in ``geobuk.intel.names.normalize_name``), with one
Aho-Corasick automaton per vocabulary, so a text is read once whatever the number of names. What
folding forgets is checked on each hit against the text as written: word boundaries, the
separators inside the name, and (by the caller) the case.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T")

#: A word at least this frequent in the English or French word lists is an ordinary word.
COMMON_WORD_COUNT = 200

_SEPARATORS = set(" \t\u00a0\u202f\u2009-\u2010\u2011\u2013\u2014._#'\u2019/&+\n")
_RUN = re.compile(r"[^\W\d_]+|\d+")
_ALNUM_RUN = re.compile(r"[^\W_]+")
_PART = re.compile(r"\d+|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+")
_fold_cache: dict[str, str] = {}


def fold_char(c: str) -> str:
    """Lower case without accents; may be two letters ("ﬁ" -> "fi")."""
    out = _fold_cache.get(c)
    if out is None:
        low = c.lower()
        out = "".join(x for x in unicodedata.normalize("NFKD", low) if not unicodedata.combining(x)) or low
        _fold_cache[c] = out
    return out


def squeeze(text: str) -> str:
    """The folded letters and digits of ``text``: the key a name is matched by."""
    return "".join(fold_char(c) for c in text if c.isalnum())


def parts(name: str) -> int:
    """How many pieces a name has, counting camel-case humps and letter/digit changes."""
    return len(_PART.findall(name))


def runs(text: str) -> int:
    """How many runs of letters or digits a written text has."""
    return len(_RUN.findall(text))


class Squeezed:
    """A text's folded letters and digits, with the index in the text each came from."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        where: list[int] = []
        for run in _ALNUM_RUN.finditer(text):
            word, start = run.group(), run.start()
            if word.isascii():  # the common case: one folded letter per letter
                chars.append(word.lower())
                where.extend(range(start, run.end()))
                continue
            for i, c in enumerate(word, start):
                f = fold_char(c)
                chars.append(f)
                where.extend([i] * len(f))
        self.s = "".join(chars)
        self.where = where


@dataclass(frozen=True)
class Hit(Generic[T]):
    """Where a vocabulary entry was found: ``text[start:end]`` and what it stands for."""

    start: int
    end: int
    text: str
    entries: tuple[T, ...]


Accept = Callable[[str, int, list[tuple[str, T]]], list[T]]


class Gazetteer(Generic[T]):
    """A vocabulary of written forms, each with what it stands for, matched in one pass."""

    def __init__(self, forms: Iterable[tuple[str, T]], *, min_key: int = 2) -> None:
        table: dict[str, list[tuple[str, T]]] = {}
        for surface, payload in forms:
            key = squeeze(surface)
            if len(key) >= min_key and (surface, payload) not in table.get(key, []):
                table.setdefault(key, []).append((surface, payload))
        self._auto = ahocorasick.Automaton()
        for key, items in table.items():
            self._auto.add_word(key, (key, tuple(items)))
        self._empty = not table
        if table:
            self._auto.make_automaton()

    def find(self, sq: Squeezed, accept: Accept[T]) -> list[Hit[T]]:
        """Non-overlapping hits, leftmost-longest, that ``accept`` keeps (it filters the entries)."""
        if self._empty or not sq.s:
            return []
        text, where = sq.text, sq.where
        found: list[Hit[T]] = []
        for last, (key, items) in self._auto.iter(sq.s):
            first = last - len(key) + 1
            start, end = where[first], where[last] + 1
            if first > 0 and where[first - 1] == start:
                continue  # begins inside a letter that folds to two
            if last + 1 < len(where) and where[last + 1] == end - 1:
                continue
            if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            written = text[start:end]
            if not _separators_ok(written):
                continue
            n = runs(written)
            fitting = [item for item in items if n <= parts(item[0])]
            kept = accept(written, start, fitting) if fitting else []
            if kept:
                found.append(Hit(start, end, written, tuple(kept)))
        return leftmost_longest(found)


def _separators_ok(written: str) -> bool:
    """A name may be written with spaces, hyphens or dots, but not across a paragraph or a clause."""
    gap = 0
    for c in written:
        if c.isalnum():
            gap = 0
            continue
        if c not in _SEPARATORS:
            return False
        gap += 1
        if gap > 3:
            return False
    return "\n\n" not in written and ". " not in written


def leftmost_longest(hits: Sequence[Hit[T]]) -> list[Hit[T]]:
    """Drop every hit that overlaps an earlier-starting or, at the same start, a longer one."""
    out: list[Hit[T]] = []
    last_end = -1
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= last_end:
            out.append(hit)
            last_end = hit.end
    return out


# ---------------------------------------------------------------------------------------- case
def is_upper(written: str) -> bool:
    letters = [c for c in written if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def words(text: str) -> list[str]:
    return _RUN.findall(text)


def capitals_kept(written: str, form: str) -> bool:
    """Every word the form starts with a capital starts with one as written (extra capitals are fine).

    Proper names are capitalised in running text while the ordinary words they are made of are not:
    "Hidden Cobra" is the actor, "a hidden cobra" is not.
    """
    ws, fs = words(written), words(form)
    if len(ws) != len(fs):  # written glued or split differently: compare the first letters only
        ws, fs = ws[:1], fs[:1]
    pairs = zip(ws, fs, strict=True)
    return all(not f[0].isupper() or w[0].isupper() or not w[0].isalpha() for w, f in pairs)


# ----------------------------------------------------------------------------------- sentences
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u00bb)\]]*"
                  r"(?=\s+[\"'\u201c\u00ab(\[\-\u2013\u2014]?\s*[A-Z\u00c0-\u00de0-9])|\n+")
_ABBREV = frozenset((
    "m", "mm", "mme", "mmes", "mr", "mrs", "ms", "dr", "st", "inc", "corp", "ltd", "co", "jr", "sr", "vs",
    "cf", "no", "p", "pp", "fig", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "gen", "gov", "sen", "rep",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "janv", "févr",
    "avr", "juil", "déc", "av", "mgr", "me", "pr",
))


class Sentences:
    """Sentence bounds of a text, split on end punctuation and line breaks (abbreviations kept)."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        for m in _END.finditer(text):
            if m.group().startswith((".",)) and _abbreviation_before(text, m.start()):
                continue
            starts.append(m.end())
        self.starts = sorted(set(starts))

    def bounds(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``."""
        i = bisect.bisect_right(self.starts, pos) - 1
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end

    def starts_sentence(self, pos: int) -> bool:
        """Nothing but quotes, dashes or bullets stands between the sentence start and ``pos``."""
        start, _ = self.bounds(pos)
        return not any(c.isalnum() for c in self.text[start:pos])


def _abbreviation_before(text: str, dot: int) -> bool:
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot].lower()
    return word in _ABBREV or (len(word) == 1 and text[dot - 1].isupper())


# ------------------------------------------------------------------------------ common words
@cache
def _frequencies() -> tuple:
    """Word counts of the English and French lists pyspellchecker ships (no download)."""
    from spellchecker import SpellChecker

    return tuple(SpellChecker(language=lang, distance=1).word_frequency for lang in ("en", "fr"))


def is_common_word(word: str) -> bool:
    """Whether ``word`` is an ordinary English or French word ("reaper", "agenda", "zinc")."""
    w = word.lower()
    return any(freq[w] >= COMMON_WORD_COUNT for freq in _frequencies())


def is_common_phrase(name: str) -> bool:
    """Every word of the name is ordinary ("Hidden Cobra", "Gold Dragon"); digits make it a name."""
    ws = words(name)
    return bool(ws) and all(not w.isdigit() and is_common_word(w) for w in ws)


def word_pattern(alternatives: Iterable[str], *, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One regex for whole-word matches of the alternatives (themselves regexes), longest first."""
    alts = sorted(set(alternatives), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{a})" for a in alts) + r")(?![\w])", flags)
