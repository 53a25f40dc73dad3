"""The one interface every vet input reader implements, and the registry the CLI asks.

A reader turns one file into an Arrow table with the canonical columns of its kind (``mapping``'s
``PEOPLE``, ``SIGNINS`` or ``DEVICES``, all text except a sign-in's ``time``, a UTC timestamp, and
``is_proxy``, a boolean) plus ``_source`` (the file) and ``_record`` (the row or record number). It
validates as it goes: the first bad row raises ``InputError`` naming the file and the row, so a
broken file contributes nothing rather than half of itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pyarrow as pa

from geobuk.errors import InputError
from geobuk.plugins import Registry
from geobuk.vet.mapping import CANONICAL, Mapping

KINDS = ("people", "signins", "devices")
HEAD_BYTES = 65536


class VetReader:
    """Base class: subclasses set ``name``, ``kind`` and ``description`` and implement ``sniff``/``read``."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Detection tries readers from the lowest value up: loose formats (any CSV) set a high one.
    sniff_order: ClassVar[int] = 50

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """True if the file (whose first bytes are ``head``) is in this reader's format."""
        raise NotImplementedError

    def read(self, path: Path, mapping: Mapping) -> pa.Table:
        """The file as a canonical table; ``InputError`` naming the first bad row."""
        raise NotImplementedError


READERS: Registry[VetReader] = Registry("vet input format")


def schema(kind: str) -> pa.Schema:
    """The canonical columns of ``kind``, with their types."""
    types = {"time": pa.timestamp("us", tz="UTC"), "is_proxy": pa.bool_()}
    names = list(CANONICAL[kind])
    if kind == "signins":
        names.append("app")
    columns = [(n, types.get(n, pa.string()) if kind == "signins" else pa.string()) for n in names]
    return pa.schema([*columns, ("_source", pa.string()), ("_record", pa.int64())])


def reader_for(kind: str, path: Path, fmt: str | None = None) -> VetReader:
    """The reader named ``fmt``, or the first of ``kind`` that recognises the file."""
    if fmt:
        plugin = READERS.get(fmt)
        if plugin.kind != kind:
            raise InputError(path, f"format {fmt!r} reads {plugin.kind}, not {kind}")
        return plugin()
    try:
        with open(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    plugin = READERS.first(lambda p: p.kind == kind and p.sniff(path, head))
    if plugin is None:
        names = ", ".join(p.name for p in READERS if p.kind == kind)
        raise InputError(path, f"not a {kind} file geobuk can read (formats: {names})")
    return plugin()


def read_all(kind: str, paths: Sequence[Path], mapping: Mapping, fmt: str | None = None) -> pa.Table:
    """Every file of one kind in one table; the first bad file stops the whole read."""
    tables = [reader_for(kind, Path(p), fmt).read(Path(p), mapping) for p in paths]
    if not tables:
        return schema(kind).empty_table()
    return pa.concat_tables([t.select(schema(kind).names).cast(schema(kind)) for t in tables])
