"""Windows event logs (``.evtx``), parsed by the ``evtx`` library (pyevtx-rs).

The parser renders each record as JSON; ``evtx_flatten`` turns it into Sigma's field names. A record
the parser cannot decode is reported (source, record number) and skipped, and the rest of the file
is still read: an attacker who clears or damages one record must not hide a whole log (Chainsaw
gives up on the whole file there). A file that is not EVTX at all is one ``InputError``.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

import orjson
from evtx import PyEvtxParser

from geobuk.errors import InputError
from geobuk.sources.base import READERS, RECORD, Event, LogReader, ReadContext
from geobuk.sources.evtx_flatten import flatten_event
from geobuk.sources.inputs import Source

MAGIC = b"ElfFile\x00"
FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
# After this many failures in a row the file is damaged beyond what record-by-record recovery
# can help with; stop instead of reporting every remaining byte as a record.
MAX_FAILURES_IN_A_ROW = 1000

_FAILED_RE = re.compile(r"Failed to parse (record|chunk) number (\d+):?\s*(.*)", re.DOTALL)


@READERS.register
class EvtxReader(LogReader):
    name = "evtx"
    description = "Windows event log files (.evtx), from any Windows version since Vista"
    magic = MAGIC

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return head.startswith(MAGIC)

    def read(self, source: Source, ctx: ReadContext) -> Iterator[Event]:
        with source.local_path() as path:
            yield from _read_file(path, source, ctx)


def _read_file(path: Path, source: Source, ctx: ReadContext) -> Iterator[Event]:
    header = _check_header(path, source, ctx)
    try:
        parser = PyEvtxParser(str(path), number_of_threads=ctx.threads)
    except (OSError, RuntimeError, ValueError) as exc:
        raise InputError(source.name, f"not a readable EVTX file: {_clean(exc)}") from None
    progress = _Progress(source.size, header)
    ctx.position = progress.position
    records = parser.records_json()
    loads = orjson.loads
    failures = 0
    last_id = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (RuntimeError, OSError) as exc:
            failures += 1
            _report(exc, last_id, ctx)
            if failures >= MAX_FAILURES_IN_A_ROW:
                ctx.problem(f"{failures} unreadable records in a row: the rest of the file is skipped")
                return
            continue
        failures = 0
        last_id = record["event_record_id"]
        progress.record_id = last_id
        try:
            event = flatten_event(loads(record["data"])["Event"])
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            ctx.problem(f"the parser's output is not an event ({type(exc).__name__})", index=last_id)
            continue
        event[RECORD] = str(last_id)
        yield event


def _check_header(path: Path, source: Source, ctx: ReadContext) -> tuple[int, int] | None:
    """The record id range the file header promises (for progress); a bad magic is an InputError."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(FILE_HEADER_SIZE + 64)
            size = fh.seek(0, 2)
    except OSError as exc:
        raise InputError(source.name, f"cannot read: {exc.strerror}") from None
    if not head.startswith(MAGIC):
        raise InputError(source.name, "not an EVTX file (no ElfFile signature)")
    tail = (size - FILE_HEADER_SIZE) % CHUNK_SIZE if size > FILE_HEADER_SIZE else 0
    if tail:
        ctx.problem(f"the file ends inside a chunk (truncated?): its last {tail} bytes are not read",
                    index=None)
    if len(head) < FILE_HEADER_SIZE + 32:
        return None
    (next_id,) = struct.unpack_from("<Q", head, 24)
    (first_id,) = struct.unpack_from("<Q", head, FILE_HEADER_SIZE + 24)
    return (first_id, next_id) if next_id > first_id else None


class _Progress:
    """How far into the file the last record is, estimated from record ids (the parser hides offsets)."""

    def __init__(self, size: int, id_range: tuple[int, int] | None) -> None:
        self.size = size
        self.id_range = id_range
        self.record_id = 0

    def position(self) -> int:
        if self.id_range is None:
            return 0
        first, end = self.id_range
        done = (self.record_id - first + 1) / (end - first)
        return int(self.size * min(max(done, 0.0), 1.0))


def _report(exc: BaseException, last_id: int, ctx: ReadContext) -> None:
    """One line for a record (or chunk) the parser gave up on, numbered as the parser numbers it."""
    text = _clean(exc)
    match = _FAILED_RE.match(text)
    if match:
        what, number, reason = match.groups()
        ctx.problem(f"cannot be parsed, skipped: {reason or 'no reason given'}", index=int(number), what=what)
    else:
        ctx.problem(f"cannot be parsed, skipped (after record {last_id}): {text}", index=None)


def _clean(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
