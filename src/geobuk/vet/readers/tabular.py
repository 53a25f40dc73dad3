"""Reading rows out of CSV and JSON files, with errors that name the row.

CSV is parsed by Arrow (fast enough for millions of people); when Arrow refuses a file, the file is
read again with Python's ``csv`` module only to find and name the first bad row, since Arrow's
message does not say where it is. Row numbers count the header as row 1, as a spreadsheet shows
them. JSON may be an array of objects, an object holding one (Microsoft Graph's ``value``), or JSON
Lines; records are numbered from 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geobuk.errors import InputError
from geobuk.vet.normalize import string_buffers


def looks_like_csv(path: Path, head: bytes) -> bool:
    if path.suffix.lower() in (".csv", ".tsv"):
        return True
    first = head.split(b"\n", 1)[0]
    return bool(first) and first.lstrip()[:1] not in (b"{", b"[") and (b"," in first or b"\t" in first)


def looks_like_json(path: Path, head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def read_csv(path: Path) -> pa.Table:
    """Every column as text (empty cells as empty strings); ``InputError`` naming the first bad row."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with open(path, "rb") as stream:
            header_line = stream.readline()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not header_line.strip():
        raise InputError(path, "the file is empty (a header row is needed)")
    try:
        header = next(csv.reader([header_line.decode("utf-8-sig")], delimiter=delimiter))
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", index=1, what="row") from None
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise InputError(
            path, f"the header repeats column {', '.join(map(repr, dupes))}", index=1, what="row"
        )
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        _diagnose_csv(path, delimiter, len(header))
        raise InputError(path, f"cannot parse: {str(exc).splitlines()[0]}") from None


def _diagnose_csv(path: Path, delimiter: str, width: int) -> None:
    """Raise ``InputError`` for the first row Python's csv module finds wrong (the slow path)."""
    row_number = 1
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream, delimiter=delimiter, strict=True)
            next(reader, None)
            for row_number, row in enumerate(reader, start=2):
                if len(row) != width:
                    raise InputError(
                        path, f"expected {width} fields, found {len(row)}", index=row_number, what="row"
                    )
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", index=row_number + 1, what="row") from None
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV: {exc}", index=row_number + 1, what="row") from None


def read_json_records(path: Path) -> list[dict]:
    """The file's records: a JSON array, ``{"value": [...]}`` (Graph) or JSON Lines."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _json_lines(path, data)
    if isinstance(doc, dict):
        for key in ("value", "records", "data", "events"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
        else:
            doc = [doc]
    if not isinstance(doc, list):
        raise InputError(path, "expected a JSON array of records")
    for index, record in enumerate(doc, start=1):
        if not isinstance(record, dict):
            raise InputError(
                path, f"expected an object, found {type(record).__name__}", index=index, what="record"
            )
    return doc


def _json_lines(path: Path, data: bytes) -> list[dict]:
    records = []
    for number, line in enumerate(io.BytesIO(data), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(path, f"invalid JSON: {exc}", index=number, what="line") from None
        if not isinstance(record, dict):
            raise InputError(
                path, f"expected an object, found {type(record).__name__}", index=number, what="line"
            )
        records.append(record)
    if not records:
        raise InputError(path, "no records")
    return records


def get_path(record: dict, dotted: str) -> object:
    """``record["a"]["b"]`` for ``"a.b"``; a flat key with the dot in it also works; None if absent."""
    if dotted in record:
        return record[dotted]
    value: object = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def text(value: object) -> str:
    """A JSON value as the text a table holds (None and containers become "" and JSON)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


def records_table(records: list[dict], header: list[str], get: Callable[[dict, str], object]) -> pa.Table:
    """Records as a table of text columns named ``header``."""
    return pa.table({h: pa.array([text(get(r, h)) for r in records], pa.string()) for h in header})


def json_header(records: list[dict]) -> list[str]:
    """Every top-level key of the records, in first-seen order (nested objects as dotted keys)."""
    seen: dict[str, None] = {}
    for record in records[:1000]:
        _keys(record, "", seen)
    return list(seen)


def _keys(obj: dict, prefix: str, seen: dict[str, None]) -> None:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _keys(value, name + ".", seen)
        else:
            seen.setdefault(name, None)


def canonical(
    table: pa.Table, columns: dict[str, str], names: list[str], path: Path, first_record: int
) -> pa.Table:
    """Select and rename to ``names`` (missing ones empty), trimmed; adds ``_source`` and ``_record``.

    Columns stay as the reader's chunks and are copied only when something changes (a cast, nulls
    to fill, a value to trim): a million people's resumes are most of a gigabyte, and a copy of
    every column would double the memory the read needs.
    """
    n = table.num_rows
    out: dict[str, pa.ChunkedArray | pa.Array] = {}
    for name in names:
        if name in columns:
            col = table.column(columns[name])
            if col.type != pa.string():
                col = col.cast(pa.string())
            if col.null_count:
                col = col.fill_null("")
            out[name] = pc.utf8_trim_whitespace(col) if _needs_trim(col) else col
        else:
            out[name] = pa.repeat("", n)
    out["_source"] = pa.repeat(str(path), n)
    out["_record"] = pa.array(np.arange(first_record, first_record + n, dtype=np.int64))
    return pa.table(out)


_SUSPECT = np.zeros(256, dtype=bool)  # bytes a value starting or ending with whitespace can have there
_SUSPECT[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True  # ASCII whitespace (as Arrow's utf8 sees it)
_SUSPECT[0x80:] = True  # any byte of a multi-byte character: it may be Unicode whitespace


def _needs_trim(column: pa.ChunkedArray) -> bool:
    """Whether a value starts or ends with whitespace.

    Reads only the first and last byte of each value, straight from the Arrow buffers; the few values
    whose end bytes may be whitespace (ASCII whitespace, or part of a non-ASCII character) are then
    checked exactly.
    """
    for chunk in column.chunks:
        if not len(chunk):
            continue
        _, offsets, data = string_buffers(chunk)
        filled = np.flatnonzero(offsets[1:] > offsets[:-1])
        suspect = _SUSPECT[data[offsets[filled]]] | _SUSPECT[data[offsets[filled + 1] - 1]]
        rows = filled[suspect]
        if len(rows):
            values = chunk.take(pa.array(rows))
            if pc.any(pc.not_equal(pc.utf8_trim_whitespace(values), values)).as_py():
                return True
    return False


def first_blank(column: pa.Array | pa.ChunkedArray) -> int | None:
    """Position of the first empty value, or None."""
    mask = pc.equal(column, "")
    if not pc.any(mask).as_py():
        return None
    return int(pc.index(mask, True).as_py())


def first_false(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Position of the first false (or null) value of a boolean column, or None."""
    mask = pc.fill_null(mask, False)
    if pc.all(mask).as_py():
        return None
    return int(pc.index(mask, False).as_py())
