"""Event time and host for formats without a fixed place for them."""

from __future__ import annotations

import pytest

from geobuk.sources.metadata import fill_metadata, iso_time


@pytest.mark.parametrize(("given", "expected"), [
    ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000000Z"),
    ("2024-03-01T12:00:00.5+02:00", "2024-03-01T10:00:00.500000Z"),
    ("2024-03-01 10:00:00", "2024-03-01T10:00:00.000000"),
    ("1709287200", "2024-03-01T10:00:00.000000Z"),
    ("1709287200000", "2024-03-01T10:00:00.000000Z"),
    ("1709287200000000", "2024-03-01T10:00:00.000000Z"),
    ("1709287200.25", "2024-03-01T10:00:00.250000Z"),
    ("yesterday", None),
    ("", None),
])
def test_iso_time(given, expected):
    assert iso_time(given) == expected


def test_first_known_time_field_wins_and_bad_times_are_skipped():
    event = {"@timestamp": "not a time", "EventTime": "2024-03-01 10:00:00", "UtcTime": "2020-01-01 00:00:00"}
    assert fill_metadata(event)["_timestamp"] == "2024-03-01T10:00:00.000000"
    assert event["@timestamp"] == "not a time"  # the field itself is untouched


def test_host_and_existing_metadata():
    assert fill_metadata({"Hostname": "a"})["_host"] == "a"
    assert fill_metadata({"_host": "kept", "Computer": "b"})["_host"] == "kept"
    assert "_host" not in fill_metadata({"Image": "x"})
