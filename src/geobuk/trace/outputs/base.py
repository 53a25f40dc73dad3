"""The interface every trace output implements, and its registry (``--format``).

An output writes screening rows and/or a follow result to a text stream it does not own; ``supports``
says which of the two it can write (HTML draws a follow's flow; screening is a table or JSON lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TextIO

from geobuk.plugins import Registry
from geobuk.trace.follow import FollowResult
from geobuk.trace.screen import ScreenRow

__all__ = ["OUTPUTS", "TraceOutput"]


class TraceOutput:
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    supports: ClassVar[frozenset[str]] = frozenset({"screen", "follow"})

    def write_screen(self, rows: Sequence[ScreenRow], stream: TextIO) -> None:
        raise NotImplementedError

    def write_follow(self, result: FollowResult, stream: TextIO) -> None:
        raise NotImplementedError


OUTPUTS: Registry[TraceOutput] = Registry("trace output format")
