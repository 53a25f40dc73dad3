"""Choosing a reader by content, or by name when forced."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

import geobuk.sources  # noqa: F401  (registers the readers)
from geobuk.errors import GeobukError, InputError
from geobuk.sources.detect import detect_reader
from geobuk.sources.inputs import expand


@pytest.mark.parametrize(("content", "expected"), [
    (b"ElfFile\x00" + b"\x00" * 100, "evtx"),
    (b'{"EventID": 1}\n{"EventID": 2}\n', "jsonl"),
    (b'[{"EventID": 1}]', "json"),
    (b'{\n  "events": []\n}', "json"),
    (b"EventID,Image\n1,a.exe\n", "csv"),
])
def test_detection_by_content(tmp_path, content, expected):
    path = tmp_path / "unnamed.dat"
    path.write_bytes(content)
    [source] = expand([path])
    assert detect_reader(source).name == expected


def test_forced_format_wins_and_unknown_names_fail(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("EventID,Image\n1,a\n")
    [source] = expand([path])
    assert detect_reader(source, "jsonl").name == "jsonl"
    with pytest.raises(GeobukError, match="unknown log format 'xml'"):
        detect_reader(source, "xml")


def test_unrecognised_empty_and_nested_archives(tmp_path):
    text = tmp_path / "readme.md"
    text.write_text("# Notes\n\nNothing to see.\n")
    empty = tmp_path / "empty.log"
    empty.write_text("  \n")
    nested = tmp_path / "outer.zip"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.jsonl", "{}\n")
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("inner.zip", inner.getvalue())
    double = tmp_path / "double.gz"
    double.write_bytes(gzip.compress(gzip.compress(b"{}\n")))
    messages = {}
    for path in (text, empty, nested, double):
        for source in expand([path]):
            with pytest.raises(InputError) as caught:
                detect_reader(source)
            messages[path.name] = str(caught.value)
    assert messages["readme.md"] == (f"{text}: not a log format geobuk reads "
                                     "(known: evtx, jsonl, json, csv); force one with --format")
    assert messages["empty.log"] == f"{empty}: the file is empty"
    assert "zip archive inside an archive" in messages["outer.zip"]
    assert "gzip inside gzip" in messages["double.gz"]
