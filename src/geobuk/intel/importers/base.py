"""The one interface every intel importer implements.

An importer turns a file into STIX 2.1 objects (and alias claims for actors already known) and
does nothing else: it never writes to the store. The store then validates and writes the whole
batch in one transaction, so a bad object anywhere in a file imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from geobuk.intel.names import AliasClaim
from geobuk.plugins import Registry

__all__ = ["AliasClaim", "ImportBatch", "ImportContext", "Importer", "IMPORTERS"]


@dataclass
class ImportBatch:
    """What one file contributes: objects to store and aliases to attach to existing actors."""

    objects: list[dict] = field(default_factory=list)
    aliases: list[AliasClaim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportContext:
    """Read-only access to what is already known, for importers that merge into it.

    ``resolve_actor`` maps any actor name or alias to the id of the actor it unambiguously names,
    or ``None``; it sees the store and the objects of earlier files of the same import.
    """

    resolve_actor: Callable[[str], str | None] = lambda name: None
    #: Every actor id a name points to, ambiguous or not: an importer must not attach a name that
    #: already points elsewhere (``resolve_actor`` returns None both for unknown and ambiguous names).
    actor_candidates: Callable[[str], list[str]] = lambda name: []


class Importer:
    """Base class: subclasses set ``name`` and ``description`` and implement ``sniff``/``read``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Detection tries importers from the lowest value up: loose formats set a high one.
    sniff_order: ClassVar[int] = 50

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """True if the file (whose first bytes are ``head``) is of this importer's format."""
        raise NotImplementedError

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        """Parse the file; raise ``geobuk.errors.InputError`` naming the bad record."""
        raise NotImplementedError


IMPORTERS: Registry[Importer] = Registry("importer")
