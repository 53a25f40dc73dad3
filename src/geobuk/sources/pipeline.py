"""``iter_batches``: everything under some paths, read into Arrow batches, in a stable order.

This is the sources stage's one entry point for later stages and the CLI. It expands the inputs
(``inputs``), cuts them into groups of consecutive sources (``groups``), reads each group into
batches in a worker process or in this one (``pool``, ``batches``), gives each field one spelling
for the whole stream (``columns``) and reports progress after each batch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geobuk.errors import InputError
from geobuk.sources.base import READERS
from geobuk.sources.batches import EventBatch, from_wire, read_sources, to_wire, wire_size
from geobuk.sources.columns import ColumnNames
from geobuk.sources.detect import detect_reader
from geobuk.sources.groups import group_sources
from geobuk.sources.inputs import Source, expand
from geobuk.sources.json_reader import JsonLinesReader
from geobuk.sources.pool import default_workers, ordered_map
from geobuk.sources.slices import SourceSlice, split_large
from geobuk.sources.textio import encoding_of

DEFAULT_BATCH_SIZE = 50_000
# Starting worker processes costs a few hundred milliseconds (a fresh interpreter importing
# pyarrow); below this much input, reading it all in this process is done before they would be.
PARALLEL_FROM_BYTES = 64 << 20


@dataclass(frozen=True)
class ReadProgress:
    """How far reading has got: what a progress bar needs (bytes for the bar, files for the label)."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    events: int
    source: str


def iter_batches(paths: Iterable[str | Path] | str | Path, fmt: str | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, *, workers: int | None = None,
                 progress: Callable[[ReadProgress], None] | None = None,
                 idle: Callable[[bool], bool] | None = None) -> Iterator[EventBatch]:
    """Every event under ``paths`` (files, folders, ``.gz``, ``.zip``) as batches, in input order.

    ``fmt`` forces a reader by name (else each source's format is detected from its content).
    ``workers`` is the number of processes reading sources side by side: by default one per core
    (at most four) for inputs of ``PARALLEL_FROM_BYTES`` or more, else 1, which reads everything in
    this process. A program using workers must guard its entry point (``if __name__ ==
    "__main__":``), as for any ``multiprocessing`` code. Each batch holds at most ``batch_size``
    events, of one source or of several consecutive ones (``EventBatch.sources``): small sources
    are gathered, a large one spans several batches. The batches are the same whatever ``workers``
    is. Memory stays bounded by the batches being built (one per worker) plus the reorder buffer's
    budget (``pool.DEFAULT_BUDGET``), whatever the input size.

    An explicitly named file that is no log raises ``InputError``; problems inside sources, and
    files met in folders or archives that are no log, are one-line ``EventBatch.errors``.
    ``idle`` is called when this process would wait for a worker's batch: the caller's chance to
    work on the batches it has (True if it did some; see ``pool.ordered_map``).
    ``progress`` is called after every batch, e.g. to drive a Rich bar::

        with Progress() as bar:
            task = bar.add_task("reading", total=None)
            def show(p): bar.update(task, total=p.bytes_total, completed=p.bytes_done)
            for batch in iter_batches(paths, progress=show): ...
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if isinstance(paths, str | Path):  # one path, not an iterable of characters
        paths = [paths]
    if fmt:
        READERS.get(fmt)  # an unknown name fails now, before any work
    sources = split_large(expand(paths), functools.partial(_splittable, fmt=fmt))
    groups = group_sources(sources)
    bytes_total = sum(source.size for source in sources)
    if workers is None:
        workers = default_workers() if bytes_total >= PARALLEL_FROM_BYTES else 1
    parallel = workers > 1 and len(groups) > 1
    # Inside a worker the EVTX parser gets one thread: the workers already use every core.
    work = functools.partial(read_sources, fmt=fmt, batch_size=batch_size, threads=1 if parallel else 0)
    batches = ordered_map(groups, work, workers=workers if parallel else 1,
                          encode=to_wire, decode=from_wire, weigh=wire_size, idle=idle)
    names = ColumnNames()
    files_total = sum(1 for source in sources if _ends_file(source))
    done = files_done = bytes_done = events = 0  # done: sources (slices included) finished
    for batch in batches:
        batch.table = names.apply(batch.table)
        events += batch.table.num_rows
        for source in sources[done:done + batch.sources_done]:
            bytes_done += source.size
            files_done += _ends_file(source)
        done += batch.sources_done
        if progress is not None:
            # Unless it is ``last``, the batch ends inside the first source not done.
            current = 0 if batch.last else min(batch.position, sources[done].size)
            progress(ReadProgress(files_done, files_total, bytes_done + current, bytes_total, events,
                                  batch.source))
        yield batch


def _ends_file(source: Source) -> bool:
    return not isinstance(source, SourceSlice) or source.ends_file


def _splittable(source: Source, fmt: str | None) -> bool:
    """A source to cut into slices: UTF-8 JSON Lines (forced or detected; a file that is no log
    is left whole, to be reported when it is read)."""
    try:
        reader = detect_reader(source, fmt)
    except InputError:
        return False
    return reader is JsonLinesReader and encoding_of(source.head(4)) == "utf-8"

