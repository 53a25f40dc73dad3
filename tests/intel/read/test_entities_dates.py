"""Dates in English and French, normalised to ISO 8601 at the precision the text gives."""

from __future__ import annotations

import pytest

from geobuk.intel.read.entities_dates import find_dates, parse_date


def dates(text: str, published: str | None = None, language: str | None = None) -> list[tuple[str, str]]:
    return [(f.value, f.data["precision"]) for f in find_dates(text, published, language)]


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("L'avis a été publié le 2024-07-25 à Londres.", "2024-07-25", "day"),
    ("L'avis a été publié le 25 juillet 2024 à Londres.", "2024-07-25", "day"),
    ("Le 1er août 2023, les serveurs sont tombés.", "2023-08-01", "day"),
    ("The advisory came out on July 25, 2024.", "2024-07-25", "day"),
    ("It came out on 25 July 2024.", "2024-07-25", "day"),
    ("The breach began in June 2023.", "2023-06", "month"),
    ("Les faits remontent à juillet 2024.", "2024-07", "month"),
    ("Le sommet de Hanoï en 2019 a échoué.", "2019", "year"),
    ("Sanctions have applied since 2006.", "2006", "year"),
    ("Un rapport daté de 2023-06 circule.", "2023-06", "month"),
])
def test_dates_with_their_year(text, value, precision):
    [fact] = find_dates(text)
    assert (fact.value, fact.data["precision"]) == (value, precision)
    assert text[fact.span.start:fact.span.end] == fact.span.text


def test_part_of_a_month():
    [fact] = find_dates("Le groupe a infiltré le réseau fin juin 2023.")
    assert fact.value == "2023-06" and fact.data["part"] == "end" and fact.span.text == "fin juin 2023"
    [fact] = find_dates("The intrusion started in mid-June 2023.")
    assert fact.value == "2023-06" and fact.data["part"] == "middle"


def test_month_without_year_takes_the_publication_year():
    [fact] = find_dates("Le groupe a infiltré JumpCloud fin juin.", published="2023-07-20")
    assert fact.value == "2023-06" and fact.data["year_from"] == "published" and fact.span.text == "fin juin"
    # A month after the publication month is last year's.
    [fact] = find_dates("Les premières traces datent de fin novembre.", published="2024-02-03")
    assert fact.value == "2023-11"


def test_month_without_any_year_keeps_iso_form_without_year():
    [fact] = find_dates("Le groupe a infiltré JumpCloud fin juin.")
    assert fact.value == "--06" and fact.data["year_known"] is False


def test_weekday_resolved_against_the_publication_date():
    text = "Les agences ont affirmé jeudi avoir découvert la campagne."
    [fact] = find_dates(text, published="2024-07-26")  # a Friday
    assert fact.value == "2024-07-25" and fact.data["weekday"] == "thursday"
    [fact] = find_dates(text, published="2024-07")
    assert (fact.value, fact.data["precision"]) == ("2024-07", "month")
    assert find_dates(text) == []


def test_english_months_and_days_need_a_capital():
    assert dates("Attackers may march on; they said may 2023 and thursday.", published="2024-01-05") == []
    assert dates("It happened on Thursday, in May 2023.", published="2024-01-05") == [
        ("2024-01-04", "day"), ("2023-05", "month")]


def test_year_ranges_and_bare_numbers():
    assert dates("Entre 2017 et 2019, le groupe a volé des fonds.") == [("2017", "year"), ("2019", "year")]
    assert dates("The firm has 2000 staff and 1500 servers; of 2000 people, 300 left.") == []


def test_numeric_dates_follow_the_language():
    assert dates("Publié le 03/04/2024.", language="fr") == [("2024-04-03", "day")]
    assert dates("Posted 03/04/2024.", language="en") == [("2024-03-04", "day")]
    assert dates("Posted 25/04/2024.", language="en") == [("2024-04-25", "day")]


def test_impossible_dates_are_dropped():
    assert dates("Le 31 février 2024 et le 2024-13-01 n'existent pas.") == []


def test_parse_date_for_metadata():
    assert parse_date("25 juillet 2024") == "2024-07-25"
    assert parse_date("July 2024") == "2024-07"
    assert parse_date("no date here") is None
