"""The stat index: an unchanged file keeps its recorded key; a changed or racy one does not."""

from __future__ import annotations

import os
import time
from pathlib import Path

from geobuk.detect.stat_index import RACY_NS, StatIndex, stat_of


def old_file(path: Path, text: str) -> Path:
    """A file whose mtime is well before now (so it is not racy)."""
    path.write_text(text)
    past = time.time_ns() - 10 * RACY_NS
    os.utime(path, ns=(past, past))
    return path


def test_an_unchanged_file_keeps_its_key(tmp_path):
    rule = old_file(tmp_path / "r.yml", "title: a\n")
    index = StatIndex.load(tmp_path, "s")
    index.put(rule, stat_of(rule.stat()), "key-a")
    index.save()
    again = StatIndex.load(tmp_path, "s")
    assert again.key(rule, stat_of(rule.stat())) == "key-a"


def test_a_rewritten_file_is_not_trusted_even_with_its_old_size_and_mtime(tmp_path):
    rule = old_file(tmp_path / "r.yml", "title: a\n")
    before = rule.stat()
    index = StatIndex.load(tmp_path, "s")
    index.put(rule, stat_of(before), "key-a")
    index.save()
    rule.write_text("title: b\n")  # same size
    os.utime(rule, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back; ctime cannot be
    assert StatIndex.load(tmp_path, "s").key(rule, stat_of(rule.stat())) is None


def test_a_file_written_just_before_the_index_is_racy(tmp_path):
    rule = tmp_path / "r.yml"
    rule.write_text("title: a\n")  # mtime: now, within RACY_NS of the index's writing
    index = StatIndex.load(tmp_path, "s")
    index.put(rule, stat_of(rule.stat()), "key-a")
    index.save()
    assert StatIndex.load(tmp_path, "s").key(rule, stat_of(rule.stat())) is None


def test_schemes_are_kept_apart_and_a_damaged_index_is_empty(tmp_path):
    rule = old_file(tmp_path / "r.yml", "title: a\n")
    index = StatIndex.load(tmp_path, "s")
    index.put(rule, stat_of(rule.stat()), "key-a")
    index.save()
    assert StatIndex.load(tmp_path, "other").key(rule, stat_of(rule.stat())) is None
    (tmp_path / "stat-index-s.pickle").write_bytes(b"not a pickle")
    assert StatIndex.load(tmp_path, "s").entries == {}
