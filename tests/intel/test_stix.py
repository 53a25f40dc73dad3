from __future__ import annotations

import pytest

from factories import indicator, intrusion_set
from geobuk.intel.stix import StixProblem, check, parse_timestamp, upgrade_to_21


def test_valid_object_passes_and_gives_its_version():
    oid, kind, modified = check(intrusion_set("Andariel", modified="2024-07-25T12:00:00.5Z"))
    assert kind == "intrusion-set" and oid.startswith("intrusion-set--")
    assert modified.microsecond == 500000


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o.pop("name"), "missing required property 'name'"),
    (lambda o: o.update(id="malware--1234"), "bad id"),
    (lambda o: o.update(id="intrusion-set--not-a-uuid"), "bad id"),
    (lambda o: o.update(modified="yesterday"), "not a STIX timestamp"),
    (lambda o: o.update(modified="2023-01-01T00:00:00Z"), "earlier than created"),
    (lambda o: o.update(type="Intrusion Set"), "bad or missing type"),
    (lambda o: o.update(spec_version="3.0"), "unsupported spec_version"),
])
def test_problems_are_named(mutate, message):
    obj = intrusion_set("Andariel")
    mutate(obj)
    with pytest.raises(StixProblem, match=message):
        check(obj)


def test_indicator_requires_pattern():
    obj = indicator("[domain-name:value = 'example.com']")
    del obj["pattern"]
    with pytest.raises(StixProblem, match="pattern"):
        check(obj)


def test_upgrade_from_20_moves_labels_and_adds_required_properties():
    mal = {"type": "malware", "id": "malware--4ab44516-ad75-4b9f-9e1b-f0e8a9a4b8e1", "name": "Maui",
           "labels": ["ransomware"], "created": "2022-07-06T00:00:00Z", "modified": "2022-07-06T00:00:00Z"}
    up = upgrade_to_21(mal)
    assert up["spec_version"] == "2.1" and up["is_family"] is True
    assert up["malware_types"] == ["ransomware"] and "labels" not in up
    assert "spec_version" not in mal  # the input is left alone
    ind = upgrade_to_21({"type": "indicator", "labels": ["malicious-activity"], "pattern": "[x:y = 1]"})
    assert ind["pattern_type"] == "stix" and ind["indicator_types"] == ["malicious-activity"]


def test_timestamp_precision_is_kept_to_microseconds():
    assert parse_timestamp("2024-01-01T00:00:00.123456789Z", "t").microsecond == 123456
    with pytest.raises(StixProblem):
        parse_timestamp("2024-02-30T00:00:00Z", "t")
