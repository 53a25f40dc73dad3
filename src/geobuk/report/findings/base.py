"""The one interface every findings output implements, and the registry the CLI looks formats up in.

An output only writes: it gets findings already sorted (the caller decides the order) and a text
stream it does not own (the caller opens and closes it, so the same code writes to stdout or a file).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, TextIO

from geobuk.detect.findings import Finding
from geobuk.plugins import Registry

__all__ = ["OUTPUTS", "FindingsOutput", "HuntResultLike"]


class HuntResultLike(Protocol):
    """What an output reads of a hunt: ``geobuk.detect.hunt.HuntResult`` or the same fields loaded back.

    A protocol rather than the class itself so that findings reloaded from the store (or built in a
    test) can be reported without running the hunt machinery. Read-only properties, so that any
    object with these attributes fits (a dataclass's ``list[Finding]`` included).
    """

    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def problems(self) -> Sequence[str]: ...
    @property
    def events(self) -> int: ...
    @property
    def sources(self) -> int: ...
    @property
    def seconds(self) -> float: ...


class FindingsOutput:
    """Base class: subclasses set ``name`` and ``description`` and implement ``write``.

    ``context`` carries what the hunt was asked and what it could not do, for reports that show it;
    every key is optional. The CLI passes ``parameters`` (paths, rules, min_level...), ``summary``
    (counts: rules, correlations, rules_skipped...), ``skipped_rules`` (one "why" line per rule that
    could not be loaded) and ``problems`` (reading problems, which outputs take from the result);
    ``generated`` (text) dates a report and defaults to now.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: The file extension a caller may suggest when writing this format to a file.
    extension: ClassVar[str] = ""

    def write(self, result: HuntResultLike, stream: TextIO, *, context: dict[str, Any]) -> None:
        raise NotImplementedError


OUTPUTS: Registry[FindingsOutput] = Registry("output format")
