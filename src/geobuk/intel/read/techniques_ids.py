"""Technique ids written out in a text: ``T1566``, ``T1566.001``, ATT&CK URLs, with the name beside them.

An id counts only when it stands alone: ``T1059`` inside a hash, a Base64 blob or a file name is a
coincidence, not a claim. Only ids that ATT&CK (shipped catalog or store) knows are kept, so
``T9999`` or a product code is not reported as a technique.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from geobuk.intel.read.model import Span
from geobuk.intel.read.techniques_catalog import Technique, parent_of

# "/" separates the sub-technique only in ATT&CK URLs (…/techniques/T1566/001/).
_ID = re.compile(r"(?<![\w+=.\\$@#%&-])(T\d{4})(?:\.(\d{3})|/(\d{3}))?(?![\w+=@#]|\.\d|/\d)")
_URL_BEFORE = "techniques/"
_SEPARATOR = re.compile(r"[ \t]*(?:[-–—:|]|\))?[ \t]*")


@dataclass(frozen=True)
class IdMention:
    technique: Technique
    span: Span


def find_ids(text: str, catalog: Mapping[str, Technique]) -> Iterator[IdMention]:
    """Ids ATT&CK knows, each with its span (widened to the technique's name when written beside it)."""
    for m in _ID.finditer(text):
        before = text[max(0, m.start() - len(_URL_BEFORE)):m.start()]
        if m.start() > 0 and text[m.start() - 1] == "/" and before != _URL_BEFORE:
            continue
        if m.group(3) and before != _URL_BEFORE:
            continue
        sub = m.group(2) or m.group(3)
        tid = f"{m.group(1)}.{sub}" if sub else m.group(1)
        technique = catalog.get(tid)
        if technique is None:
            continue
        start, end = _with_name(text, m.start(), m.end(), _names(technique, catalog))
        yield IdMention(technique, Span(start, end, text[start:end]))


def _names(technique: Technique, catalog: Mapping[str, Technique]) -> list[str]:
    """How a report may write the name: "Spearphishing Attachment" or "Phishing: Spearphishing Attachment"."""
    names = [technique.name]
    parent = catalog.get(parent_of(technique.id))
    if parent is not None and parent.id != technique.id:
        names.insert(0, f"{parent.name}: {technique.name}")
    return names


def _with_name(text: str, start: int, end: int, names: list[str]) -> tuple[int, int]:
    after = _SEPARATOR.match(text, end)
    if after:
        for name in names:
            stop = after.end() + len(name)
            if text[after.end():stop].lower() == name.lower() and not text[stop:stop + 1].isalnum():
                return start, stop
    # "Spearphishing Attachment (T1566.001)" or "Spearphishing Attachment - T1566.001"
    head = text[max(0, start - 120):start]
    for name in names:
        m = re.search(re.escape(name) + r"[ \t]*(?:(\()|[-–—:|])?[ \t]*$", head, re.IGNORECASE)
        if m and (m.start() == 0 or not head[m.start() - 1].isalnum()):
            closes = m.group(1) and text[end:end + 1] == ")"
            return start - (len(head) - m.start()), end + 1 if closes else end
    return start, end
