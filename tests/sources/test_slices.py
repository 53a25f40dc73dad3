"""Large JSON Lines files read in slices give exactly what reading them whole gives."""

from __future__ import annotations

import json

import pytest

from geobuk.sources import iter_batches, slices
from geobuk.sources.inputs import expand
from geobuk.sources.slices import SliceLines, SourceSlice, split_large


def _write(path, lines: list[str]) -> None:
    path.write_bytes("".join(line + "\n" for line in lines).encode())


@pytest.fixture
def log(tmp_path):
    lines = []
    for i in range(1, 120):
        if i % 17 == 0:
            lines.append("")  # blank lines count as lines
        elif i % 29 == 0:
            lines.append("{not json")
        else:
            lines.append(json.dumps({"EventID": str(i % 5), "Image": "x" * (i % 23), "n": i}))
    path = tmp_path / "big.jsonl"
    _write(path, lines)
    return path


def _read(path, workers):
    events, problems, progress = [], [], []
    for batch in iter_batches([path], workers=workers, batch_size=25, progress=progress.append):
        if batch.table.num_rows:  # a slice holding only blank or bad lines gives an empty batch
            events += batch.table.select(["_record", "n"]).to_pylist()
        problems += batch.errors
    return events, problems, progress


def test_slices_cover_every_line_once_with_the_whole_file_numbers(log, monkeypatch):
    whole = _read(log, workers=1)
    monkeypatch.setattr(slices, "SLICE_BYTES", 300)
    parts = split_large(expand([log]), lambda source: True)
    assert len(parts) > 5 and all(isinstance(p, SourceSlice) for p in parts)
    assert sum(p.size for p in parts) == log.stat().st_size
    for workers in (1, 2):
        events, problems, progress = _read(log, workers)
        assert events == whole[0]
        assert problems == whole[1] and problems  # the bad lines, with their whole-file numbers
        assert progress[-1].files_done == progress[-1].files_total == 1
        assert progress[-1].bytes_done == progress[-1].bytes_total


def test_a_slice_boundary_inside_a_line_gives_the_line_to_the_slice_it_starts_in(tmp_path):
    path = tmp_path / "a.jsonl"
    _write(path, ['{"a": 1}', '{"a": 22}', '{"a": 333}'])  # lines start at 0, 9, 19
    sizes = path.stat().st_size
    cut = [SourceSlice(name="a", path=str(path), size=0, start=s, end=e, first_line=f)
           for s, e, f in ((0, 10, 1), (10, 19, 3), (19, sizes, 3))]
    assert [list(SliceLines(c)) for c in cut] == [[b'{"a": 1}\n', b'{"a": 22}\n'], [], [b'{"a": 333}\n']]
    # cut at 0, 10, 20: the slice from 20 holds no line start; its first line would be line 4
    assert [c.first_line for c in split_large(expand([path]), lambda s: True, slice_bytes=10)] == [1, 3, 4]


def test_gzipped_and_small_files_are_not_cut(tmp_path):
    import gzip

    plain = tmp_path / "small.jsonl"
    _write(plain, ['{"a": 1}'])
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(b'{"a": 1}\n' * 1000))
    sources = expand([plain, packed])
    assert split_large(sources, lambda s: True, slice_bytes=50) == sources
