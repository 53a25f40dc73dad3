"""One source read into ``EventBatch``es of at most ``batch_size`` events each.

This is the unit of work a worker process does, so everything here is what may cross a process
boundary: a batch travels as an Arrow IPC stream (``to_wire``/``from_wire``), which is a copy of the
column buffers, not a pickle of millions of Python strings.

Every source gives at least one batch, the last one flagged ``last``, even when it has no events: that
batch carries the source's problems and tells progress that the source is done.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from geobuk.errors import InputError
from geobuk.sources.base import Event, ReadContext
from geobuk.sources.detect import detect_reader
from geobuk.sources.inputs import Source
from geobuk.sources.tables import empty_table, events_table

_IPC_OPTIONS = pa.ipc.IpcWriteOptions(use_threads=False)  # small tables: threads cost more than they give
# Errors of the layers below a reader (a damaged gzip or zip member) met in the middle of a source.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


@dataclass
class EventBatch:
    """Events of one source: ``table`` (all columns strings), the problems met reading them.

    ``errors`` are one-line problems (source, record or line, what is wrong) found while reading the
    events of this batch; ``last`` marks the source's final batch; ``position`` is how much of the
    source (in ``Source.size`` units) had been read when the batch was cut, for progress.
    """

    source: str
    reader: str
    table: pa.Table
    errors: list[str] = field(default_factory=list)
    last: bool = True
    position: int = 0


def read_source(source: Source, *, fmt: str | None = None, batch_size: int = 50_000,
                threads: int = 0) -> Iterator[EventBatch]:
    """The source's events in batches; ``InputError`` only if an explicitly named file is no log."""
    ctx = ReadContext(source, threads=threads)
    try:
        reader = detect_reader(source, fmt)
    except InputError as exc:
        if source.explicit:
            raise
        yield EventBatch(source.name, "", empty_table(source.name), [str(exc)], True, source.size)
        return
    rows: list[Event] = []
    try:
        for event in reader().read(source, ctx):
            if len(rows) >= batch_size:  # cut only once another event comes: no empty last batch
                yield EventBatch(source.name, reader.name, events_table(rows, source.name),
                                 ctx.take_problems(), False, ctx.position())
                rows = []
            rows.append(event)
    except InputError as exc:
        if source.explicit:
            raise
        ctx.problems.append(str(exc))
    except _READ_ERRORS as exc:
        ctx.problem(f"cannot read further, the rest is skipped: {exc or type(exc).__name__}")
    yield EventBatch(source.name, reader.name, events_table(rows, source.name), ctx.take_problems(),
                     True, source.size)


def to_wire(batch: EventBatch) -> tuple:
    """The batch as plain values and IPC bytes, cheap to send to another process."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.table.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(batch.table)
    return (batch.source, batch.reader, sink.getvalue(), batch.errors, batch.last, batch.position)


def wire_size(wire: tuple) -> int:
    """Bytes a batch in wire form holds (what a reorder buffer must budget for)."""
    return wire[2].size


def from_wire(wire: tuple) -> EventBatch:
    source, reader, payload, errors, last, position = wire
    table = pa.ipc.open_stream(payload).read_all()
    return EventBatch(source, reader, table, errors, last, position)
