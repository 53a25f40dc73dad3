"""Actors, malware and campaigns: every name the intel store knows, found in running text.

All names of the store (intrusion sets, threat actors, malware, tools, campaigns) go into one
automaton, built once per set of names. A hit counts only when its case fits a proper name:

- a name never fires written all in lower case ("reaper", "agenda", "hidden cobra");
- a name the store writes in capitals of up to four letters or with digits ("RGB", "ZINC",
  "APT45", "TA404") must be written in capitals;
- every word the store capitalises must be capitalised ("Labyrinth Chollima", not "Labyrinth chollima");
- a name made only of ordinary English or French words ("Reaper", "Agenda", "Zinc", "Gold Dragon")
  must also not be a lone word opening a sentence, where any word is capitalised.

A group name may drop its last word ("Lazarus" for "Lazarus Group", see ``data/actor_names.yaml``),
and ``data/actor_names.yaml`` adds French renderings of store names.

Ambiguous names: when a name points to several actors (an overlap name such as "Labyrinth
Chollima"), the fact's ``data["candidates"]`` lists them all. Its value is the store's resolution
(a primary name beats an alias beats an overlap); on a tie, the one candidate that another,
unambiguous name of the same document also names (``data["resolved_by"] = "co-mention"``); else
the value is "" and ``data["ambiguous"]`` is true. A name that is both an actor and a malware
("AppleJeus", "TraderTraitor") is a malware when a malware word stands next to it, else an actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geobuk.intel.names import ACTOR_TYPES
from geobuk.intel.read.entities_data import load
from geobuk.intel.read.entities_text import (
    Gazetteer,
    Hit,
    Sentences,
    Squeezed,
    capitals_kept,
    is_common_phrase,
    is_upper,
    word_pattern,
)
from geobuk.intel.read.model import Fact, Span

MALWARE_TYPES = ("malware", "tool")
CAMPAIGN_TYPES = ("campaign",)
TYPES_BY_KIND = {"actor": ACTOR_TYPES, "malware": MALWARE_TYPES, "campaign": CAMPAIGN_TYPES}


@dataclass(frozen=True)
class _Form:
    """A written form of a store name: ``target`` is the store name it stands for."""

    kind: str
    target: str
    acronym: bool
    common: bool
    derived: bool = False  # a shortened or translated form, which yields to a store name


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return is_upper(name) and (len(letters) <= 4 or any(c.isdigit() for c in name))


@lru_cache(maxsize=8)
def _gazetteer(names: tuple[tuple[str, str], ...]) -> Gazetteer[_Form]:
    """The automaton for a set of (kind, store name) pairs; rebuilt only when the names change."""
    data = load("actor_names")
    suffixes = tuple(" " + s for s in data["droppable_suffixes"])
    forms: list[tuple[str, _Form]] = []
    known = {}
    for kind, name in names:
        known.setdefault(name.casefold(), []).append(kind)
        forms.append((name, _Form(kind, name, _is_acronym(name), is_common_phrase(name))))
        if kind == "actor" and name.endswith(suffixes):
            stem = name.rsplit(" ", 1)[0]
            if len(stem) >= 4 and not is_common_phrase(stem):
                forms.append((stem, _Form(kind, name, _is_acronym(stem), False, derived=True)))
    for written, target in data["names"].items():
        for kind in known.get(target.casefold(), []):
            forms.append((written, _Form(kind, target, False, is_common_phrase(written), derived=True)))
    return Gazetteer(forms, min_key=3)


def _store_names(store) -> tuple[tuple[str, str], ...]:
    return tuple((kind, name) for kind, types in TYPES_BY_KIND.items() for name in store.all_names(types))


def _case_ok(written: str, surface: str, form: _Form, at_sentence_start: bool) -> bool:
    if written == surface and not (form.common and at_sentence_start and " " not in written):
        return True
    if not any(c.isupper() for c in written if c.isalpha()):
        return False
    if form.acronym:
        return is_upper(written)
    if not capitals_kept(written, surface):
        return False
    if form.common:
        single = len(re.findall(r"\w+", written)) == 1
        return is_upper(written) or not (single and at_sentence_start)
    return True


@dataclass
class NameHit:
    """One name found: its span, the kind chosen, and the store matches it points to."""

    span: Span
    kind: str
    target: str
    matches: list  # NameMatch of the chosen kind


class NameFinder:
    """Finds the store's names in one document (build once per document)."""

    def __init__(self, store) -> None:
        self.store = store
        self.gazetteer = _gazetteer(_store_names(store))
        words = load("actor_names")
        self._malware_words = word_pattern(words["malware_words"])
        self._actor_words = word_pattern(words["actor_words"])

    def find(self, sq: Squeezed, sentences: Sentences) -> list[NameHit]:
        text = sq.text

        def accept(written: str, start: int, items: list) -> list:
            at_start = sentences.starts_sentence(start)
            return [form for surface, form in items if _case_ok(written, surface, form, at_start)]

        out = []
        for hit in self.gazetteer.find(sq, accept):
            chosen = self._choose(text, hit)
            if chosen is not None:
                out.append(chosen)
        return out

    def _choose(self, text: str, hit: Hit) -> NameHit | None:
        """Pick the kind (actor, malware, campaign) and gather the store's matches for it."""
        by_kind: dict[str, tuple[str, list]] = {}
        for form in sorted(hit.entries, key=lambda f: f.derived):
            matches = self.store.lookup_name(form.target, TYPES_BY_KIND[form.kind])
            if matches and form.kind not in by_kind:
                by_kind[form.kind] = (form.target, matches)
        if not by_kind:
            return None
        kind = next(iter(by_kind))
        if len(by_kind) > 1:
            kind = self._kind_from_context(text, hit, by_kind)
        target, matches = by_kind[kind]
        return NameHit(Span(hit.start, hit.end, hit.text), kind, target, matches)

    def _kind_from_context(self, text: str, hit: Hit, by_kind: dict) -> str:
        """The word right after the name decides ("AppleJeus malware", "AppleJeus group"), else the one
        right before ("le malware AppleJeus"); an actor by default."""
        after = re.findall(r"\w+", text[hit.end:hit.end + 40])[:1]
        before = re.findall(r"\w+", text[max(0, hit.start - 40):hit.start])[-1:]
        for word in after + before:
            if self._actor_words.fullmatch(word) and "actor" in by_kind:
                return "actor"
            if self._malware_words.fullmatch(word) and "malware" in by_kind:
                return "malware"
        return "actor" if "actor" in by_kind else next(iter(by_kind))


