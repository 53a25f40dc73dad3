"""The top-level values of a JSON document, read a piece at a time so memory stays bounded.

Exports as one JSON array of events (Zircolite, Chainsaw ``--json``, ``Get-WinEvent | ConvertTo-Json``)
reach gigabytes; loading them whole would need several times that in memory. Here the text is read
in chunks and each array item is decoded on its own with the standard library's C decoder
(``raw_decode``), which, unlike ``orjson``, says where a value ends. A document may also hold
several values one after another (pretty-printed objects appended to a file).

A top-level object is decoded whole, so one object may be at most ``MAX_OBJECT_CHARS`` long.
Malformed JSON cannot be resynchronised reliably (the next ``{`` may be inside a string), so it
ends the document with an error naming the item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK_CHARS = 1 << 20
MAX_OBJECT_CHARS = 64 << 20
_WHITESPACE = " \t\r\n"
_NEAR_END = 16  # longer than any token a chunk boundary can cut (``-Infinity``, ``\uXXXX``)


class MalformedJson(ValueError):
    """The document is not valid JSON at item ``index`` (1-based, counting array items)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def iter_values(text: TextIO) -> Iterator[tuple[Any, bool]]:
    """``(value, in_array)`` for each item of every top-level array and each other top-level value."""
    reader = _Buffered(text)
    index = 0
    while reader.skip_whitespace():
        if reader.peek() == "[":
            reader.advance(1)
            first = True
            while True:
                if not reader.skip_whitespace():
                    raise MalformedJson(index + 1, "the file ends inside an array")
                char = reader.peek()
                if char == "]":
                    reader.advance(1)
                    break
                if not first:
                    if char != ",":
                        raise MalformedJson(index + 1, f"expected ',' or ']' between items, found {char!r}")
                    reader.advance(1)
                    if not reader.skip_whitespace():
                        raise MalformedJson(index + 1, "the file ends inside an array")
                first = False
                index += 1
                yield reader.decode(index), True
        else:
            index += 1
            yield reader.decode(index), False


class _Buffered:
    """A growing window over the text, so a value can be decoded once all of it has been read."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self._eof:
            return False
        # Read at least as much as is pending, so re-decoding a long value stays linear overall.
        chunk = self._text.read(max(CHUNK_CHARS, len(self._buffer) - self._pos))
        if not chunk:
            self._eof = True
            return False
        if self._pos:
            self._buffer = self._buffer[self._pos:]
            self._pos = 0
        self._buffer += chunk
        return True

    def skip_whitespace(self) -> bool:
        """Move past whitespace; False at the end of the text."""
        while True:
            buffer, pos = self._buffer, self._pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buffer):
                return True
            if not self._more():
                return False

    def peek(self) -> str:
        return self._buffer[self._pos]

    def advance(self, n: int) -> None:
        self._pos += n

    def decode(self, index: int) -> Any:
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                # Cut off by the chunk's end (in a literal, escape or string) rather than malformed?
                truncated = (len(self._buffer) - exc.pos <= _NEAR_END
                             or exc.msg.startswith("Unterminated string"))
                if truncated and self._grow(index):
                    continue
                raise MalformedJson(index, f"malformed JSON: {exc.msg}") from None
            if end == len(self._buffer) and self._grow(index):
                continue  # a number may go on in the next chunk: decode again with more text
            self._pos = end
            return value

    def _grow(self, index: int) -> bool:
        if len(self._buffer) - self._pos > MAX_OBJECT_CHARS:
            raise MalformedJson(index, f"one value is longer than {MAX_OBJECT_CHARS >> 20} M characters; "
                                       "write the events as JSON Lines or as a JSON array")
        return self._more()
