"""JSON logs: JSON Lines (one event a line) and JSON documents (arrays of events and the like).

JSON Lines is what shippers write (Winlogbeat, NXLog, Sysmon for Linux, ``evtx_dump -o jsonl``); each
line is parsed on its own with ``orjson``, so a bad line is reported (source, line number) and the
next line is read. JSON documents are what exports write: an array of events, an object holding
the events under a common key (``events``, ``records``, Elasticsearch's ``hits.hits`` ...), or objects
one after another; they are streamed item by item (``json_stream``). Every event goes through
``json_flatten`` whatever its shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from geobuk.errors import InputError
from geobuk.sources.base import READERS, RECORD, Event, LogReader, ReadContext
from geobuk.sources.inputs import Source
from geobuk.sources.json_flatten import flatten_json
from geobuk.sources.json_stream import MalformedJson, iter_values
from geobuk.sources.slices import SliceLines, SourceSlice
from geobuk.sources.textio import head_text, text_stream, utf8_lines

# Keys under which exports and APIs put their list of events, tried in this order.
EVENT_LIST_KEYS = ("events", "Events", "records", "Records", "logs", "items", "results", "data", "value",
                   "rows")
# An object with more keys than this is taken as one event, not as a wrapper around a list of them:
# wrappers carry a few paging fields, while an event with a list of objects in it has many fields.
MAX_WRAPPER_KEYS = 8
_SNIFF_SLACK = 16


@READERS.register
class JsonLinesReader(LogReader):
    name = "jsonl"
    description = "JSON Lines / NDJSON: one event object a line (Winlogbeat, NXLog, EVTX as JSON)"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = head_text(head).lstrip()
        first, newline, _ = text.partition("\n")
        if not first.startswith("{") or not newline:
            return False
        try:
            return type(orjson.loads(first)) is dict
        except orjson.JSONDecodeError:
            return False

    def read(self, source: Source, ctx: ReadContext) -> Iterator[Event]:
        if isinstance(source, SourceSlice):  # part of a large file (see ``slices``)
            part = SliceLines(source)
            ctx.position = lambda: part.read
            yield from _events_of_lines(part, ctx, source.first_line)
            return
        with source.open() as opened:
            ctx.position = opened.position
            lines = utf8_lines(opened.stream, _peek(opened.stream))
            yield from _events_of_lines(lines, ctx)


def _events_of_lines(lines: Iterable[bytes | str], ctx: ReadContext, first: int = 1) -> Iterator[Event]:
    loads = orjson.loads
    for number, line in enumerate(lines, first):
        try:
            value = loads(line)
        except orjson.JSONDecodeError as exc:
            if not line.strip():
                continue
            value = _retry_as_text(line)
            if value is None:
                ctx.problem(f"not valid JSON, skipped: {exc}", index=number, what="line")
                continue
        if type(value) is dict:
            event = flatten_json(value)
            event[RECORD] = str(number)
            yield event
        elif type(value) is list and value and all(type(item) is dict for item in value):
            for item in value:  # a line holding a batch of events
                event = flatten_json(item)
                event[RECORD] = str(number)
                yield event
        else:
            ctx.problem("not a JSON object, skipped", index=number, what="line")


def _retry_as_text(line: bytes | str) -> Any:
    """A line whose only fault is bytes that are not UTF-8 (a mangled name) is still read."""
    if not isinstance(line, bytes):
        return None
    try:
        return orjson.loads(line.decode("utf-8", errors="replace"))
    except orjson.JSONDecodeError:
        return None


@READERS.register
class JsonReader(LogReader):
    name = "json"
    description = "JSON documents: an array of events, an object holding them (events, records, hits.hits)"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = head_text(head).lstrip()
        return text[:1] in ("[", "{") and _plausible_json(text)

    def read(self, source: Source, ctx: ReadContext) -> Iterator[Event]:
        with source.open() as opened:
            ctx.position = opened.position
            text = text_stream(opened.stream, _peek(opened.stream))
            number = events = 0
            try:
                for value, in_array in iter_values(text):
                    for item in ([value] if in_array else _events_in(value)):
                        number += 1
                        if type(item) is dict:
                            event = flatten_json(item)
                            event[RECORD] = str(number)
                            events += 1
                            yield event
                        else:
                            ctx.problem("not a JSON object, skipped", index=number, what="item")
            except MalformedJson as exc:
                if events == 0:  # nothing but garbage so far: this is no JSON log at all
                    ctx.take_problems()
                    raise InputError(source.name, f"not a JSON document: {exc}") from None
                ctx.problem(f"{exc}; the rest of the file is skipped", index=number + 1, what="item")


def _events_in(value: Any) -> list[Any]:
    """The events a top-level value holds: its event list if it is a wrapper, else itself."""
    if type(value) is not dict or len(value) > MAX_WRAPPER_KEYS:
        return [value]
    hits = value.get("hits")
    if type(hits) is dict and type(hits.get("hits")) is list:
        return hits["hits"]
    for key in EVENT_LIST_KEYS:
        items = value.get(key)
        if type(items) is list and items and all(type(item) is dict for item in items):
            return items
    return [value]


def _plausible_json(text: str) -> bool:
    """True if the head decodes as JSON, or fails only where the head was cut off."""
    try:
        json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        return len(text) - exc.pos <= _SNIFF_SLACK or exc.msg.startswith("Unterminated string")
    return True


def _peek(stream: Any) -> bytes:
    """The first bytes without consuming them (for the byte-order mark)."""
    return stream.peek(4)[:4]
