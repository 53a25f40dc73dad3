"""A reading saved as STIX 2.1: a report with its evidence, linked to what the store already knows.

Actors, malware and campaigns named in the text are referenced by their existing ids (never
duplicated); indicators get the same ids as the same values from any feed (``stable_id`` of type and
value), so a value reported twice is one object; victims become ``targets`` relationships from the
actors to the store's sector identities and country locations (created only when missing). Saving the
same document twice changes nothing.
"""

from __future__ import annotations

import hashlib

import orjson

from geobuk.intel.ids import stable_id, stix_timestamp
from geobuk.intel.patterns import pattern_for
from geobuk.intel.read.reader import Reading
from geobuk.intel.store import ImportCounts, Store

SAME_EVENT = "reports the same event"


def _published(reading: Reading) -> str:
    value = reading.doc.published or ""
    if len(value) == 4:
        value += "-01"
    if len(value) == 7:
        value += "-01"
    return f"{value[:10]}T00:00:00.000Z" if len(value) >= 10 else "1970-01-01T00:00:00.000Z"


def report_id(reading: Reading) -> str:
    digest = hashlib.sha256(reading.doc.text.encode()).hexdigest()
    return stable_id("report", digest)


def _existing(store: Store, oid: str) -> dict | None:
    return store.get(oid)


def _sector_ids(store: Store) -> dict[str, str]:
    out: dict[str, str] = {}
    for obj in store.objects(["identity"]):
        if obj.get("identity_class") == "class":
            key = obj.get("x_geobuk_subsector") or (obj.get("sectors") or [None])[0]
            if key:
                out.setdefault(key, obj["id"])
            for sector in obj.get("sectors") or []:
                out.setdefault(sector, obj["id"])
    return out


def _country_ids(store: Store) -> dict[str, str]:
    return {obj["country"].upper(): obj["id"] for obj in store.objects(["location"]) if obj.get("country")}


def reading_objects(reading: Reading, store: Store, *, now: str | None = None) -> list[dict]:
    """The STIX objects that save ``reading`` (the report last), reusing what the store has."""
    summary = reading.summary()
    rid = report_id(reading)
    old = _existing(store, rid)
    stamp = old["modified"] if old else (now or stix_timestamp())
    created = old["created"] if old else stamp
    published = _published(reading)
    origin = reading.doc.source or reading.doc.id
    ref = {"source_name": "geobuk intel read", "description": f"read from {origin}"}
    objects: list[dict] = []
    refs: list[str] = []

    def base(kind: str, oid: str) -> dict:
        return {"type": kind, "spec_version": "2.1", "id": oid, "created": created, "modified": stamp,
                "external_references": [ref]}

    for fact in reading.of("indicator"):
        oid = stable_id("indicator", fact.type or "", fact.value)
        refs.append(oid)
        if oid in refs[:-1] or store.get(oid):
            continue
        objects.append(base("indicator", oid) | {
            "name": fact.value, "pattern": pattern_for(fact.type, fact.value), "pattern_type": "stix",
            "valid_from": published, "indicator_types": ["malicious-activity"],
            "x_geobuk_observable": {"type": fact.type, "value": fact.value}})
    actors = [a["id"] for a in summary["actors"] if a["id"] and store.get(a["id"])]
    refs += actors
    refs += [m["id"] for m in summary["malware"] + summary["campaigns"] if m["id"] and store.get(m["id"])]
    sectors, countries = _sector_ids(store), _country_ids(store)
    victims: list[str] = []
    for fact in reading.of("sector"):
        sector = fact.data.get("subsector") or fact.value
        oid = sectors.get(sector) or stable_id("identity", "sector", sector)
        if oid not in sectors.values() and oid not in victims:
            objects.append(base("identity", oid) | {"name": f"{sector} sector", "identity_class": "class",
                                                     "sectors": [fact.value]}
                           | ({"x_geobuk_subsector": sector} if sector != fact.value else {}))
        victims.append(oid)
    for fact in reading.of("country"):
        if fact.data.get("role") == "origin" or len(fact.value) != 2:
            continue
        code = fact.value.upper()
        oid = countries.get(code) or stable_id("location", "country", code)
        if oid not in countries.values() and oid not in victims:
            objects.append(base("location", oid) | {"name": code, "country": code})
        victims.append(oid)
    victims = list(dict.fromkeys(victims))
    refs += victims
    for actor in actors:
        for victim in victims:
            objects.append(base("relationship", stable_id("relationship", actor, "targets", victim)) | {
                "relationship_type": "targets", "source_ref": actor, "target_ref": victim})
    if len(actors) == 1:  # one actor named: the document's indicators point to it
        for fact in reading.of("indicator"):
            iid = stable_id("indicator", fact.type or "", fact.value)
            objects.append(base("relationship", stable_id("relationship", iid, "indicates", actors[0])) | {
                "relationship_type": "indicates", "source_ref": iid, "target_ref": actors[0]})
    for other in reading.same_event:
        oid = stable_id("relationship", *sorted((rid, other)), "same-event")
        objects.append(base("relationship", oid) | {
            "relationship_type": "related-to", "source_ref": rid, "target_ref": other,
            "description": SAME_EVENT})
    refs = list(dict.fromkeys(refs)) or [rid]
    objects.append(base("report", rid) | {
        "name": reading.doc.title or reading.doc.id, "published": published,
        "report_types": ["threat-report"], "object_refs": refs, "lang": reading.doc.language or "en",
        "x_geobuk_document": reading.doc.id, "x_geobuk_same_event_as": list(reading.same_event),
        "x_geobuk_summary": {k: v for k, v in summary.items() if k not in ("evidence", "id")},
        "x_geobuk_evidence": summary["evidence"]})
    return objects


def save_readings(store: Store, readings: list[Reading]) -> ImportCounts:
    """Store every reading in one transaction (a report linking to another one needs it too)."""
    ids = {r.doc.id: report_id(r) for r in readings}
    for reading in readings:
        reading.same_event = [ids.get(x, x) for x in reading.same_event]
    now = stix_timestamp()
    objects = [obj for r in readings for obj in reading_objects(r, store, now=now)]
    # Relationships between two reports of this save must come after both reports.
    objects.sort(key=lambda o: (o["type"] == "relationship" and o.get("description") == SAME_EVENT))
    with store.transaction():
        return store.add_objects(orjson.loads(orjson.dumps(objects)), source="geobuk intel read")
