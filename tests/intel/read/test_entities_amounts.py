"""Sums of money in English and French, normalised to a number and a currency code."""

from __future__ import annotations

import pytest

from geobuk.intel.read.entities_amounts import find_amounts, parse_number


@pytest.mark.parametrize(("text", "language", "value", "currency"), [
    ("Le régime aurait dérobé 2 milliards de dollars en cinq ans.", "fr", 2e9, "USD"),
    ("Soit environ 1,6 milliard de livres sterling au total.", "fr", 1.6e9, "GBP"),
    ("The group stole $1.7 billion in digital assets.", "en", 1.7e9, "USD"),
    ("Losses reached USD 2bn last year.", "en", 2e9, "USD"),
    ("Une rançon de 1,5 million d'euros a été exigée.", "fr", 1.5e6, "EUR"),
    ("A ransom of €3m was demanded.", "en", 3e6, "EUR"),
    ("They laundered 1,250 BTC through mixers.", "en", 1250, "BTC"),
    ("Un butin de 1 500 000 dollars américains.", "fr", 1.5e6, "USD"),
    ("The bank lost 81 million dollars.", "en", 81e6, "USD"),
    ("Le préjudice atteint 4,5 milliards de wons.", "fr", 4.5e9, "KRW"),
    ("The fine was £250,000.", "en", 250000, "GBP"),
])
def test_amounts(text, language, value, currency):
    [fact] = find_amounts(text, language)
    assert fact.data["value"] == pytest.approx(value)
    assert fact.data["currency"] == currency == fact.type
    assert float(fact.value) == pytest.approx(value)
    assert text[fact.span.start:fact.span.end] == fact.span.text == fact.data["text"]


def test_billion_means_a_thousand_times_more_in_french():
    [fr] = find_amounts("soit 1 billion de dollars", "fr")
    [en] = find_amounts("about 1 billion dollars", "en")
    assert fr.data["value"] == 1e12 and en.data["value"] == 1e9


def test_separators_follow_the_language():
    assert parse_number("1,500", "fr") == 1.5
    assert parse_number("1,500", "en") == 1500
    assert parse_number("1.500", "fr") == 1500
    assert parse_number("1.500", "en") == 1.5
    assert parse_number("2 000 000,25", "fr") == 2000000.25
    assert parse_number("2,000,000.25", "en") == 2000000.25


def test_two_amounts_in_one_sentence():
    text = "Environ 1,7 milliard de dollars américains (2,5 milliards de dollars) ont été volés."
    assert [(f.data["value"], f.data["currency"]) for f in find_amounts(text, "fr")] == [
        (1.7e9, "USD"), (2.5e9, "USD")]


@pytest.mark.parametrize("text", [
    "Il y a 2 milliards d'habitants et 3 millions de lignes de code.",
    "The malware has 1.7 million lines and 40 modules.",
    "The implant is 5 m long; the report has 12 pages.",
    "Prices in usd or eur were not given.",
    "The team won 3 games in 2019.",
])
def test_numbers_without_a_currency_are_not_amounts(text):
    assert find_amounts(text, "en") == []
