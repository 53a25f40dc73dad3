"""Text encodings of exported logs: UTF-8 (with or without BOM) and the UTF-16 Windows tools write.

PowerShell's ``Out-File``/``>`` and Excel's "Unicode text" write UTF-16 with a byte-order mark, and
such exports are common in incident response, so every text reader goes through here instead of
assuming UTF-8. Bytes that are not valid in the encoding are replaced, never fatal: one bad byte
in a log line must not lose the line.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding_of(head: bytes) -> str:
    """The encoding a byte-order mark announces; UTF-8 without one."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return "utf-8"


def head_text(head: bytes) -> str:
    """The decoded start of a file (a truncated last character is dropped, not an error)."""
    return codecs.getincrementaldecoder(encoding_of(head))(errors="replace").decode(head)


def text_stream(stream: BinaryIO, head: bytes) -> io.TextIOWrapper:
    """The stream as text, in the encoding ``head`` (its first bytes) announces; newlines kept as is."""
    return io.TextIOWrapper(stream, encoding=encoding_of(head), errors="replace", newline="")


def utf8_lines(stream: BinaryIO, head: bytes) -> Iterator[bytes | str]:
    """The stream's lines: raw bytes for UTF-8 (orjson parses them without a decode step), else text."""
    encoding = encoding_of(head)
    if encoding == "utf-8":
        return iter(stream)
    if encoding == "utf-8-sig":
        lines = iter(stream)
        first = next(lines, b"")
        return _prepend(first[len(codecs.BOM_UTF8):], lines)
    return iter(io.TextIOWrapper(stream, encoding=encoding, errors="replace"))


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
