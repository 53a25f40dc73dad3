"""Reading documents end to end: facts gathered, same-event links, STIX reports saved once."""

from __future__ import annotations

import pytest
import stix2

from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.read.linking import link_same_events, similarity
from geobuk.intel.read.model import Document
from geobuk.intel.read.reader import read_document
from geobuk.intel.read.stix_out import report_id, save_readings

FRENCH = """date 2024-07 (Paris) Les agences britanniques et américaines accusent un groupe nommé Andariel,
lié à Pyongyang, d'avoir visé des entreprises de la défense et de l'aérospatiale. Selon le NCSC, le
groupe utilisait le serveur 203.0.113[.]77 pour exfiltrer des plans.
"""
ENGLISH = """British and US agencies said a North Korean group known as Andariel targeted defence and
aerospace companies. The NCSC said the group used the server 203.0.113[.]77 to steal designs.
"""
OTHER = """A ransomware gang hit a Brazilian retailer; the attackers demanded $4 million in bitcoin.
"""


@pytest.fixture
def pack(store):
    ensure_builtin_pack(store)
    return store


def doc(doc_id: str, text: str, published: str | None = None) -> Document:
    return Document(id=doc_id, text=text, published=published, source=doc_id)


def test_reading_gathers_each_kind_of_fact(pack):
    reading = read_document(doc("fr", FRENCH, "2024-07"), pack)
    s = reading.summary()
    assert s["language"] == "fr"
    assert [a["name"] for a in s["actors"]] == ["Andariel"]
    assert {"defense", "aerospace"} <= set(s["sectors"])
    assert {"GB", "US"} <= set(s["countries"])
    assert {"type": "ipv4", "value": "203.0.113.77"} in s["indicators"]
    for ev in s["evidence"]:  # every fact points at the exact text it came from
        assert FRENCH[ev["start"]:ev["end"]] == ev["text"]


def test_same_event_in_two_languages_is_linked_and_other_news_is_not(pack):
    readings = [read_document(doc("fr", FRENCH, "2024-07"), pack), read_document(doc("en", ENGLISH), pack),
                read_document(doc("other", OTHER), pack)]
    pairs = link_same_events(readings)
    assert [(a, b) for a, b, _ in pairs] == [("fr", "en")]
    assert readings[0].same_event == ["en"] and readings[2].same_event == []
    assert similarity(readings[0], readings[2]) == 0.0


def test_save_creates_a_linked_report_once_and_indicators_reach_the_hunt(pack):
    readings = [read_document(doc("fr", FRENCH, "2024-07"), pack), read_document(doc("en", ENGLISH), pack)]
    link_same_events(readings)
    first = save_readings(pack, readings)
    assert first.added > 0
    again = [read_document(doc("fr", FRENCH, "2024-07"), pack), read_document(doc("en", ENGLISH), pack)]
    link_same_events(again)
    second = save_readings(pack, again)
    assert (second.added, second.versions) == (0, 0)
    report = pack.get(report_id(readings[0]))
    assert report["published"].startswith("2024-07-01")
    andariel = pack.resolve("Andariel")
    assert andariel in report["object_refs"]
    assert report["x_geobuk_same_event_as"] == [report_id(readings[1])]
    assert stix2.parse(report, allow_custom=True).type == "report"
    assert pack.indicators_for(["203.0.113.77"])[0][1] == "ipv4"
    targets = {r[3] for r in pack.relationships(source=andariel, rel_type="targets")}
    sector_names = {pack.get(t).get("name") for t in targets}
    assert any("aerospace" in (n or "").lower() for n in sector_names)
    # One actor named: the document's indicator points to it.
    ind = pack.indicators_for(["203.0.113.77"])[0][2]
    assert pack.relationships(source=ind, rel_type="indicates")[0][3] == andariel


def test_ambiguous_name_is_resolved_by_a_known_campaigns_victim(pack):
    text = ("Selon CrowdStrike, le groupe Labyrinth Chollima a infiltré JumpCloud pour atteindre des "
            "clients dans la crypto-monnaie.")
    actors = read_document(doc("jc", text), pack).summary()["actors"]
    assert [a["name"] for a in actors] == ["TraderTraitor"]
    without = read_document(doc("x", "Selon CrowdStrike, le groupe Labyrinth Chollima a frappé."), pack)
    [ambiguous] = without.summary()["actors"]
    assert ambiguous["id"] is None and len(ambiguous["candidates"]) > 1
