"""CSV logs with a header row."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from geobuk.errors import InputError
from geobuk.sources.base import ReadContext
from geobuk.sources.csv_reader import CsvReader
from geobuk.sources.inputs import expand


def read(path: Path) -> tuple[list[dict], list[str]]:
    [source] = expand([path])
    ctx = ReadContext(source)
    return list(CsvReader().read(source, ctx)), ctx.problems


def test_each_column_is_a_field_and_empty_cells_are_missing(tmp_path):
    path = tmp_path / "edr.csv"
    path.write_text("TimeCreated,Computer,EventID,CommandLine,ParentImage\n"
                    '2024-03-01T10:00:00Z,WS01,1,"cmd /c ""whoami, all""",\n'
                    "2024-03-01T10:00:05Z,WS02,3,,explorer.exe\n")
    events, problems = read(path)
    assert problems == []
    assert events[0]["CommandLine"] == 'cmd /c "whoami, all"'
    assert "ParentImage" not in events[0]
    assert events[1]["ParentImage"] == "explorer.exe"
    assert [e["_record"] for e in events] == ["2", "3"]
    assert events[0]["_timestamp"] == "2024-03-01T10:00:00.000000Z" and events[0]["_host"] == "WS01"


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "export.txt"
    rows = [["EventID", "Image", "User"], ["1", "C:\\a b\\c.exe", "CORP\\x"], ["3", "d.exe", "CORP\\y"]]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n")
    events, _ = read(path)
    assert [e["Image"] for e in events] == ["C:\\a b\\c.exe", "d.exe"]


def test_multiline_cell_keeps_line_numbers_right(tmp_path):
    path = tmp_path / "ps.csv"
    path.write_text('EventID,ScriptBlockText\n4104,"line one\nline two"\n4104,second\nbad,row,with,extra\n')
    events, problems = read(path)
    assert events[0]["ScriptBlockText"] == "line one\nline two"
    assert [e["_record"] for e in events] == ["2", "4"]
    assert problems == [f"{path}: line 5: 4 cells for 2 columns, skipped"]


def test_utf16_export_from_windows(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes("EventID\tTargetUserName\r\n4625\tjörg\r\n".encode("utf-16"))
    events, _ = read(path)
    assert events == [{"EventID": "4625", "TargetUserName": "jörg", "_record": "2"}]


def test_header_only_and_empty(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("a,b\n")
    assert read(path) == ([], [])
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="no header row"):
        read(empty)


def test_sniff():
    assert CsvReader.sniff(Path("x"), b"EventID,Image,CommandLine\n1,a.exe,a\n3,b.exe,b\n")
    assert not CsvReader.sniff(Path("x"), b'{"EventID": 1}\n')
    assert not CsvReader.sniff(Path("x"), b"Mar  1 10:00:00 host sshd[1]: Accepted password for x\n")
    assert not CsvReader.sniff(Path("x"), b"just one column\nof words\n")



def test_binary_data_is_not_csv():
    # A zip whose header bytes (for this timestamp) the stdlib sniffer takes for CSV.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("a.jsonl", (2024, 3, 1, 1, 8, 0)), "{}\n")
    assert csv.Sniffer().sniff(archive.getvalue().decode("latin-1"), delimiters=",\t;|")
    assert not CsvReader.sniff(Path("x"), archive.getvalue())


def test_forced_csv_reads_what_the_sniffer_doubts(tmp_path):
    path = tmp_path / "hosts.txt"
    path.write_text("hostname\nws01\nws02\n")
    assert not CsvReader.sniff(path, path.read_bytes())
    events, _ = read(path)
    assert [e["hostname"] for e in events] == ["ws01", "ws02"]
