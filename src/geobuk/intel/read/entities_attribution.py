"""Vendor attributions: who says an activity is whose ("CrowdStrike a identifié le groupe comme
Labyrinth Chollima", "Mandiant attributed the intrusion to UNC4899", "Microsoft tracks this actor
as Jade Sleet").

Within one sentence, an actor name is attributed by a vendor, agency or international body when an
attribution verb (``data/attribution.yaml``) stands before the name, and the organisation stands
either before the verb ("Mandiant attributed ... to") or right after it with "by"/"par"
("attributed by Mandiant to"). The nearest verb and the nearest organisation win, and neither link
crosses a clause break ("; ", "tandis que", "while"), so "CrowdStrike named X, while Mandiant tied
it to Y" gives CrowdStrike -> X and Mandiant -> Y.
"""

from __future__ import annotations

import re
from functools import cache

from geobuk.intel.read.entities_data import load
from geobuk.intel.read.entities_orgs import ATTRIBUTING
from geobuk.intel.read.entities_text import Sentences
from geobuk.intel.read.model import Fact, Span

#: How far (characters) a verb may stand from the actor, and an organisation from the verb.
VERB_REACH = 160
VENDOR_REACH = 120


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = load("attribution")
    verbs = re.compile(r"(?<!\w)(?:" + "|".join(data["verbs"]) + r")(?!\w)", re.IGNORECASE)
    breaks = re.compile("|".join(data["clause_breaks"]), re.IGNORECASE)
    by = re.compile(r"(?<!\w)(?:" + "|".join(data["by"]) + r")\s+(?:(?:the|le|la|l['’])\s*)?$", re.IGNORECASE)
    return verbs, breaks, by


def find_attributions(text: str, actors: list[Fact], orgs: list[Fact], sentences: Sentences) -> list[Fact]:
    """One fact per (organisation, actor name) pair a sentence states."""
    verbs, breaks, by = _patterns()
    vendors = [o for o in orgs if o.type in ATTRIBUTING]
    facts = []
    for actor in actors:
        s_start, _ = sentences.bounds(actor.span.start)
        verb = _last_verb(text, max(s_start, actor.span.start - VERB_REACH), actor.span.start, verbs, breaks)
        if verb is None:
            continue
        vendor = _vendor_after(text, verb, actor, vendors, by) or _vendor_before(
            text, verb, max(s_start, verb.start() - VENDOR_REACH), vendors, breaks)
        if vendor is None:
            continue
        start = min(vendor.span.start, verb.start())
        data = {"vendor": vendor.value, "actor_id": actor.value, "alias": actor.span.text,
                "name": actor.data.get("name"), "verb": verb.group()}
        if "candidates" in actor.data:
            data["candidates"] = actor.data["candidates"]
        span = Span(start, actor.span.end, text[start:actor.span.end])
        facts.append(Fact("attribution", actor.value, span, None, data))
    return facts


def _last_verb(text: str, lo: int, hi: int, verbs: re.Pattern, breaks: re.Pattern) -> re.Match | None:
    """The attribution verb nearest before ``hi`` with no clause break between."""
    found = None
    for m in verbs.finditer(text, lo, hi):
        found = m
    if found is None or breaks.search(text, found.end(), hi):
        return None
    return found


def _vendor_after(text: str, verb: re.Match, actor: Fact, vendors: list[Fact], by: re.Pattern) -> Fact | None:
    for org in vendors:
        if verb.end() <= org.span.start and org.span.end <= actor.span.start and by.search(
                text, verb.end(), org.span.start):
            return org
    return None


def _vendor_before(text: str, verb: re.Match, lo: int, vendors: list[Fact],
                   breaks: re.Pattern) -> Fact | None:
    best = None
    for org in vendors:
        if (lo <= org.span.start and org.span.end <= verb.start()
                and not breaks.search(text, org.span.end, verb.start())):
            best = org  # vendors are in text order: the last one is the nearest
    return best
