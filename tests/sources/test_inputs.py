"""Files, folders and archives expanded into sources, and sources opened."""

from __future__ import annotations

import gzip
import zipfile

import pytest

from geobuk.errors import InputError
from geobuk.sources.inputs import expand


def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("b/2.jsonl", "a/deep/1.jsonl", "a/0.jsonl", "c.jsonl", ".hidden.jsonl"):
        (tmp_path / name).write_text("{}\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.jsonl").write_text("{}\n")
    names = [s.name for s in expand([tmp_path])]
    assert names == [str(tmp_path / n) for n in ("c.jsonl", "a/0.jsonl", "a/deep/1.jsonl", "b/2.jsonl")]
    assert not any(s.explicit for s in expand([tmp_path]))


def test_named_file_is_explicit_and_missing_path_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[]")
    [source] = expand([path])
    assert source.explicit and source.size == 2
    with pytest.raises(InputError, match="no such file or folder"):
        expand([tmp_path / "nope"])


def test_gzip_is_recognised_by_content_and_read_decompressed(tmp_path):
    path = tmp_path / "events.log"  # no .gz suffix: content decides
    path.write_bytes(gzip.compress(b'{"EventID": 1}\n' * 1000))
    [source] = expand([path])
    assert source.gzipped and source.size == path.stat().st_size
    with source.open() as opened:
        data = opened.stream.read()
        assert opened.position() == source.size  # counted in compressed bytes, as size is
    assert data == b'{"EventID": 1}\n' * 1000
    assert source.head(14) == b'{"EventID": 1}'


def test_zip_members_are_sources_named_archive_bang_member(tmp_path):
    archive = tmp_path / "triage.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("logs/", "")
        z.writestr("logs/Security.jsonl", '{"EventID": 4624}\n')
        z.writestr("logs/old.jsonl.gz", gzip.compress(b'{"EventID": 4625}\n'))
    sources = expand([archive])
    assert [s.name for s in sources] == [f"{archive}!logs/Security.jsonl", f"{archive}!logs/old.jsonl.gz"]
    assert [s.gzipped for s in sources] == [False, True]
    with sources[1].open() as opened:
        assert opened.stream.read() == b'{"EventID": 4625}\n'
    with sources[0].local_path() as local:
        assert local.read_bytes() == b'{"EventID": 4624}\n'
        assert local.suffix == ".jsonl"
    assert not local.exists()  # the temporary copy is removed


def test_a_damaged_zip_becomes_a_source_with_a_problem(tmp_path):
    archive = tmp_path / "bad.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    [source] = expand([archive])
    assert source.problem and "cannot read the zip archive" in source.problem


def test_plain_file_local_path_is_the_file_itself(tmp_path):
    path = tmp_path / "a.evtx"
    path.write_bytes(b"ElfFile\x00")
    [source] = expand([path])
    with source.local_path() as local:
        assert local == path
    assert path.exists()


def test_a_symlinked_folder_named_directly_is_walked(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.jsonl").write_text("{}\n")
    (tmp_path / "copy").symlink_to(tmp_path / "logs", target_is_directory=True)
    assert [s.name for s in expand([tmp_path / "copy"])] == [str(tmp_path / "copy" / "a.jsonl")]


def test_linked_folders_inside_a_folder_are_walked_but_a_link_back_up_is_not(tmp_path):
    host = tmp_path / "collected" / "host-a"
    host.mkdir(parents=True)
    (host / "a.jsonl").write_text("{}\n")
    case = tmp_path / "case"
    case.mkdir()
    (case / "host-a").symlink_to(host, target_is_directory=True)
    (case / "again").symlink_to(host, target_is_directory=True)  # two links: two sources, as named
    (host / "loop").symlink_to(case, target_is_directory=True)  # back up to the folder being walked
    (host / "self").symlink_to(host, target_is_directory=True)
    names = [s.name for s in expand([case])]
    assert names == [str(case / "again" / "a.jsonl"), str(case / "host-a" / "a.jsonl")]
