"""Entities of a document, in English or French: actors, malware, campaigns, attributions, sectors,
countries, organisations, amounts and dates, each with the exact span of text it came from.

Each kind has its own module (``entities_names``, ``entities_attribution``, ``entities_sectors``,
``entities_places``, ``entities_orgs``, ``entities_amounts``, ``entities_dates``); this one runs
them over one shared reading of the text and settles overlaps: a store name beats an organisation,
which beats a place, a sector or a date inside it ("Agence France-Presse" is no mention of
France, "Bangladesh Bank" no mention of the banking sector); an amount's currency is no country
("dollars américains").
"""

from __future__ import annotations

import bisect
import itertools

from geobuk.intel.read.entities_amounts import find_amounts
from geobuk.intel.read.entities_attribution import find_attributions
from geobuk.intel.read.entities_dates import find_dates
from geobuk.intel.read.entities_names import NameFinder, name_facts
from geobuk.intel.read.entities_orgs import find_organizations
from geobuk.intel.read.entities_places import find_places
from geobuk.intel.read.entities_sectors import find_sectors
from geobuk.intel.read.entities_text import Sentences, Squeezed
from geobuk.intel.read.language import detect_language
from geobuk.intel.read.model import Document, Fact

KINDS = ("actor", "malware", "campaign", "attribution", "sector", "country", "organization", "amount", "date")


def extract_entities(doc: Document, store) -> list[Fact]:
    """Every entity fact of ``doc``, in text order. ``store`` is an open ``geobuk.intel.store.Store``."""
    text = doc.text
    if not text.strip():
        return []
    language = doc.language or detect_language(text)
    sq = Squeezed(text)
    sentences = Sentences(text)
    names = name_facts(NameFinder(store).find(sq, sentences), store)
    orgs = _outside(find_organizations(sq, sentences), names)
    amounts = find_amounts(text, language)
    taken = names + orgs + amounts
    places = _outside(find_places(sq, sentences), taken)
    sectors = _outside(find_sectors(text, sentences), taken)
    dates = _outside(find_dates(text, doc.published, language), taken)
    actors = [f for f in names if f.kind == "actor"]
    attributions = find_attributions(text, actors, orgs, sentences)
    facts = names + orgs + places + sectors + amounts + dates + attributions
    return sorted(facts, key=lambda f: (f.span.start, f.span.end, KINDS.index(f.kind)))


def _outside(facts: list[Fact], taken: list[Fact]) -> list[Fact]:
    """The facts whose span overlaps none of ``taken`` (one binary search per fact)."""
    spans = sorted((f.span.start, f.span.end) for f in taken)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end among the first i spans
    out = []
    for fact in facts:
        i = bisect.bisect_left(starts, fact.span.end)  # spans starting before the fact ends
        if i == 0 or reach[i - 1] <= fact.span.start:
            out.append(fact)
    return out
