"""A document read: every extractor's facts put together, in the shape the CLI and STIX output use.

Extractors each find one kind of fact; this module runs them once per document and summarises the
facts per field (actors, sectors, countries...), keeping every fact's span as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geobuk.intel.names import normalize_name
from geobuk.intel.read.entities import extract_entities
from geobuk.intel.read.iocs import extract_indicators
from geobuk.intel.read.language import detect_language
from geobuk.intel.read.model import Document, Fact
from geobuk.intel.read.techniques import extract_techniques
from geobuk.intel.store import Store


@dataclass
class Reading:
    """What geobuk learnt from one document. ``same_event`` lists the ids of other documents read
    together that report the same event (see ``linking``)."""

    doc: Document
    facts: list[Fact]
    same_event: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    def _unique(self, kind: str, shape) -> list:  # noqa: ANN001 - a function of one fact
        seen, out = set(), []
        for fact in self.of(kind):
            item = shape(fact)
            key = repr(item)
            if key not in seen:
                seen.add(key)
                out.append(item)
        return out

    def summary(self) -> dict:
        """The JSON object of ``geobuk intel read --json``."""
        def named(f: Fact) -> dict:
            if not f.value:  # an ambiguous name: say so, with the actors it may mean
                return {"id": None, "name": f.data.get("alias") or f.span.text,
                        "candidates": f.data.get("candidates", [])}
            return {"id": f.value, "name": f.data.get("name") or f.value}

        return {
            "id": self.doc.id,
            "language": self.doc.language,
            "published": self.doc.published,
            "title": self.doc.title,
            "actors": self._unique("actor", named),
            "malware": self._unique("malware", named),
            "campaigns": self._unique("campaign", named),
            "attributions": self._unique("attribution", lambda f: {
                "vendor": f.data.get("vendor"), "actor": f.value, "alias": f.data.get("alias")}),
            "techniques": self._unique("technique", lambda f: f.value),
            "sectors": self._unique("sector", lambda f: f.value),
            "subsectors": [x for x in self._unique("sector", lambda f: f.data.get("subsector")) if x],
            "countries": self._unique("country", lambda f: f.value),
            "organizations": self._unique("organization", lambda f: f.value),
            "amounts": self._unique("amount", lambda f: {
                "value": f.data.get("value"), "currency": f.data.get("currency") or f.type,
                "text": f.span.text}),
            "dates": self._unique("date", lambda f: f.value),
            "indicators": self._unique("indicator", lambda f: {"type": f.type, "value": f.value}),
            "same_event_as": list(self.same_event),
            "evidence": [{"kind": f.kind, "value": f.value, "start": f.span.start, "end": f.span.end,
                          "text": f.span.text} for f in self.facts],
        }


def read_document(doc: Document, store: Store) -> Reading:
    """Run every extractor over one document."""
    if doc.language is None:
        doc.language = detect_language(doc.text)
    facts: list[Fact] = []
    facts += extract_entities(doc, store)
    facts += extract_techniques(doc.text, language=doc.language, store=store)
    facts += extract_indicators(doc.text)
    facts.sort(key=lambda f: (f.span.start, f.kind))
    _resolve_by_campaign(facts, store)
    return Reading(doc, facts)


def _resolve_by_campaign(facts: list[Fact], store: Store) -> None:
    """An ambiguous actor name (CrowdStrike's "Labyrinth Chollima" is Lazarus-wide for some, the
    JumpCloud intruder for others) is resolved when the document names the victim of a known
    campaign attributed to exactly one of the candidates ("JumpCloud" -> the JumpCloud intrusion ->
    TraderTraitor)."""
    named = {normalize_name(f.value) for f in facts if f.kind in ("organization", "campaign")}
    named |= {normalize_name(f.span.text) for f in facts if f.kind == "organization"}
    if not named:
        return
    for fact in facts:
        if fact.kind != "actor" or fact.value or not fact.data.get("candidates"):
            continue
        supported = []
        for candidate in fact.data["candidates"]:
            for _, _, source, _ in store.relationships(target=candidate["id"], rel_type="attributed-to"):
                campaign = store.get(source)
                if campaign and campaign["type"] == "campaign" and any(
                        n and n in normalize_name(campaign.get("name", "")) for n in named):
                    supported.append(candidate)
                    break
        if len(supported) == 1:
            fact.value = supported[0]["id"]
            fact.data["name"] = supported[0]["name"]
            fact.data["resolved_by"] = "campaign"
