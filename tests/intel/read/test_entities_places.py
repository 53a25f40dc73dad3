"""Countries and regions from nouns, adjectives and capitals, with the role the sentence suggests."""

from __future__ import annotations

import pytest

from geobuk.intel.read.entities_places import find_places
from geobuk.intel.read.entities_text import Sentences, Squeezed


def places(text: str) -> list:
    return find_places(Squeezed(text), Sentences(text))


def codes(text: str) -> list[str]:
    return [f.value for f in places(text)]


def test_french_adjectives_in_every_form():
    text = "Des experts britanniques, américains et sud-coréens ont analysé une opération nord-coréenne."
    facts = places(text)
    assert [f.value for f in facts] == ["GB", "US", "KR", "KP"]
    assert [f.span.text for f in facts] == ["britanniques", "américains", "sud-coréens", "nord-coréenne"]
    assert all(text[f.span.start:f.span.end] == f.span.text and f.type == "country" for f in facts)


@pytest.mark.parametrize(("text", "code"), [
    ("Pyongyang dément toute implication.", "KP"),
    ("Les États-Unis et les Etats-Unis sont cités.", "US"),
    ("La menace touche le Japon.", "JP"),
    ("Elle s'étend à l'Inde.", "IN"),
    ("Britain issued a warning.", "GB"),
    ("The DPRK denies it.", "KP"),
    ("South Korean banks were warned.", "KR"),
    ("Des intrusions en Allemagne et au Portugal.", "DE"),
])
def test_nouns_capitals_and_abbreviations(text, code):
    assert codes(text)[0] == code


def test_pycountry_supplies_countries_the_lists_lack():
    assert codes("A shipment went through Uruguay and Paraguay.") == ["UY", "PY"]
    assert codes("Une cargaison est passée par l'Uruguay.") == ["UY"]


def test_europe_is_a_region():
    facts = places("Les entreprises européennes et l'Europe entière sont visées.")
    assert [(f.value, f.type) for f in facts] == [("europe", "region"), ("europe", "region")]


def test_country_names_need_their_capital_and_whole_words():
    # "Inde" inside a word, "inde" in lower case, "us" the pronoun: no country.
    assert codes("Les Indes galantes; une inde; ask us; the Indexer; des japonaiseries.") == []
    assert codes("indian ocean and the chinese wall in lower case") == []


def test_roles():
    text = ("Des pirates nord-coréens ont ciblé une entreprise américaine. "
            "Les services britanniques ont publié un avis. "
            "Une attaque contre des hôpitaux aux États-Unis a suivi. "
            "Les exercices menés par la Corée du Sud ont été critiqués.")
    roles = [(f.value, f.data["role"]) for f in places(text)]
    assert roles == [("KP", "origin"), ("US", "victim"), ("GB", "mention"), ("US", "victim"),
                     ("KR", "mention")]


def test_attacker_word_makes_any_country_an_origin():
    assert [f.data["role"] for f in places("Chinese hackers and Russia-backed operators were seen.")] == [
        "origin", "origin"]


def test_warning_against_is_not_an_attack_against():
    [fact] = places("Pyongyang a lancé un avertissement contre les exercices menés avec le Japon.")[1:]
    assert fact.value == "JP" and fact.data["role"] == "mention"


def test_currency_marker_is_not_the_country():
    assert codes("It cost US$5 million, said US officials.") == ["US"]
