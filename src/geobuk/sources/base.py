"""The one interface every log reader implements, and the registry detection asks.

A reader turns one source into flat events (``dict`` of field name to text) and nothing else: it
never builds Arrow tables, batches or processes, so a new format is one small class. Problems
inside a source (a corrupt record, a bad line) are reported through ``ReadContext.problem`` and
reading goes on; only a source that is not of the reader's format at all raises ``InputError``.

Besides its own fields, every event a reader yields carries the metadata the rest of geobuk
relies on: ``_record`` (record or line number, as text) and, when the format knows them,
``_timestamp`` (ISO-8601) and ``_host``. ``_source`` is added when the batch is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from geobuk.errors import InputError
from geobuk.plugins import Registry
from geobuk.sources.inputs import Source

Event = dict[str, str]

SOURCE = "_source"
RECORD = "_record"
TIMESTAMP = "_timestamp"
HOST = "_host"
METADATA = (SOURCE, RECORD, TIMESTAMP, HOST)


class ReadContext:
    """What a reader reports while reading one source: problems met, and how far it has got.

    ``position`` is set by the reader to a function returning how much of ``Source.size`` has
    been read, so the caller can drive a progress bar without the reader knowing about one.
    ``threads`` is the number of threads a reader's native parser may use (0: its own choice);
    inside a worker process it is 1 so that two workers do not fight over two cores.
    """

    def __init__(self, source: Source, *, threads: int = 0) -> None:
        self.source = source
        self.threads = threads
        self.problems: list[str] = []
        self.position: Callable[[], int] = lambda: 0

    def problem(self, message: str, *, index: int | None = None, what: str = "record") -> None:
        """Record one problem as one line naming the source and where in it (InputError's format)."""
        self.problems.append(str(InputError(self.source.name, message, index=index, what=what)))

    def take_problems(self) -> list[str]:
        """The problems reported since the last call (each batch carries those found while reading it)."""
        taken, self.problems = self.problems, []
        return taken


class LogReader:
    """Base class: subclasses set ``name`` and ``description`` and implement ``sniff``/``read``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Bytes every source of this format starts with, if it has such a signature: detection then
    #: recognises it from a few bytes, before reading the head the other formats' ``sniff`` need.
    magic: ClassVar[bytes | None] = None

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """True if a source whose first (decompressed) bytes are ``head`` is in this format."""
        raise NotImplementedError

    def read(self, source: Source, ctx: ReadContext) -> Iterator[Event]:
        """Yield the source's events; raise ``InputError`` only if it is not in this format at all."""
        raise NotImplementedError


READERS: Registry[LogReader] = Registry("log format")
