"""Organisations under one name, and vendor attributions, in English and French."""

from __future__ import annotations

import pytest

from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.read.entities import extract_entities
from geobuk.intel.read.model import Document
from geobuk.intel.store import Store


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("pack") / "x.duckdb") as s:
        ensure_builtin_pack(s)
        yield s


def of_kind(store, text: str, kind: str) -> list:
    return [f for f in extract_entities(Document("t", text), store) if f.kind == kind]


def test_french_and_english_names_of_one_organisation_are_one_name(pack):
    text = ("Le Centre britannique pour la cybersécurité (NCSC) a publié une alerte. "
            "The UK National Cyber Security Centre agreed with the Federal Bureau of Investigation "
            "and the FBI.")
    facts = of_kind(pack, text, "organization")
    ncsc, fbi = "National Cyber Security Centre", "Federal Bureau of Investigation"
    assert [f.value for f in facts] == [ncsc, ncsc, ncsc, fbi, fbi]
    assert [f.data["written"] for f in facts][:3] == [
        "Centre britannique pour la cybersécurité", "NCSC", "UK National Cyber Security Centre"]
    assert facts[0].type == "government" and facts[0].data["country"] == "GB"


def test_vendors_media_and_the_un(pack):
    text = ("Selon Google Threat Intelligence Group (GTIG), relayé par l'Agence France-Presse et Reuters, "
            "le rapport des Nations unies cite Chainalysis; l'ONU et le Panel of Experts confirment.")
    names = [f.value for f in of_kind(pack, text, "organization")]
    gtig = "Google Threat Intelligence Group"
    assert names == [gtig, gtig, "Agence France-Presse", "Reuters", "United Nations", "Chainalysis",
                     "United Nations", "UN Panel of Experts"]


def test_acronyms_must_be_written_in_capitals(pack):
    # The French article "un" is not the UN, "afp" in a URL is not the agency.
    assert of_kind(pack, "Un rapport cite un expert; voir afp et cisa en minuscules.", "organization") == []
    assert [f.value for f in of_kind(pack, "The UN and CISA agree.", "organization")] == [
        "United Nations", "Cybersecurity and Infrastructure Security Agency"]


def test_country_inside_an_organisation_name_is_not_a_country_mention(pack):
    facts = extract_entities(Document("t", "Une dépêche de l'Agence France-Presse."), pack)
    assert [f.kind for f in facts] == ["organization"]


def test_french_vendor_attribution_with_an_ambiguous_name(pack):
    text = 'CrowdStrike a identifié le groupe de piratage comme "Labyrinth Chollima", selon la société.'
    [fact] = of_kind(pack, text, "attribution")
    assert fact.data["vendor"] == "CrowdStrike" and fact.data["alias"] == "Labyrinth Chollima"
    assert fact.data["actor_id"] == "" and len(fact.data["candidates"]) == 4
    assert fact.span.text.startswith("CrowdStrike") and fact.span.text.endswith("Labyrinth Chollima")
    assert text[fact.span.start:fact.span.end] == fact.span.text


@pytest.mark.parametrize(("text", "vendor", "actor"), [
    ("Mandiant attributed the JumpCloud breach to UNC4899 with confidence.", "Mandiant", "TraderTraitor"),
    ("Microsoft tracks this actor as Jade Sleet.", "Microsoft", "TraderTraitor"),
    ("The intrusion was attributed by Mandiant to UNC4899.", "Mandiant", "TraderTraitor"),
    ("Selon Kaspersky, la campagne est liée à BlueNoroff.", "Kaspersky", "APT38"),
    ("Le FBI attribue ce vol au groupe Lazarus.", "Federal Bureau of Investigation", "Lazarus Group"),
])
def test_attributions(pack, text, vendor, actor):
    [fact] = of_kind(pack, text, "attribution")
    assert fact.data["vendor"] == vendor
    assert fact.value == fact.data["actor_id"] == pack.resolve(actor)
    assert fact.data["name"] == actor


def test_each_vendor_keeps_to_its_own_clause(pack):
    text = ("CrowdStrike a nommé les pirates Labyrinth Chollima, tandis que Mandiant a lié "
            "l'intrusion à UNC4899.")
    facts = of_kind(pack, text, "attribution")
    assert [(f.data["vendor"], f.data["alias"]) for f in facts] == [
        ("CrowdStrike", "Labyrinth Chollima"), ("Mandiant", "UNC4899")]


def test_no_attribution_without_a_verb_or_a_vendor(pack):
    assert of_kind(pack, "Mandiant published a report. Andariel was active in 2023.", "attribution") == []
    assert of_kind(pack, "Reuters wrote about Andariel and its ransomware.", "attribution") == []
    # A news agency is no attributing body even with a verb.
    assert of_kind(pack, "Reuters linked the theft to Andariel.", "attribution") == []
