"""Sources read one after the other into ``EventBatch``es of at most ``batch_size`` events each.

This is the unit of work a worker process does (a ``groups.SourceGroup``), so everything here is
what may cross a process boundary: a batch travels as an Arrow IPC stream (``to_wire``/``from_wire``),
which is a copy of the column buffers, not a pickle of millions of Python strings.

Events of consecutive sources are gathered into one batch, and its table is built once, from the
events themselves, when ``batch_size`` events are reached or the sources end: a folder of thousands
of short logs gives a few large tables, not thousands of tiny ones to glue together later. A large
source still spans as many batches as its size needs.

The sources' final batch is flagged ``last`` and always comes, even with no events: it carries the
remaining problems and tells progress that the sources are done.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from geobuk.errors import InputError
from geobuk.sources.base import Event, ReadContext
from geobuk.sources.detect import detect_reader
from geobuk.sources.inputs import Source
from geobuk.sources.pool import Wire
from geobuk.sources.tables import events_table

# A batch's table is wide and sparse (hundreds of fields, about thirty per event): mostly offsets of
# absent values, which LZ4 shrinks about tenfold (32 MB to 3 MB for 14,000 EVTX events) in less
# time than copying them through a pipe takes. Small tables: threads would cost more than they give.
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(use_threads=False, compression="lz4")
# Errors of the layers below a reader (a damaged gzip or zip member) met in the middle of a source.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


@dataclass
class EventBatch:
    """Events of one or more consecutive sources (``table``, all columns strings), and the problems met.

    ``source`` and ``reader`` name the batch's last source, the one it ends in (a progress label):
    ``last`` says that source is finished, else the next batch goes on with it, and ``position`` is
    how much of it (in ``Source.size`` units) had been read when the batch was cut.
    ``sources_done`` counts the sources this batch finishes (every one before ``source``, and
    ``source`` itself if ``last``), so that progress can count files; ``sources`` names the sources
    whose events are in ``table``, in row order (``_source``'s distinct values, without a scan).
    ``errors`` are one-line problems (source, record or line, what is wrong) found while reading the
    events of this batch.
    """

    source: str
    reader: str
    table: pa.Table
    errors: list[str] = field(default_factory=list)
    last: bool = True
    position: int = 0
    sources_done: int = 1
    sources: list[str] = field(default_factory=list)


class _Gathered:
    """Events and problems gathered since the last batch was cut, and where reading stands."""

    def __init__(self) -> None:
        self.rows: list[Event] = []
        self.runs: list[tuple[str, int]] = []  # (source, events) in row order
        self.errors: list[str] = []
        self.done = 0
        self.source = ""
        self.reader = ""

    def end_run(self, start: int) -> None:
        """The events from ``start`` on are the current source's."""
        if len(self.rows) > start:
            self.runs.append((self.source, len(self.rows) - start))

    def cut(self, *, last: bool, position: int) -> EventBatch:
        batch = EventBatch(self.source, self.reader, events_table(self.rows, self.runs), self.errors, last,
                           position, self.done, [name for name, _ in self.runs])
        self.rows, self.runs, self.errors, self.done = [], [], [], 0
        return batch


def read_sources(sources: Iterable[Source], *, fmt: str | None = None, batch_size: int = 50_000,
                 threads: int = 0) -> Iterator[EventBatch]:
    """The events of ``sources``, in order, gathered into batches of at most ``batch_size`` events.

    ``InputError`` only if an explicitly named file is no log; the batches of the sources before it
    come first. ``threads`` is passed to the readers (see ``ReadContext``).
    """
    gathered = _Gathered()
    size = 0
    for source in sources:
        ctx = ReadContext(source, threads=threads)
        before = (gathered.source, gathered.reader, size)
        gathered.source, gathered.reader, size = source.name, "", source.size
        start = len(gathered.rows)
        try:
            reader = detect_reader(source, fmt)
            gathered.reader = reader.name
            for event in reader().read(source, ctx):
                if len(gathered.rows) >= batch_size:  # cut only once another event comes: no empty batch
                    gathered.end_run(start)
                    gathered.errors += ctx.take_problems()
                    yield gathered.cut(last=False, position=ctx.position())
                    start = 0
                gathered.rows.append(event)
        except InputError as exc:
            if source.explicit:
                if gathered.done:  # what the sources before this one gave still arrives, in order
                    del gathered.rows[start:]
                    gathered.source, gathered.reader, size = before
                    yield gathered.cut(last=True, position=size)
                raise
            ctx.problems.append(str(exc))
        except _READ_ERRORS as exc:
            ctx.problem(f"cannot read further, the rest is skipped: {exc or type(exc).__name__}")
        gathered.end_run(start)
        gathered.errors += ctx.take_problems()
        gathered.done += 1
    yield gathered.cut(last=True, position=size)


def read_source(source: Source, *, fmt: str | None = None, batch_size: int = 50_000,
                threads: int = 0) -> Iterator[EventBatch]:
    """One source's events in batches (``read_sources`` of that one source)."""
    return read_sources([source], fmt=fmt, batch_size=batch_size, threads=threads)


def to_wire(batch: EventBatch) -> Wire:
    """The batch as plain values and an IPC stream, cheap to send to another process."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.table.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(batch.table)
    header = (batch.source, batch.reader, batch.errors, batch.last, batch.position, batch.sources_done,
              batch.sources)
    return Wire(header, sink.getvalue())


def wire_size(wire: Wire) -> int:
    """Bytes a batch in wire form holds (what a reorder buffer must budget for)."""
    return len(memoryview(wire.blob))


def from_wire(wire: Wire) -> EventBatch:
    source, reader, errors, last, position, sources_done, sources = wire.header
    table = pa.ipc.open_stream(pa.py_buffer(wire.blob)).read_all()
    return EventBatch(source, reader, table, errors, last, position, sources_done, sources)
