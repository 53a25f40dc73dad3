"""Consecutive sources gathered into groups: the unit of work a worker reads into batches.

One table per source made a folder of thousands of short logs arrive as thousands of tiny tables,
which the hunt then had to glue together (concatenating, then taking rows from columns of thousands
of chunks) at a higher cost than matching them. A worker that reads a whole group builds tables of
up to ``batch_size`` events across its sources instead, once, where the events are.

A group ends before the source that would take it past ``GROUP_BYTES`` (a larger source is a group
of its own, and so is each slice of a large JSON Lines file, ``slices.SLICE_BYTES``, so that the
processes reading it share the work in steps of a fraction of a second) or ``GROUP_FILES``
sources: small enough to spread the work over the workers and to keep the per-file cost of a group
of tiny files (opening, detecting, parser setup) to about a second. Both limits are fixed, not
derived from the number of workers, so the batches, and with them every table, record number and
error line, are the same with any number of workers on any machine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from geobuk.sources.inputs import Source
from geobuk.sources.slices import SourceSlice

GROUP_BYTES = 64 << 20
GROUP_FILES = 1000


@dataclass(frozen=True)
class SourceGroup:
    """Sources read one after the other by one worker, in input order."""

    sources: tuple[Source, ...]

    def __iter__(self) -> Iterator[Source]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __repr__(self) -> str:  # error messages name the task: not a thousand Source reprs
        first = repr(self.sources[0].name) if self.sources else "nothing"
        more = len(self.sources) - 1
        return f"{first} and {more} more source{'s' * (more != 1)}" if more > 0 else first


def group_sources(sources: Sequence[Source], *, max_bytes: int | None = None,
                  max_files: int | None = None) -> list[SourceGroup]:
    """``sources`` cut into consecutive groups (default limits ``GROUP_BYTES``, ``GROUP_FILES``)."""
    max_bytes = GROUP_BYTES if max_bytes is None else max_bytes
    max_files = GROUP_FILES if max_files is None else max_files
    groups: list[SourceGroup] = []
    current: list[Source] = []
    size = 0
    for source in sources:
        if isinstance(source, SourceSlice):  # a slice of a large file is a task of its own
            if current:
                groups.append(SourceGroup(tuple(current)))
                current, size = [], 0
            groups.append(SourceGroup((source,)))
            continue
        if current and (size + source.size > max_bytes or len(current) >= max_files):
            groups.append(SourceGroup(tuple(current)))
            current, size = [], 0
        current.append(source)
        size += source.size
    if current:
        groups.append(SourceGroup(tuple(current)))
    return groups
