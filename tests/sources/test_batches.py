"""Sources to batches: size bound, small sources gathered, problems per batch, sources that are no logs."""

from __future__ import annotations

import gzip

import pytest

import geobuk.sources  # noqa: F401  (registers the readers)
from geobuk.errors import InputError
from geobuk.sources.batches import from_wire, read_source, read_sources, to_wire
from geobuk.sources.inputs import expand


def jsonl(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_batch_size_is_a_bound_and_the_last_batch_is_flagged(tmp_path):
    path = jsonl(tmp_path, "a.jsonl", [f'{{"EventID": {i}}}' for i in range(10)])
    [source] = expand([path])
    batches = list(read_source(source, batch_size=4))
    assert [b.table.num_rows for b in batches] == [4, 4, 2]
    assert [b.last for b in batches] == [False, False, True]
    assert [b.reader for b in batches] == ["jsonl"] * 3
    records = [r for b in batches for r in b.table.column("_record").to_pylist()]
    assert records == [str(i) for i in range(1, 11)]


def test_problems_travel_with_the_batch_they_were_found_in(tmp_path):
    path = jsonl(tmp_path, "b.jsonl", ['{"a": 1}', "oops", '{"a": 3}', '{"a": 4}', '{"a": 5}', "oops again"])
    [source] = expand([path])
    batches = list(read_source(source, batch_size=2))
    assert [b.table.num_rows for b in batches] == [2, 2]
    assert [len(b.errors) for b in batches] == [1, 1]
    assert batches[0].errors[0].startswith(f"{path}: line 2:")
    assert batches[1].errors[0].startswith(f"{path}: line 6:")


def test_a_named_file_that_is_no_log_raises_one_input_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    [source] = expand([path])
    with pytest.raises(InputError, match="not a log format"):
        list(read_source(source))


def test_a_file_found_in_a_folder_that_is_no_log_is_reported(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    [source] = expand([tmp_path])
    [batch] = list(read_source(source))
    assert batch.table.num_rows == 0 and batch.last
    assert batch.errors == [f"{tmp_path / 'notes.txt'}: not a log format geobuk reads (known: evtx, jsonl, "
                            "json, csv); force one with --format"]


def test_a_damaged_gzip_keeps_what_was_read_and_reports_the_rest(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(b"".join(b'{"EventID": %d}\n' % i for i in range(5000)))
    path.write_bytes(data[: len(data) * 2 // 3])
    [source] = expand([path])
    [batch] = list(read_source(source))
    assert 0 < batch.table.num_rows < 5000
    [error] = batch.errors
    assert error.startswith(f"{path}: cannot read further")


def test_wire_round_trip_keeps_everything(tmp_path):
    path = jsonl(tmp_path, "w.jsonl", ['{"EventID": 1, "Image": "a"}', "bad"])
    [source] = expand([path])
    [batch] = list(read_source(source))
    back = from_wire(to_wire(batch))
    assert back.table.equals(batch.table)
    assert (back.source, back.reader, back.errors) == (batch.source, batch.reader, batch.errors)
    assert back.last


def small_logs(tmp_path, counts: list[int]):
    """One JSON Lines file per count, named log0.jsonl..., each with that many events."""
    for n, count in enumerate(counts):
        jsonl(tmp_path, f"log{n}.jsonl", [f'{{"EventID": {n}, "F{n}": "{i}"}}' for i in range(count)])
    return expand([tmp_path])


def test_small_sources_are_gathered_into_batches_of_batch_size(tmp_path):
    sources = small_logs(tmp_path, [3, 3, 0, 3, 3])  # log2 is empty: a problem, no events
    batches = list(read_sources(sources, batch_size=4))
    assert [b.table.num_rows for b in batches] == [4, 4, 4]
    names = [s.name for s in sources]
    assert [r for b in batches for r in b.table.column("_source").to_pylist()] == (
        [names[0]] * 3 + [names[1]] * 3 + [names[3]] * 3 + [names[4]] * 3)
    assert [b.sources for b in batches] == [names[0:2], [names[1], names[3]], [names[3], names[4]]]
    # Each batch is cut when the next event comes: inside log1, inside log3, then the end.
    assert [(b.source, b.last, b.sources_done) for b in batches] == [
        (names[1], False, 1), (names[3], False, 2), (names[4], True, 2)]
    assert batches[-1].position == sources[-1].size
    assert [b.errors for b in batches] == [[], [f"{names[2]}: the file is empty"], []]
    fields = batches[0].table.column_names
    assert fields == ["_source", "_record", "_timestamp", "_host", "EventID", "F0", "F1"]


def test_a_named_file_that_is_no_log_amid_others_raises_after_their_batch(tmp_path):
    good = small_logs(tmp_path, [2, 2])
    (tmp_path / "notes.txt").write_text("hello\n")
    sources = [*good, *expand([tmp_path / "notes.txt"]), *good]
    got = []
    with pytest.raises(InputError, match="notes.txt: not a log format"):
        for batch in read_sources(sources, batch_size=10):
            got.append(batch)
    [batch] = got
    assert (batch.table.num_rows, batch.source, batch.last, batch.sources_done) == (4, good[1].name, True, 2)


def test_wire_round_trip_keeps_the_sources_of_a_gathered_batch(tmp_path):
    sources = small_logs(tmp_path, [2, 1, 2])
    [batch] = list(read_sources(sources, batch_size=10))
    back = from_wire(to_wire(batch))
    assert back.table.equals(batch.table)
    assert back.sources == [s.name for s in sources]
    assert (back.sources_done, back.position) == (3, sources[-1].size)
