"""geobuk's own phrase lists: how reports word each technique, in English and French.

``data/techniques_phrases.yaml`` holds, per technique, short descriptions (embedded and compared
with sentences by meaning) and regular expressions: *cues* name the behaviour without ambiguity
(``schtasks``, ``CreateRemoteThread``, "rançongiciel"), *hints* only point to it. Cues are what makes
the extractor precise on technical wording, which sentence embeddings blur; the descriptions are
what lets it recognise a behaviour worded in a way no cue foresaw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import ahocorasick
import yaml

from geobuk.intel.read.regex_literals import fold, required_literals

#: Relative strength of a hint compared with a cue.
CUE, HINT = "cue", "hint"


@dataclass
class PhraseEntry:
    technique_id: str
    en: list[str] = field(default_factory=list)
    fr: list[str] = field(default_factory=list)
    cues: list[re.Pattern] = field(default_factory=list)
    hints: list[re.Pattern] = field(default_factory=list)
    over: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CueHit:
    technique_id: str
    kind: str  # CUE or HINT
    start: int
    end: int


@lru_cache(maxsize=1)
def phrase_book() -> dict[str, PhraseEntry]:
    """The shipped phrase lists, compiled once per process."""
    path = resources.files("geobuk.intel.read").joinpath("data/techniques_phrases.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    book = {}
    for tid, entry in raw.items():
        entry = entry or {}
        book[tid] = PhraseEntry(
            tid, list(entry.get("en", [])), list(entry.get("fr", [])),
            [_compile(tid, p) for p in dict.fromkeys(entry.get("cues", []))],
            [_compile(tid, p) for p in dict.fromkeys(entry.get("hints", []))],
            list(entry.get("over", [])))
    return book


def _compile(tid: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:  # a bad pattern is a packaging bug: name it
        raise ValueError(f"techniques_phrases.yaml: {tid}: bad pattern {pattern!r}: {exc}") from None


def demote_outranked(counts: dict[str, list[int]]) -> dict[str, list[int]]:
    """Apply ``over``: a cue of a technique that a more specific one outranks counts as a hint.

    ``counts`` maps technique id -> [cues, hints] for one sentence; it is changed and returned.
    """
    book = phrase_book()
    for tid, (cues, _) in list(counts.items()):
        if not cues or tid not in book:
            continue
        for weaker in book[tid].over:
            if weaker in counts and counts[weaker][0]:
                counts[weaker][1] += counts[weaker][0]
                counts[weaker][0] = 0
    return counts


#: Words kept on each side of a cue or hint when its neighbourhood is compared by meaning.
WINDOW_WORDS = 8
_WORD = re.compile(r"\S+")


def cue_window(text: str, start: int, end: int, words: int = WINDOW_WORDS) -> str:
    """The cue at ``text[start:end]`` with ``words`` words on each side.

    A long sentence's vector averages everything it says ("... the NCSC said that Andariel also
    ran ransomware attacks against US hospitals to fund its espionage ..."), so its similarity to
    the technique a cue names is low even when the cue is right; the few words around the cue are
    what the technique's phrases should be compared with.
    """
    before = [m.start() for m in _WORD.finditer(text, 0, start)]
    after = [m.end() for m in _WORD.finditer(text, end)]
    left = before[-words] if len(before) >= words else 0
    right = after[words - 1] if len(after) >= words else len(text)
    return " ".join(text[left:right].split())


class _CueScanner:
    """The phrase book's patterns, each scanned only when a word it cannot match without occurs.

    Gives exactly the hits of scanning every pattern, in the same order (``regex_literals``).
    """

    def __init__(self, book: dict[str, PhraseEntry]) -> None:
        self.patterns = [(tid, kind, pattern, required_literals(pattern))
                         for tid, entry in book.items()
                         for kind, patterns in ((CUE, entry.cues), (HINT, entry.hints))
                         for pattern in patterns]
        self.words = ahocorasick.Automaton()
        for word in {w for *_, words in self.patterns if words for w in words}:
            self.words.add_word(word, word)
        if len(self.words):
            self.words.make_automaton()

    def scan(self, text: str, *, prefilter: bool = True) -> Iterator[CueHit]:
        """The hits; ``prefilter=False`` scans every pattern (the reference the tests compare with)."""
        found = self.words.iter(fold(text)) if prefilter and len(self.words) else ()
        present = {word for _, word in found}
        for tid, kind, pattern, words in self.patterns:
            if prefilter and words is not None and words.isdisjoint(present):
                continue
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    yield CueHit(tid, kind, m.start(), m.end())


@lru_cache(maxsize=1)
def _scanner() -> _CueScanner:
    return _CueScanner(phrase_book())


def find_cues(text: str, *, prefilter: bool = True) -> Iterator[CueHit]:
    """Every cue and hint match in ``text`` (a match may overlap another technique's)."""
    return _scanner().scan(text, prefilter=prefilter)
