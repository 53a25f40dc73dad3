from __future__ import annotations

from geobuk.vet.countries import CENTRES, country_code, country_name, distance_km


def test_codes_and_names():
    assert country_code("Russian Federation") == "RU" and country_code("us") == "US"
    assert country_code("Atlantis") == "ATLANTIS" and country_code("  ") is None
    assert country_name("KP") == "North Korea"


def test_distance():
    assert 7500 < distance_km(CENTRES["US"], CENTRES["DE"]) < 8000
    assert distance_km(CENTRES["JP"], CENTRES["JP"]) == 0
