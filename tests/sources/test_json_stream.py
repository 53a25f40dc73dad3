"""Top-level JSON values read a chunk at a time."""

from __future__ import annotations

import io
import json

import pytest

from geobuk.sources import json_stream
from geobuk.sources.json_stream import MalformedJson, iter_values


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of 7 characters: every token of the test documents gets cut somewhere."""
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 7)


def values(text: str) -> list:
    return list(iter_values(io.StringIO(text)))


def test_array_items_survive_any_chunk_boundary(tiny_chunks):
    items = [{"a": "x" * 30, "n": 123456789, "f": -1.25e10, "t": True, "z": None, "u": "\u00e9\\"},
             [1, 2, 3], "text", 12345678901234567890, False]
    assert values(json.dumps(items)) == [(item, True) for item in items]


def test_several_top_level_values(tiny_chunks):
    assert values('{"a": 1}\n  {"b": [2]}  [3, 4] 5') == [({"a": 1}, False), ({"b": [2]}, False),
                                                           (3, True), (4, True), (5, False)]


def test_empty_documents():
    assert values("") == [] and values("  \n ") == [] and values("[]") == []


def test_malformed_json_names_the_item(tiny_chunks):
    with pytest.raises(MalformedJson) as caught:
        values('[{"a": 1}, {"a": 2}, {"a": tru}]')
    assert caught.value.index == 3


def test_missing_comma_and_unclosed_array():
    with pytest.raises(MalformedJson, match="expected ','"):
        values('[{"a": 1} {"a": 2}]')
    with pytest.raises(MalformedJson, match="ends inside an array"):
        values('[{"a": 1},')


def test_a_value_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 10)
    monkeypatch.setattr(json_stream, "MAX_OBJECT_CHARS", 100)
    with pytest.raises(MalformedJson, match="longer than"):
        values(json.dumps({"a": "x" * 1000}))
