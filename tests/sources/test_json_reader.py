"""JSON Lines and JSON documents read into events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobuk.errors import InputError
from geobuk.sources.base import ReadContext
from geobuk.sources.inputs import expand
from geobuk.sources.json_reader import JsonLinesReader, JsonReader


def read(reader, path: Path) -> tuple[list[dict], list[str]]:
    [source] = expand([path])
    ctx = ReadContext(source)
    return list(reader().read(source, ctx)), ctx.problems


def test_jsonl_flat_events_with_line_numbers(tmp_path):
    path = tmp_path / "sysmon.jsonl"
    path.write_text('{"EventID": 1, "Image": "a.exe", "Hostname": "WS01"}\n\n'
                    '{"EventID": 3, "DestinationIp": "10.0.0.1"}\n')
    events, problems = read(JsonLinesReader, path)
    assert problems == []
    assert [e["_record"] for e in events] == ["1", "3"]  # the blank line still counts
    assert events[0]["Image"] == "a.exe" and events[0]["_host"] == "WS01"
    assert events[1]["DestinationIp"] == "10.0.0.1"


def test_jsonl_bad_lines_are_reported_and_skipped(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"EventID": 1}\n{"EventID": 2,\n[1, 2]\n{"Image": "caf\xe9.exe"}\n{"EventID": 5}\n')
    events, problems = read(JsonLinesReader, path)
    assert [e["_record"] for e in events] == ["1", "4", "5"]
    assert events[1]["Image"] == "caf\ufffd.exe"  # a stray Latin-1 byte does not lose the line
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}: line 2: not valid JSON, skipped")
    assert problems[1] == f"{path}: line 3: not a JSON object, skipped"


def test_jsonl_in_utf16_with_bom(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes('{"EventID": 4624, "TargetUserName": "jörg"}\n'.encode("utf-16"))
    events, _ = read(JsonLinesReader, path)
    assert events[0]["TargetUserName"] == "jörg"


def test_jsonl_sniff():
    assert JsonLinesReader.sniff(Path("x"), b'{"a": 1}\n{"a": 2}\n')
    assert JsonLinesReader.sniff(Path("x"), b'\xef\xbb\xbf{"a": 1}\n')
    assert not JsonLinesReader.sniff(Path("x"), b'{\n  "a": 1\n}\n')  # pretty-printed: a document
    assert not JsonLinesReader.sniff(Path("x"), b'[{"a": 1}]\n')


def test_json_array_of_winlogbeat_events(tmp_path):
    events = [{"winlog": {"event_id": 4688, "channel": "Security", "event_data": {"NewProcessName": f"p{i}"}}}
              for i in range(3)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(events, indent=2))
    got, problems = read(JsonReader, path)
    assert problems == []
    assert [e["NewProcessName"] for e in got] == ["p0", "p1", "p2"]
    assert [e["_record"] for e in got] == ["1", "2", "3"]
    assert got[0]["EventID"] == "4688"


@pytest.mark.parametrize("wrapper", [
    lambda evs: {"events": evs, "count": len(evs)},
    lambda evs: {"took": 3, "hits": {"total": 2, "hits": [{"_index": "x", "_source": e} for e in evs]}},
])
def test_json_object_holding_the_events(tmp_path, wrapper):
    evs = [{"EventID": 1, "Image": "a.exe"}, {"EventID": 3, "Image": "b.exe"}]
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps(wrapper(evs)))
    got, _ = read(JsonReader, path)
    assert [e["Image"] for e in got] == ["a.exe", "b.exe"]


def test_json_single_event_and_objects_one_after_another(tmp_path):
    path = tmp_path / "pretty.json"
    path.write_text('{\n "EventID": 1,\n "Image": "a.exe"\n}\n{\n "EventID": 2\n}\n')
    got, _ = read(JsonReader, path)
    assert [e["EventID"] for e in got] == ["1", "2"]


def test_json_malformed_item_ends_the_document_with_one_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"EventID": 1}, {"EventID": 2}, {"EventID": 3 "x": 1}, {"EventID": 4}]')
    got, problems = read(JsonReader, path)
    assert [e["EventID"] for e in got] == ["1", "2"]
    [problem] = problems
    assert problem.startswith(f"{path}: item 3: malformed JSON")
    assert problem.endswith("the rest of the file is skipped")


def test_json_non_objects_in_an_array_are_reported(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('[{"EventID": 1}, 42, {"EventID": 3}]')
    got, problems = read(JsonReader, path)
    assert [e["_record"] for e in got] == ["1", "3"]
    assert problems == [f"{path}: item 2: not a JSON object, skipped"]


def test_json_that_is_not_json_at_all_is_an_input_error(tmp_path):
    path = tmp_path / "log.json"
    path.write_text("[2024-03-01 10:00:00] INFO service started\n")
    with pytest.raises(InputError, match="not a JSON document"):
        read(JsonReader, path)


def test_json_sniff():
    assert JsonReader.sniff(Path("x"), b'[\n  {"a": 1},')  # cut off by the head: still JSON
    assert JsonReader.sniff(Path("x"), b'{"events": [')
    assert not JsonReader.sniff(Path("x"), b"[2024-03-01 10:00:00] INFO started")
    assert not JsonReader.sniff(Path("x"), b"EventID,Image\n1,a\n")
