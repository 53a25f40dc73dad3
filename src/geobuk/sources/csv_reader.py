"""CSV (and TSV, ``;``- or ``|``-separated) logs with a header row: each column is a field.

SIEM and EDR exports, Event Viewer's "Save as CSV" and spreadsheets of triage results are CSV. The
delimiter is sniffed from the first lines. CSV has no null, so an empty cell is a missing field
(as in Zircolite): ``field: null`` in a rule then means the same for CSV and JSON. A row with more
cells than the header is reported (source, line) and skipped: its values cannot be put under the
right names. A shorter row (a trailing empty column dropped by the exporter) is read.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from geobuk.errors import InputError
from geobuk.sources.base import METADATA, READERS, RECORD, Event, LogReader, ReadContext
from geobuk.sources.inputs import Source
from geobuk.sources.metadata import fill_metadata
from geobuk.sources.textio import head_text, text_stream

DELIMITERS = ",\t;|"
SNIFF_LINES = 20
_MIN_COLUMNS = 2

# Script blocks and command lines make cells far longer than csv's 128 KiB default.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@READERS.register
class CsvReader(LogReader):
    name = "csv"
    description = "CSV/TSV with a header row (SIEM and EDR exports, Event Viewer 'Save as CSV')"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return _dialect(head_text(head)) is not None

    def read(self, source: Source, ctx: ReadContext) -> Iterator[Event]:
        with source.open() as opened:
            ctx.position = opened.position
            head = opened.stream.peek(4)[:4]  # type: ignore[attr-defined]
            text = text_stream(opened.stream, head)
            sample = text.read(64 * 1024)
            dialect = _dialect(sample) or _forced_dialect(sample)
            rows = csv.reader(_chain(sample, text), dialect)
            yield from _events(rows, source, ctx)


def _events(rows: Iterator[list[str]], source: Source, ctx: ReadContext) -> Iterator[Event]:
    header = next(rows, None)
    if not header:
        raise InputError(source.name, "no header row")
    names = [_column_name(name, i) for i, name in enumerate(header)]
    width = len(names)
    line = rows.line_num  # type: ignore[attr-defined]
    for row in rows:
        first_line, line = line + 1, rows.line_num  # type: ignore[attr-defined]
        if len(row) > width:
            ctx.problem(f"{len(row)} cells for {width} columns, skipped", index=first_line, what="line")
            continue
        event = {name: value for name, value in zip(names, row, strict=False) if value}
        if not event:
            continue
        event[RECORD] = str(first_line)
        yield fill_metadata(event)


def _column_name(name: str, index: int) -> str:
    name = name.strip().lstrip("\ufeff") or f"column{index + 1}"
    return name + "_" if name in METADATA else name


def _dialect(text: str) -> type[csv.Dialect] | None:
    """The dialect if ``text`` looks like delimited rows under a header of at least two columns."""
    if _looks_binary(text):
        return None  # the sniffer finds "delimiters" in any bytes: a zip, an image, a database
    lines = text.splitlines()[:SNIFF_LINES]
    if len(text) >= 64 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # the head's last line may be cut off
    if not lines or lines[0].lstrip()[:1] in ("{", "[", "<"):
        return None
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS)
    except csv.Error:
        return None
    widths = {len(row) for row in csv.reader(lines, dialect) if row}
    header_width = len(next(csv.reader(lines[:1], dialect), []))
    if header_width < _MIN_COLUMNS or max(widths, default=0) > header_width:
        return None
    return dialect


def _looks_binary(text: str) -> bool:
    """More than 1 % control characters (other than tab and line ends) in the first 4 KiB."""
    head = text[:4096]
    controls = sum(1 for char in head if char < " " and char not in "\t\r\n")
    return controls * 100 > len(head)


def _forced_dialect(sample: str) -> type[csv.Dialect]:
    """For ``--format csv`` on text the sniffer doubts: the delimiter most used in the first line."""
    first = sample.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)

    class Forced(csv.excel):
        pass

    Forced.delimiter = delimiter
    return Forced


def _chain(sample: str, rest: io.TextIOWrapper) -> Iterator[str]:
    """The sample already read (its cut-off last line completed), then the rest, as lines."""
    yield from io.StringIO(sample + rest.readline(), newline="")
    yield from rest
