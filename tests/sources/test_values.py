"""JSON values as the text every column holds."""

from __future__ import annotations

from geobuk.sources.values import as_text


def test_scalars():
    assert as_text("a") == "a"
    assert as_text(4688) == "4688"
    assert as_text(1.5) == "1.5"
    assert as_text(True) == "true" and as_text(False) == "false"
    assert as_text(None) is None


def test_lists_and_objects():
    assert as_text(["a", 1, None, False]) == "a\n1\nfalse"
    assert as_text({"#text": 5, "#attributes": {"x": 1}}) == "5"
    assert as_text({"b": [1, 2]}) == '{"b":[1,2]}'
