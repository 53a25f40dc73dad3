"""Which reader reads a source: the one the user forced by name, else the first that recognises it.

Detection looks at content, never at the file name: exported logs are routinely renamed
(``Security.evtx.bak``, ``events.txt``), and a wrong guess would read garbage silently.
"""

from __future__ import annotations

from pathlib import Path

from geobuk.errors import InputError
from geobuk.sources.base import READERS, LogReader
from geobuk.sources.inputs import GZIP_MAGIC, ZIP_MAGIC, Source
from geobuk.sources.slices import SourceSlice

SNIFF_BYTES = 64 * 1024
MAGIC_BYTES = 16  # the longest signature (``LogReader.magic``) a reader may declare


def detect_reader(source: Source, forced: str | None = None) -> type[LogReader]:
    """The reader for ``source``; an ``InputError`` naming the source if none recognises it."""
    if source.problem:
        raise InputError(source.name, source.problem)
    if isinstance(source, SourceSlice):  # its format was detected on the whole file
        return READERS.get(source.reader)
    if forced:
        return READERS.get(forced)
    quick = source.head(MAGIC_BYTES)
    found = next((r for r in READERS if r.magic is not None and quick.startswith(r.magic)), None)
    if found is not None:  # a folder of EVTX files: a few bytes each, not the 64 KB text formats need
        return found
    head = source.head(SNIFF_BYTES)
    if not head.strip():
        raise InputError(source.name, "the file is empty")
    found = READERS.first(lambda reader: reader.sniff(Path(source.member or source.path), head))
    if found is None:
        raise InputError(source.name, _unrecognised(head))
    return found


def _unrecognised(head: bytes) -> str:
    known = ", ".join(READERS.names())
    if head.startswith(ZIP_MAGIC):
        return "a zip archive inside an archive is not read: extract it first"
    if head.startswith(GZIP_MAGIC):
        return "gzip inside gzip is not read: decompress it first"
    return f"not a log format geobuk reads (known: {known}); force one with --format"
