"""Loading rules through the on-disk cache: a second load compiles nothing, an edited file is
compiled again, a damaged entry is replaced."""

from __future__ import annotations

import os
import time
from pathlib import Path

from geobuk.detect.rulesets import load_ruleset
from geobuk.detect.stat_index import RACY_NS

RULE = """title: {title}
id: 5f0b8c9e-0000-4000-8000-00000000000{n}
logsource: {{product: windows, category: process_creation}}
detection:
  selection: {{Image|endswith: '\\{image}'}}
  condition: selection
level: high
"""


def write_rule(path: Path, n: int, image: str, *, old: bool = True) -> Path:
    path.write_text(RULE.format(title=f"rule {n}", n=n, image=image))
    if old:  # not racy: the stat index may trust it
        past = time.time_ns() - 10 * RACY_NS
        os.utime(path, ns=(past, past))
    return path


def test_a_second_load_comes_from_the_cache(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    write_rule(rules / "a.yml", 1, "evil.exe")
    write_rule(rules / "b.yml", 2, "worse.exe")
    first = load_ruleset([rules], cache_dir=tmp_path / "cache")
    second = load_ruleset([rules], cache_dir=tmp_path / "cache")
    assert (first.compiled_files, second.compiled_files, second.cached_files) == (2, 0, 2)
    assert [r.title for r in second.rules] == [r.title for r in first.rules] == ["rule 1", "rule 2"]


def test_an_edited_rule_is_compiled_again_even_with_its_old_size_and_mtime(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = write_rule(rules / "a.yml", 1, "evil.exe")
    load_ruleset([rules], cache_dir=tmp_path / "cache")
    before = rule.stat()
    write_rule(rule, 1, "vile.exe", old=False)  # same length
    os.utime(rule, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = load_ruleset([rules], cache_dir=tmp_path / "cache")
    assert again.compiled_files == 1
    tested = " ".join(repr(d.expr) for d in again.rules[0].detections)
    assert "vile.exe" in tested and "evil.exe" not in tested


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    write_rule(rules / "a.yml", 1, "evil.exe")
    load_ruleset([rules], cache_dir=tmp_path / "cache")
    load_ruleset([rules], cache_dir=tmp_path / "cache")  # the index is now older than the file
    reads = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    again = load_ruleset([rules], cache_dir=tmp_path / "cache")
    assert again.cached_files == 1
    assert "a.yml" not in reads


def test_a_damaged_cache_entry_is_compiled_again(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    write_rule(rules / "a.yml", 1, "evil.exe")
    cache = tmp_path / "cache"
    load_ruleset([rules], cache_dir=cache)
    for entry in cache.glob("*.pickle"):
        if not entry.name.startswith("stat-index"):
            entry.write_bytes(b"damaged")
    again = load_ruleset([rules], cache_dir=cache)
    assert again.compiled_files == 1 and len(again.rules) == 1
