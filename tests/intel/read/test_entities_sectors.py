"""Targeted sectors from English and French words, with ordinary uses of the same words left out."""

from __future__ import annotations

import pytest

from geobuk.intel.read.entities_sectors import find_sectors
from geobuk.intel.read.entities_text import Sentences


def sectors(text: str) -> list[tuple[str, str | None, str]]:
    return [(f.value, f.data.get("subsector"), f.span.text) for f in find_sectors(text, Sentences(text))]


def test_french_list_after_a_cue():
    text = ("Le groupe vise surtout des entités dans la défense, l'aérospatiale, le nucléaire et "
            "l'ingénierie, et parfois des organismes dans les secteurs de la médecine et de l'énergie.")
    assert sectors(text) == [
        ("defense", None, "défense"), ("aerospace", None, "aérospatiale"), ("nuclear", None, "nucléaire"),
        ("manufacturing", "engineering", "ingénierie"), ("healthcare", None, "médecine"),
        ("energy", None, "énergie")]


def test_english_list_before_a_head_noun():
    text = "Defence, aerospace, nuclear and engineering firms were hit, as were medical and energy providers."
    assert [s[0] for s in sectors(text)] == [
        "defense", "aerospace", "nuclear", "manufacturing", "healthcare", "energy"]


def test_facts_carry_the_pack_target_and_exact_span():
    text = "Les pirates ont visé des hôpitaux et des plateformes d'échange de cryptomonnaies."
    facts = find_sectors(text, Sentences(text))
    assert [(f.value, f.data.get("target"), f.type) for f in facts] == [
        ("healthcare", "healthcare", "industry-sector"),
        ("financial-services", "cryptocurrency", "industry-sector")]
    assert all(text[f.span.start:f.span.end] == f.span.text for f in facts)


def test_cryptocurrency_is_financial_services_with_a_subsector():
    text = "Pyongyang a ciblé les banques et les échanges crypto-monétaires. Crypto exchanges lost millions."
    assert sectors(text) == [
        ("financial-services", None, "banques"),
        ("financial-services", "cryptocurrency", "échanges crypto-monétaires"),
        ("financial-services", "cryptocurrency", "Crypto exchanges")]


@pytest.mark.parametrize("text", [
    "The senator spoke of the nuclear family and of family values.",
    "Le régime poursuit ses ambitions militaires et nucléaires.",
    "The regime wants to further its military and nuclear ambitions.",
    "The phishing relied on social engineering; l'ingénierie sociale reste efficace.",
    "Ils veulent voler de la crypto-monnaie et financer le régime.",
    "Des travailleurs IT nord-coréens cherchent des emplois à distance.",
    "Il faut renforcer la défense de ses réseaux.",
])
def test_ordinary_uses_of_sector_words_give_nothing(text):
    assert sectors(text) == []


def test_cue_before_an_adjective_in_french():
    assert sectors("Ils ont infiltré une entreprise informatique et des institutions gouvernementales.") == [
        ("technology", None, "informatique"), ("government-national", None, "institutions gouvernementales")]


def test_it_only_in_capitals():
    assert sectors("The IT sector was hit.") == [("technology", None, "IT sector")]
    assert sectors("Le secteur IT européen est visé.") == [("technology", None, "IT")]
    assert sectors("The it sector was hit, le secteur it aussi.") == []


def test_strong_words_need_no_context():
    assert [s[0] for s in sectors("Hospitals and aerospace suppliers were told to patch.")] == [
        "healthcare", "aerospace"]
