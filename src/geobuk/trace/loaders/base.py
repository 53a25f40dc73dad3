"""The one interface every transfer loader implements, and its registry.

A loader turns one export file into rows of ``storage.TRANSFER_SCHEMA`` (and, for Bitcoin, the raw
inputs and outputs clustering needs); it never writes. Bad rows raise ``InputError`` naming the
line, or, when the caller allows skipping, are left out and listed in ``problems``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pyarrow as pa

from geobuk.plugins import Registry

__all__ = ["LOADERS", "LoadBatch", "TransferLoader"]


@dataclass
class LoadBatch:
    """What one file contributes."""

    transfers: pa.Table | None = None
    btc_inputs: pa.Table | None = None
    btc_outputs: pa.Table | None = None
    problems: list[str] = field(default_factory=list)
    rows: int = 0


class TransferLoader:
    """Base class: subclasses set ``name`` and ``description`` and implement ``sniff``/``read``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    sniff_order: ClassVar[int] = 50

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        raise NotImplementedError

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        raise NotImplementedError


LOADERS: Registry[TransferLoader] = Registry("transfer format")