def name_facts(hits: list[NameHit], store) -> list[Fact]:
    """Facts for the names found, resolving ambiguous actor names by co-mention where possible."""
    resolved: dict[int, str | None] = {}
    for i, h in enumerate(hits):
        resolved[i] = store.resolve(h.target, TYPES_BY_KIND[h.kind])
    sure = {v for i, v in resolved.items() if v and len({m.object_id for m in hits[i].matches}) == 1}
    names: dict[str, str] = {}

    def name_of(oid: str) -> str:
        if oid not in names:
            obj = store.get(oid) or {}
            names[oid] = obj.get("name", oid)
        return names[oid]

    facts = []
    for i, h in enumerate(hits):
        ids = list(dict.fromkeys(m.object_id for m in h.matches))
        value = resolved[i]
        data: dict = {"name": None, "alias": h.span.text}
        if value is None:
            co = [oid for oid in ids if oid in sure]
            if len(co) == 1:
                value = co[0]
                data["resolved_by"] = "co-mention"
        if len(ids) > 1:
            data["candidates"] = [{"id": m.object_id, "name": name_of(m.object_id), "kind": m.kind}
                                  for m in h.matches]
            data["ambiguous"] = value is None
        if value:
            data["name"] = name_of(value)
        otype = h.matches[0].object_type if value is None else value.split("--", 1)[0]
        facts.append(Fact(h.kind, value or "", h.span, otype, data))
    return facts
