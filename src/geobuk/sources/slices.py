"""A large JSON Lines file cut into byte ranges, so that every core reads part of one file.

A SIEM export is often one file of several gigabytes; read as one source it would keep one worker
busy while the others wait. An uncompressed JSON Lines file is cut at fixed byte offsets
(``SLICE_BYTES``, the same on every machine, so batches and errors do not depend on the number of
workers); each slice owns the lines that *start* inside it, so a line cut by an offset is read
whole by the slice it starts in. Line numbers stay those of the whole file: the parent counts the
newlines before each offset (one pass at memory speed) and each slice numbers its lines from there.

Only plain files are cut: a gzip stream cannot be entered in the middle, and other formats
(EVTX chunks, CSV with its header, JSON arrays) have their own structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from geobuk.sources.inputs import Source

#: Byte length of a slice (the last one of a file takes the remainder).
SLICE_BYTES = 16 << 20
_COUNT_CHUNK = 16 << 20


@dataclass(frozen=True)
class SourceSlice(Source):
    """Lines ``start``..``end`` (byte offsets) of a JSON Lines file; its first is line ``first_line``.

    ``size`` is the slice's length; ``ends_file`` is true for the file's last slice (progress counts
    a file once).
    """

    start: int = 0
    end: int = 0
    first_line: int = 1
    reader: str = "jsonl"
    ends_file: bool = True


def split_large(sources: list[Source], is_jsonl: Callable[[Source], bool],
                slice_bytes: int | None = None) -> list[Source]:
    """``sources`` with every plain JSON Lines file larger than ``slice_bytes`` (default
    ``SLICE_BYTES``) cut into slices. ``is_jsonl(source)`` says whether a source is JSON Lines."""
    slice_bytes = slice_bytes or SLICE_BYTES
    out: list[Source] = []
    for source in sources:
        if (source.member is None and not source.gzipped and not source.problem
                and source.size > slice_bytes and is_jsonl(source)):
            out.extend(_slices(source, slice_bytes))
        else:
            out.append(source)
    return out


def _slices(source: Source, slice_bytes: int) -> list[SourceSlice]:
    starts = list(range(0, source.size, slice_bytes))
    lines_before = _lines_before(source.path, starts)
    out = []
    for i, (start, first) in enumerate(zip(starts, lines_before, strict=True)):
        end = min(start + slice_bytes, source.size)
        out.append(SourceSlice(name=source.name, path=source.path, size=end - start, explicit=source.explicit,
                               start=start, end=end, first_line=first, ends_file=i == len(starts) - 1))
    return out


def _lines_before(path: str, starts: list[int]) -> list[int]:
    """For each offset, the number (1-based) of the first line that starts at or after it.

    A line starts at 0 and after every newline, so the first line starting at or after offset
    ``s > 0`` is line 2 + (newlines in bytes ``[0, s - 1)``)."""
    out: list[int] = []
    newlines = 0
    position = 0
    with open(path, "rb") as fh:
        for start in starts:
            if start == 0:
                out.append(1)
                continue
            target = start - 1
            while position < target:
                chunk = fh.read(min(_COUNT_CHUNK, target - position))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                position += len(chunk)
            out.append(newlines + 2)
    return out


class SliceLines:
    """The lines that start inside a slice, each whole (the last may run past ``end``); ``read`` is
    how many bytes of the slice have been read (for progress)."""

    def __init__(self, source: SourceSlice) -> None:
        self.source = source
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        source = self.source
        with open(source.path, "rb", buffering=1 << 20) as fh:
            position = source.start
            if position > 0:
                fh.seek(position - 1)
                if fh.read(1) != b"\n":  # inside a line that began in the slice before: it reads it
                    position += len(fh.readline())
            for line in fh:
                if position >= source.end:
                    return
                yield line
                position += len(line)
                self.read = min(position, source.end) - source.start
