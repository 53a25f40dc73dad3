"""The one interface every vet output implements, and the registry ``--format`` looks formats up in.

An output only writes: it gets a ``VetResult`` already ranked (and already redacted when asked)
and a text stream it does not own.
"""

from __future__ import annotations

from typing import Any, ClassVar, TextIO

from geobuk.plugins import Registry
from geobuk.vet.model import VetResult

__all__ = ["OUTPUTS", "VetOutput"]


class VetOutput:
    """Base class: subclasses set ``name`` and ``description`` and implement ``write``.

    ``context`` may hold ``parameters`` (what the run was asked), ``generated`` (a date for the
    report) and ``limit`` (how many people a human-facing output lists; 0 for all).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    extension: ClassVar[str] = ""

    def write(self, result: VetResult, stream: TextIO, *, context: dict[str, Any]) -> None:
        raise NotImplementedError


OUTPUTS: Registry[VetOutput] = Registry("vet output format")
