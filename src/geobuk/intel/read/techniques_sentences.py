"""Cutting a document into the sentences whose spans become the evidence for described techniques.

Technique matching works sentence by sentence: a sentence is the unit a reader checks, and the unit
the sentence encoder was trained on. Reports are full of things that end in a dot without ending a
sentence (``cmd.exe``, ``e.g.``, ``v1.2``, domains), so a cut needs the dot followed by white space
and a plausible sentence start; blank lines and list bullets also end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from geobuk.intel.read.model import Span

#: Words that end with a dot without ending the sentence (English and French).
_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "fig", "no", "vs", "mr", "mrs", "dr", "inc", "ltd", "co", "corp", "al", "approx",
    "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "p", "pp", "vol", "cf", "ex", "env", "m", "mme", "mlle", "st", "n°", "ca",
})

# A candidate end: sentence punctuation (and closing quotes/brackets), then white space.
_END = re.compile(r"[.!?;…]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*•▪◦‣]|\d+[.)])\s)")
_WORD_BEFORE = re.compile(r"([\w.°]+)[.!?]*$")

#: Sentences longer than this are cut at the next comma or space: a table or a list flattened into
#: one run of text would otherwise be one huge "sentence" whose meaning is an average of everything.
MAX_SENTENCE_CHARS = 600


def sentence_spans(text: str) -> Iterator[Span]:
    """The sentences of ``text`` with their exact character offsets, stripped of outer white space."""
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if m.group().startswith((".", "!", "?", ";", "…")) and not _is_real_end(text, m.start(), end):
            continue
        yield from _emit(text, start, end)
        start = end
    yield from _emit(text, start, len(text))


def _is_real_end(text: str, dot: int, after: int) -> bool:
    """A dot ends a sentence unless it closes an abbreviation or the next word starts in lower case."""
    if text[dot] == ".":
        before = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
        if before and before.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            return False
    rest = text[after:after + 40].lstrip()
    return not rest or not rest[0].islower()


def _emit(text: str, start: int, end: int) -> Iterator[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(", ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut + 1 if cut > start else start + MAX_SENTENCE_CHARS
        yield Span(start, cut, text[start:cut].rstrip())
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield Span(start, end, text[start:end])
