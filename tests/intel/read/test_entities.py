"""All extractors together over whole articles of our own, in French and in English."""

from __future__ import annotations

import pytest

from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.read.documents import document_from_text
from geobuk.intel.read.entities import extract_entities
from geobuk.intel.read.model import Document
from geobuk.intel.store import Store

FRENCH = (
    "date 2024-07-26 (Séoul) Les autorités sud-coréennes et le FBI ont annoncé jeudi qu'un groupe nommé "
    "Kimsuky avait visé des diplomates et des instituts de recherche au Japon.\n\n"
    "Selon Mandiant, l'opération est liée à APT43. Les pirates auraient aussi dérobé 3,2 millions "
    "d'euros à des plateformes d'échange de cryptomonnaies européennes fin juin.\n\n"
    "L'Agence France-Presse rappelle que les Nations unies ont estimé ces vols à 1,5 milliard de dollars "
    "en 2023.\n\nLaisser un commentaire\n"
)

ENGLISH = (
    "Microsoft tracks the actor as Jade Sleet. In a report published on 14 March 2024, the company said the "
    "group used TraderTraitor applications to steal $308 million from a Japanese cryptocurrency exchange, "
    "while British and American officials warned software companies."
)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("pack") / "x.duckdb") as s:
        ensure_builtin_pack(s)
        yield s


def summary(facts) -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in facts}


def test_french_article(pack):
    doc = document_from_text("fr-1", FRENCH)
    assert doc.published == "2024-07-26" and doc.language == "fr"
    facts = extract_entities(doc, pack)
    kimsuky = pack.resolve("Kimsuky")
    assert {("actor", kimsuky), ("attribution", kimsuky)} <= summary(facts)
    roles = {(f.value, f.data["role"]) for f in facts if f.kind == "country"}
    assert roles == {("KR", "mention"), ("JP", "victim"), ("europe", "victim")}
    assert {("organization", "Federal Bureau of Investigation"), ("organization", "Mandiant"),
            ("organization", "Agence France-Presse"), ("organization", "United Nations")} <= summary(facts)
    assert {("sector", "government-national"), ("sector", "education"), ("sector", "financial-services")} <= (
        summary(facts))
    amounts = [(f.data["value"], f.type) for f in facts if f.kind == "amount"]
    assert amounts == [(3.2e6, "EUR"), (1.5e9, "USD")]
    dates = {f.span.text: f.value for f in facts if f.kind == "date"}
    assert dates == {"jeudi": "2024-07-25", "fin juin": "2024-06", "en 2023": "2023"}
    # Agence France-Presse is no mention of France; the comment form is gone.
    assert ("country", "FR") not in summary(facts) and "commentaire" not in doc.text
    attributions = [(f.data["vendor"], f.data["alias"]) for f in facts if f.kind == "attribution"]
    assert attributions == [("Federal Bureau of Investigation", "Kimsuky"), ("Mandiant", "APT43")]


def test_english_article(pack):
    facts = extract_entities(Document("en-1", ENGLISH), pack)
    trader = pack.resolve("TraderTraitor")
    assert ("attribution", trader) in summary(facts)
    assert ("actor", trader) in summary(facts)
    assert any(f.kind == "malware" and f.span.text == "TraderTraitor" for f in facts)
    assert ("date", "2024-03-14") in summary(facts)
    assert [(f.data["value"], f.type) for f in facts if f.kind == "amount"] == [(308e6, "USD")]
    countries = {(f.value, f.data["role"]) for f in facts if f.kind == "country"}
    assert countries == {("JP", "victim"), ("GB", "mention"), ("US", "mention")}
    sectors = {(f.value, f.data.get("subsector")) for f in facts if f.kind == "sector"}
    assert sectors == {("financial-services", "cryptocurrency"), ("technology", None)}


def test_every_fact_points_at_its_text_and_facts_are_in_text_order(pack):
    for text in (FRENCH, ENGLISH):
        doc = document_from_text("d", text)
        facts = extract_entities(doc, pack)
        assert facts
        assert all(doc.text[f.span.start:f.span.end] == f.span.text for f in facts)
        assert [f.span.start for f in facts] == sorted(f.span.start for f in facts)


def test_empty_document_has_no_facts(pack):
    assert extract_entities(Document("e", "   \n"), pack) == []
