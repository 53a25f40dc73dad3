"""Encodings of exported logs."""

from __future__ import annotations

import io

from geobuk.sources.textio import encoding_of, head_text, utf8_lines


def test_encodings_from_byte_order_marks():
    assert encoding_of(b"abc") == "utf-8"
    assert encoding_of("x".encode("utf-8-sig")) == "utf-8-sig"
    assert encoding_of("x".encode("utf-16")) == "utf-16"
    assert encoding_of("x".encode("utf-32")) == "utf-32"


def test_head_text_drops_a_cut_character():
    head = "héllo".encode()[:2]  # 'h' and half of 'é'
    assert head_text(head) == "h"


def test_lines_are_bytes_for_utf8_and_lose_the_bom():
    data = b'\xef\xbb\xbf{"a":1}\n{"b":2}\n'
    lines = list(utf8_lines(io.BufferedReader(io.BytesIO(data)), data[:4]))
    assert lines == [b'{"a":1}\n', b'{"b":2}\n']
    data = '{"a":1}\n'.encode("utf-16")  # noqa: UP012 - the BOM is the point
    assert list(utf8_lines(io.BufferedReader(io.BytesIO(data)), data[:4])) == ['{"a":1}\n']
