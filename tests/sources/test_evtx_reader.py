"""Reading EVTX files end to end, on files written by the test's own EVTX writer."""

from __future__ import annotations

import gzip
import tempfile
import zipfile
from pathlib import Path

import pytest

from geobuk.errors import InputError
from geobuk.sources.base import ReadContext
from geobuk.sources.evtx_reader import EvtxReader
from geobuk.sources.inputs import expand
from sources.evtx_writer import Element, event, text, write_evtx


def read(path: Path) -> tuple[list[dict], list[str]]:
    [source] = expand([path])
    ctx = ReadContext(source)
    events = list(EvtxReader().read(source, ctx))
    return events, ctx.problems


def sysmon(record_id: int, image: str) -> Element:
    return event(record_id, event_id=1, data={"Image": image, "CommandLine": f"{image} /c whoami",
                                              "ProcessId": str(1000 + record_id)}, user_sid="S-1-5-18")


def test_reads_and_flattens_every_record(tmp_path):
    path = write_evtx(tmp_path / "Sysmon.evtx", [sysmon(1, "cmd.exe"), sysmon(2, "powershell.exe")])
    events, problems = read(path)
    assert problems == []
    assert [e["Image"] for e in events] == ["cmd.exe", "powershell.exe"]
    first = events[0]
    assert first["EventID"] == "1"
    assert first["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert first["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert first["Execution_ProcessID"] == "3120"
    assert first["Security_UserID"] == "S-1-5-18"
    assert first["_record"] == "1" and events[1]["_record"] == "2"
    assert first["_timestamp"] == "2024-03-01T10:00:00.000000Z"
    assert first["_host"] == "WS01"


def test_classic_event_with_qualifiers_and_unnamed_data(tmp_path):
    record = event(1, event_id=18456, qualifiers=49152, provider="MSSQLSERVER", channel="Application",
                   unnamed=["sa", " Reason: Password did not match", " [CLIENT: 10.0.2.17]"])
    [got], _ = read(write_evtx(tmp_path / "app.evtx", [record]))
    assert got["EventID"] == "18456"
    assert got["EventID_Qualifiers"] == "49152"
    assert got["param1"] == "sa"
    assert "[CLIENT: 10.0.2.17]" in got["Data"]


def test_user_data_leaves(tmp_path):
    cleared = Element("LogFileCleared", [("xmlns", text("http://manifests.microsoft.com/win/2004/08/windows/eventlog"))],
                      [Element("SubjectUserName", children=[text("mallory")]),
                       Element("Channel", children=[text("Security")])])
    record = event(1, event_id=104, provider="Microsoft-Windows-Eventlog", channel="System",
                   user_data=cleared)
    [got], _ = read(write_evtx(tmp_path / "System.evtx", [record]))
    assert got["SubjectUserName"] == "mallory"
    assert got["Channel"] == "System"
    assert got["UserData_Channel"] == "Security"


def test_a_corrupt_record_is_reported_and_the_rest_read(tmp_path):
    records = [sysmon(i, f"p{i}.exe") for i in range(1, 6)]
    path = write_evtx(tmp_path / "torn.evtx", records, corrupt=frozenset({3}))
    events, problems = read(path)
    assert [e["_record"] for e in events] == ["1", "2", "4", "5"]
    [problem] = problems
    assert problem.startswith(f"{path}: record 3: ")
    assert "skipped" in problem and "\n" not in problem


def test_records_across_chunks(tmp_path):
    records = [sysmon(i, "x" * 200) for i in range(1, 401)]  # more than one 64 KiB chunk
    path = write_evtx(tmp_path / "big.evtx", records)
    assert path.stat().st_size > 4096 + 65536
    events, problems = read(path)
    assert len(events) == 400 and problems == []
    assert events[-1]["_record"] == "400"


def test_truncated_file_is_reported(tmp_path):
    records = [sysmon(i, "x" * 200) for i in range(1, 401)]
    path = write_evtx(tmp_path / "cut.evtx", records, truncate=1000)
    events, problems = read(path)
    assert any("ends inside a chunk" in p for p in problems)
    assert 0 < len(events) < 400  # the complete chunks are still read


def test_not_an_evtx_file_is_one_input_error(tmp_path):
    path = tmp_path / "notes.evtx"
    path.write_text("this is not an event log\n" * 10)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: not an EVTX file (no ElfFile signature)"


def test_header_only_file_has_no_events(tmp_path):
    path = write_evtx(tmp_path / "h.evtx", [sysmon(1, "a")])
    path.write_bytes(path.read_bytes()[:4096])
    events, problems = read(path)
    assert events == [] and problems == []


def test_sniff_looks_at_the_magic_not_the_name():
    assert EvtxReader.sniff(Path("x.log"), b"ElfFile\x00rest")
    assert not EvtxReader.sniff(Path("x.evtx"), b'{"Event": 1}')


def test_progress_position_reaches_the_file_size(tmp_path):
    path = write_evtx(tmp_path / "p.evtx", [sysmon(i, "a") for i in range(1, 11)])
    [source] = expand([path])
    ctx = ReadContext(source)
    seen = []
    for _ in EvtxReader().read(source, ctx):
        seen.append(ctx.position())
    assert seen == sorted(seen)
    assert 0 < seen[0] < seen[-1] == source.size


def test_evtx_inside_zip_and_gzip_is_read_from_a_temporary_copy(tmp_path, monkeypatch):
    plain = write_evtx(tmp_path / "Security.evtx", [sysmon(1, "a.exe"), sysmon(2, "b.exe")])
    archive = tmp_path / "triage.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(plain, "C/Windows/Security.evtx")
    packed = tmp_path / "Security.evtx.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for path, name in ((archive, f"{archive}!C/Windows/Security.evtx"), (packed, str(packed))):
        [source] = expand([path])
        assert source.name == name
        ctx = ReadContext(source)
        events = list(EvtxReader().read(source, ctx))
        assert [e["Image"] for e in events] == ["a.exe", "b.exe"]
        assert ctx.problems == []
    assert list(scratch.iterdir()) == []  # the temporary copies are gone


def test_a_damaged_chunk_is_reported_and_the_other_chunks_read(tmp_path):
    path = write_evtx(tmp_path / "chunks.evtx", [sysmon(i, "x" * 200) for i in range(1, 401)])
    data = bytearray(path.read_bytes())
    second_chunk = 4096 + 65536
    data[second_chunk:second_chunk + 8] = b"garbage!"
    path.write_bytes(bytes(data))
    events, problems = read(path)
    assert 0 < len(events) < 400
    assert events[0]["_record"] == "1"
    [problem] = problems
    assert problem.startswith(f"{path}: chunk 1: cannot be parsed, skipped")
