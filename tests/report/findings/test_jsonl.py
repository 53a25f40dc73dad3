"""JSON Lines: one finding a line, fixed key order, a lossless round trip, valid JSON whatever the data."""

from __future__ import annotations

import io
import json

from geobuk.report.findings.jsonl import KEYS, JsonLinesOutput
from report.samples import EXCEL_ATTACK, KOREAN_HOST, SCRIPT, Result, make


def lines(result, context=None) -> list[str]:
    stream = io.StringIO()
    JsonLinesOutput().write(result, stream, context=context or {})
    text = stream.getvalue()
    assert text.endswith("\n")
    return text.splitlines()


def strict_loads(line: str) -> dict:
    def refuse(constant: str):
        raise AssertionError(f"{constant} is not JSON")
    return json.loads(line, parse_constant=refuse)


def test_round_trip_in_the_given_order(result, context):
    out = lines(result, context)
    assert len(out) == len(result.findings)
    for line, finding in zip(out, result.findings, strict=True):
        obj = strict_loads(line)
        assert list(obj) == list(KEYS)
        assert obj == finding.to_dict()


def test_hostile_and_non_ascii_values_are_kept_verbatim(result):
    text = "\n".join(lines(result))
    assert KOREAN_HOST in text and "피싱 도메인" in text  # UTF-8, not \u escapes
    objs = [strict_loads(line) for line in text.splitlines()]
    assert objs[0]["event"]["CommandLine"] == EXCEL_ATTACK
    assert objs[3]["indicator"] == {"id": "indicator--1", "type": "domain", "value": f"{SCRIPT}.example",
                                    "name": "피싱 도메인"}
    assert objs[4]["related"] == [["logs/sec.evtx", "11"], ["logs/sec.evtx", "12"], ["logs/sec.evtx", "13"]]
    assert objs[4]["actor"] is None and objs[4]["host"] is None
    # A newline in a value stays inside its line.
    assert "\\r\\nwhoami" in text.splitlines()[5]


def test_event_fields_are_sorted_so_output_is_stable():
    a = make(event={"b": "2", "a": "1", "C": "3"})
    b = make(event={"C": "3", "a": "1", "b": "2"})
    out = lines(Result([a, b]))
    assert out[0] == out[1]
    assert list(json.loads(out[0])["event"]) == ["C", "a", "b"]


def test_values_json_cannot_hold_become_null_or_text():
    finding = make(event={"score": float("nan"), "big": float("inf"), "raw": b"\xff\x00ok"})
    obj = strict_loads(lines(Result([finding]))[0])
    assert obj["event"]["score"] is None and obj["event"]["big"] is None
    assert obj["event"]["raw"] == "\\xff\x00ok"


def test_extra_indicator_keys_follow_the_known_ones():
    indicator = {"name": "n", "zeta": 1, "value": "v", "type": "md5", "id": "i", "alpha": 2}
    finding = make(kind="indicator", indicator=indicator)
    assert list(strict_loads(lines(Result([finding]))[0])["indicator"]) == [
        "id", "type", "value", "name", "alpha", "zeta"]


def test_no_findings_no_lines():
    stream = io.StringIO()
    JsonLinesOutput().write(Result([]), stream, context={})
    assert stream.getvalue() == ""
