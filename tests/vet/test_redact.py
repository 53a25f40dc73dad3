"""Redaction: no raw identifier survives in any output; tokens are stable and keyed."""

from __future__ import annotations

import io

from geobuk.vet.outputs import OUTPUTS
from geobuk.vet.redact import Redactor


def test_no_raw_identifier_in_any_output(vetted, person):
    rows = [
        person(
            "E1",
            full_name="Ann Lee",
            phone="+1 212 555 0199",
            email="ann.lee@mail.example",
            shipping_address="9 Farm Road, Miami, FL 33101",
            camera_refused="yes",
        ),
        person("E2", full_name="Bo Kim", phone="+1 212 555 0199", email="bo.kim@mail.example"),
    ]
    signins = [
        {"user": "e1", "time": "2025-03-03T10:00:00Z", "ip": "192.0.2.77"},
        {"user": "e2", "time": "2025-03-03T10:00:00Z", "ip": "192.0.2.77"},
    ]
    result = Redactor("k1").result(vetted(rows, signins))
    for fmt in ("jsonl", "html", "table"):
        stream = io.StringIO()
        OUTPUTS.get(fmt)().write(result, stream, context={})
        text = stream.getvalue()
        for raw in ("Ann Lee", "Bo Kim", "555 0199", "ann.lee", "Farm Road", "192.0.2.77", '"E1"', "E2,"):
            assert raw not in text, (fmt, raw)
        assert "person-" in text


def test_tokens_stable_per_key_and_value():
    a, b = Redactor("k1"), Redactor("k2")
    assert a.token("phone", "123") == a.token("phone", "123") != a.token("phone", "124")
    assert a.token("phone", "123") != b.token("phone", "123")
    assert a.token("id", "x")[-10:] == a.token("person", "x")[-10:]  # one value, one token, any context
