"""Targeted sectors, from English and French words, mapped to the STIX industry-sector vocabulary.

Some words name a sector by themselves ("aerospace", "hôpitaux", "échanges crypto-monétaires");
others are also ordinary words ("nuclear" ambitions, "military" exercises, "social engineering")
and count only in a sector context (see ``data/sectors.yaml``): in a list with a sector word, after
a cue ("secteurs de la médecine", "entités dans la défense", "targeting defence") or before a head
noun ("defence, aerospace, nuclear and engineering organisations", "energy providers"). So
"nuclear family" and "les ambitions militaires et nucléaires" give nothing.

Values: engineering has no value of its own in the vocabulary and becomes "manufacturing" with
``data["subsector"] = "engineering"``; cryptocurrency becomes "financial-services" with subsector
"cryptocurrency"; nuclear is the vocabulary's "nuclear". ``data["target"]`` is the key of the
built-in pack's target identity for that sector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from geobuk.intel.read.entities_data import load
from geobuk.intel.read.entities_text import Sentences, word_pattern
from geobuk.intel.read.model import Fact, Span


@dataclass(frozen=True)
class _Term:
    start: int
    end: int
    key: str
    strong: bool


@dataclass(frozen=True)
class _Sector:
    key: str
    sector: str
    subsector: str | None
    in_pack: bool
    patterns: tuple[tuple[re.Pattern, bool], ...]  # (pattern, strong)
    not_before: frozenset[str]
    not_after: frozenset[str]


def _pattern(terms: list[str], flags: int = re.IGNORECASE) -> re.Pattern | None:
    return word_pattern(terms, flags=flags) if terms else None


@cache
def _sectors() -> tuple[_Sector, ...]:
    out = []
    for key, spec in load("sectors")["sectors"].items():
        exact = set(spec.get("exact") or [])
        patterns = []
        for strength in ("strong", "weak"):
            terms = spec.get(strength) or []
            for chosen, flags in (([t for t in terms if t not in exact], re.IGNORECASE),
                                  ([t for t in terms if t in exact], 0)):
                pattern = _pattern(chosen, flags)
                if pattern is not None:
                    patterns.append((pattern, strength == "strong"))
        out.append(_Sector(
            key, spec["sector"], spec.get("subsector"), spec.get("pack", True), tuple(patterns),
            frozenset(w.lower() for w in spec.get("not_before") or []),
            frozenset(w.lower() for w in spec.get("not_after") or []),
        ))
    return tuple(out)


@cache
def _context() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    ctx = load("sectors")["context"]
    small = [re.escape(w) for w in ctx["small_words"] if not w.endswith(("'", "’"))]
    cue = "|".join(ctx["before"])
    before = re.compile(rf"(?<!\w)(?:{cue})(?:\W*(?:{'|'.join(small)})(?!\w)){{0,4}}\W*(?:[dl]['’])?\s*$",
                        re.IGNORECASE)
    after = re.compile(rf"^\s*(?:{'|'.join(ctx['after'])})(?!\w)", re.IGNORECASE)
    joiner_words = "|".join(re.escape(j) for j in ctx["joiners"] + ctx["small_words"])
    joiner = re.compile(rf"^(?:[\s,;/&«»\"“”]|(?:{joiner_words})(?!\w))*$", re.IGNORECASE)
    return before, after, joiner


def _terms(text: str) -> list[_Term]:
    found: list[_Term] = []
    for sector in _sectors():
        for pattern, strong in sector.patterns:
            for m in pattern.finditer(text):
                if not _blocked(text, m.start(), m.end(), sector):
                    found.append(_Term(m.start(), m.end(), sector.key, strong))
    found.sort(key=lambda t: (t.start, -(t.end - t.start), not t.strong))
    out: list[_Term] = []
    for term in found:
        if not out or term.start >= out[-1].end:
            out.append(term)
    return out


def _blocked(text: str, start: int, end: int, sector: _Sector) -> bool:
    before = re.findall(r"\w+", text[max(0, start - 30):start])
    after = re.findall(r"\w+", text[end:end + 30])
    return bool((before and before[-1].lower() in sector.not_before)
                or (after and after[0].lower() in sector.not_after))


def _lists(text: str, terms: list[_Term], sentences: Sentences) -> list[list[_Term]]:
    """Group terms that one list coordinates ("la défense, l'aérospatiale et le nucléaire")."""
    _, _, joiner = _context()
    groups: list[list[_Term]] = []
    for term in terms:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.end:term.start]
            same_sentence = sentences.bounds(prev.start)[0] == sentences.bounds(term.start)[0]
            if same_sentence and len(gap) <= 40 and joiner.match(gap):
                groups[-1].append(term)
                continue
        groups.append([term])
    return groups


def _in_context(text: str, group: list[_Term], sentences: Sentences) -> bool:
    before, after, _ = _context()
    if any(t.strong for t in group):
        return True
    first, last = group[0], group[-1]
    s_start, s_end = sentences.bounds(first.start)
    if before.search(text[max(s_start, first.start - 100):first.start]):
        return True
    return bool(after.match(text[last.end:min(s_end, last.end + 60)]))


def find_sectors(text: str, sentences: Sentences) -> list[Fact]:
    """One fact per sector word in a sector context."""
    by_key = {s.key: s for s in _sectors()}
    facts = []
    for group in _lists(text, _terms(text), sentences):
        if not _in_context(text, group, sentences):
            continue
        for term in group:
            sector = by_key[term.key]
            data: dict = {"term": text[term.start:term.end]}
            if sector.subsector:
                data["subsector"] = sector.subsector
            if sector.in_pack:
                data["target"] = sector.key
            span = Span(term.start, term.end, text[term.start:term.end])
            facts.append(Fact("sector", sector.sector, span, "industry-sector", data))
    return facts
