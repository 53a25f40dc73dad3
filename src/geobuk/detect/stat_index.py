"""Each rule file's cache key, remembered by the file's stat so an unchanged file is not read again.

A warm hunt with 2,858 SigmaHQ rule files spent a quarter of its rule loading reading and hashing
files that had not changed since the last hunt. As git's index does, a file whose size, mtime, ctime
and inode are those recorded keeps its recorded key. Two guards keep this from trusting a changed
file: ctime, which every write sets and no tool can set back (unlike mtime), and the "racy" rule:
a file whose mtime is within ``RACY_NS`` of the moment the index was written may have been written
again in the same timestamp tick, so its key is always computed from its bytes.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

RACY_NS = 2_000_000_000
_VERSION = 1

Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_of(result: os.stat_result) -> Stat:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


class StatIndex:
    """Path -> (stat, key) for one cache folder and one key scheme (``scheme`` names it)."""

    def __init__(self, path: Path, entries: dict[str, tuple[Stat, str]], written_ns: int) -> None:
        self.path = path
        self.entries = entries
        self.written_ns = written_ns
        self.changed = False

    @classmethod
    def load(cls, folder: Path, scheme: str) -> StatIndex:
        """The index kept in ``folder`` for ``scheme``; an empty one if there is none or it is damaged."""
        path = folder / f"stat-index-{scheme}.pickle"
        try:
            version, written_ns, entries = pickle.loads(path.read_bytes())
            if version != _VERSION or not isinstance(entries, dict):
                raise ValueError
        except Exception:  # noqa: BLE001 - missing, damaged or foreign: start afresh
            return cls(path, {}, 0)
        return cls(path, entries, written_ns)

    def key(self, file: Path, stat: Stat) -> str | None:
        """The recorded key of ``file`` if it is certainly unchanged since, else None."""
        found = self.entries.get(str(file))
        if found is None or found[0] != stat or stat[1] >= self.written_ns - RACY_NS:
            return None
        return found[1]

    def put(self, file: Path, stat: Stat, key: str) -> None:
        """Record ``file``'s key, computed from its bytes. A racy entry confirmed unchanged is
        written again too: the index's later time then lets the next load trust it."""
        if self.entries.get(str(file)) != (stat, key) or stat[1] >= self.written_ns - RACY_NS:
            self.entries[str(file)] = (stat, key)
            self.changed = True

    def save(self) -> None:
        """Write the index (atomically) if anything changed; a cache that cannot be written is
        only slower next time."""
        if not self.changed:
            return
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_bytes(pickle.dumps((_VERSION, time.time_ns(), self.entries),
                                         protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(self.path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return
        self.changed = False
