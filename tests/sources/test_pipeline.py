"""``iter_batches`` over mixed inputs: small sources gathered, same batches with one or two workers,
progress, one spelling per field."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from geobuk.errors import GeobukError, InputError
from geobuk.sources import expand, groups, iter_batches
from sources.evtx_writer import event, write_evtx


@pytest.fixture
def case(tmp_path):
    """A small triage collection: EVTX, JSON Lines, CSV, a .gz and a .zip, and a stray README."""
    root = tmp_path / "case"
    (root / "evtx").mkdir(parents=True)
    write_evtx(root / "evtx" / "Sysmon.evtx",
               [event(i, event_id=1, data={"Image": f"p{i}.exe", "ProcessId": str(i)}) for i in range(1, 6)],
               corrupt=frozenset({2}))
    (root / "beats.jsonl").write_text("".join(
        json.dumps({"winlog": {"event_id": 4688, "channel": "Security", "computer_name": "DC1",
                               "event_data": {"NewProcessName": f"n{i}.exe", "ProcessID": f"0x{i}"}}}) + "\n"
        for i in range(7)))
    (root / "edr.csv").write_text("EventID,Image,ProcessID\n1,c.exe,11\n1,d.exe,12\n")
    (root / "old.jsonl.gz").write_bytes(gzip.compress(b'{"EventID": 4625, "TargetUserName": "x"}\n'))
    with zipfile.ZipFile(root / "triage.zip", "w") as z:
        z.writestr("host2/Security.jsonl", '{"EventID": 1102, "Channel": "Security"}\n')
    (root / "README.md").write_text("# collected by ir team\n")
    return root


def events(batches) -> list[dict]:
    return [row for b in batches for row in b.table.to_pylist()]


def test_two_workers_give_the_same_events_in_the_same_order_as_one(case):
    one = list(iter_batches([case], workers=1, batch_size=3))
    two = list(iter_batches([case], workers=2, batch_size=3))
    assert events(two) == events(one)
    assert [b.errors for b in two] == [b.errors for b in one]
    assert [b.table.column_names for b in two] == [b.table.column_names for b in one]
    assert len(events(one)) == 4 + 7 + 2 + 1 + 1


def test_every_source_is_read_and_named(case):
    batches = list(iter_batches([case], workers=1))
    sources = {row["_source"] for row in events(batches)}
    files = ("evtx/Sysmon.evtx", "beats.jsonl", "edr.csv", "old.jsonl.gz")
    assert sources == {str(case / n) for n in files} | {f"{case / 'triage.zip'}!host2/Security.jsonl"}
    errors = [e for b in batches for e in b.errors]
    assert any(e.startswith(f"{case / 'evtx' / 'Sysmon.evtx'}: record 2: ") for e in errors)
    assert any(e.startswith(f"{case / 'README.md'}: not a log format") for e in errors)
    assert len(errors) == 2


def test_batches_respect_the_size_bound(case):
    batches = list(iter_batches([case], workers=1, batch_size=2))
    assert max(b.table.num_rows for b in batches) == 2
    assert all(b.table.schema.field(name).type == "string" for b in batches for name in b.table.column_names)


def test_field_spellings_are_merged_across_sources(case):
    batches = list(iter_batches([case], workers=2))
    spellings = {name for b in batches for name in b.table.column_names if name.lower() == "processid"}
    # Root files come before subfolders: beats.jsonl's ProcessID is met first, and EVTX's ProcessId joins it.
    assert spellings == {"ProcessID"}
    rows = events(batches)
    assert [r["ProcessID"] for r in rows if r["_source"].endswith("Sysmon.evtx")] == ["1", "3", "4", "5"]
    assert {r["ProcessID"] for r in rows if r.get("EventID") == "4688"} == {f"0x{i}" for i in range(7)}


def test_progress_ends_at_the_totals(case):
    seen = []
    list(iter_batches([case], workers=2, batch_size=2, progress=seen.append))
    last = seen[-1]
    assert (last.files_done, last.bytes_done) == (last.files_total, last.bytes_total)
    assert last.files_total == 6
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert last.events == 15


def field(n: int) -> str:
    """Three fields, each spelt two ways: ``Field 0`` (log00) and ``field0`` (log03), ``field1``..."""
    return f"Field {n % 3}" if n % 2 == 0 else f"field{n % 3}"


@pytest.fixture
def many(tmp_path):
    """Forty small logs of 1 to 9 events, in two folders, and one of 100 events."""
    for n in range(40):
        folder = tmp_path / "many" / ("a" if n < 20 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"log{n:02}.jsonl").write_text("".join(
            json.dumps({"EventID": n, field(n): str(i)}) + "\n" for i in range(1 + n % 9)))
    (tmp_path / "many" / "b" / "z_big.jsonl").write_text(
        "".join(json.dumps({"EventID": 7, "Image": f"i{i}"}) + "\n" for i in range(100)))
    return tmp_path / "many"


def test_small_sources_arrive_gathered_and_a_large_one_split(many):
    batches = list(iter_batches([many], workers=1, batch_size=40))
    total = sum(1 + n % 9 for n in range(40)) + 100
    assert [b.table.num_rows for b in batches] == [40] * (total // 40) + [total % 40]
    assert sum(b.sources_done for b in batches) == 41
    rows = events(batches)
    assert sum(r["_source"].endswith("z_big.jsonl") for r in rows) == 100
    assert [r["_record"] for r in rows[:3]] == ["1", "1", "2"]  # log00 has one event, log01 two
    assert all(b.table.column(name).num_chunks == 1 for b in batches for name in b.table.column_names)


def test_groups_give_the_same_batches_with_one_or_two_workers(many, monkeypatch):
    monkeypatch.setattr(groups, "GROUP_BYTES", 300)  # a few files per group: several groups, two workers
    assert len(groups.group_sources(expand([many]))) > 5
    seen: list = []
    one = list(iter_batches([many], workers=1, batch_size=30))
    two = list(iter_batches([many], workers=2, batch_size=30, progress=seen.append))
    assert [b.table for b in two] == [b.table for b in one]
    fields = ("source", "reader", "errors", "last", "position", "sources_done", "sources")
    assert [[getattr(b, f) for f in fields] for b in two] == [[getattr(b, f) for f in fields] for b in one]
    assert max(b.table.num_rows for b in one) == 30 and len(one) > len(groups.group_sources(expand([many])))
    assert [(p.files_done, p.bytes_done) for p in seen] == sorted((p.files_done, p.bytes_done) for p in seen)
    assert (seen[-1].files_done, seen[-1].bytes_done, seen[-1].events) == (41, seen[-1].bytes_total, 290)


def test_field_spellings_differing_in_case_and_spaces_are_one_column(many):
    batches = list(iter_batches([many], workers=1, batch_size=1000))
    assert len(batches) == 1
    assert [name for name in batches[0].table.column_names if name.casefold().startswith("field")] == [
        "Field 0", "field1", "Field 2"]  # each spelt as first met
    rows = events(batches)
    assert [r["Field 0"] for r in rows if r["_source"].endswith("log03.jsonl")] == ["0", "1", "2", "3"]


def test_forcing_a_format_and_unknown_format_names(case):
    batches = list(iter_batches([case / "edr.csv"], fmt="csv"))
    assert [b.reader for b in batches] == ["csv"]
    with pytest.raises(GeobukError, match="unknown log format 'xml'"):
        list(iter_batches([case], fmt="xml"))


def test_a_named_file_that_is_no_log_stops_the_run(case):
    with pytest.raises(InputError, match="README.md: not a log format"):
        list(iter_batches([case / "edr.csv", case / "README.md"], workers=2))


def test_forced_evtx_on_a_json_file_named_directly_is_one_error(case):
    with pytest.raises(InputError) as caught:
        list(iter_batches([case / "beats.jsonl"], fmt="evtx"))
    assert str(caught.value) == f"{case / 'beats.jsonl'}: not an EVTX file (no ElfFile signature)"


def test_a_single_path_may_be_given_as_a_string(case):
    batches = list(iter_batches(str(case / "edr.csv")))
    assert [b.table.num_rows for b in batches] == [2]


def test_forced_format_on_a_folder_reports_the_files_of_another_format(case):
    batches = list(iter_batches([case], fmt="evtx", workers=1))
    assert {row["_source"] for row in events(batches)} == {str(case / "evtx" / "Sysmon.evtx")}
    errors = [e for b in batches for e in b.errors]
    assert f"{case / 'beats.jsonl'}: not an EVTX file (no ElfFile signature)" in errors
    assert len(errors) == 6  # five files that are not EVTX, and the corrupt record
