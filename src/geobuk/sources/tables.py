"""Flat events to an Arrow table whose columns are the union of every event's fields, all strings.

``pa.Table.from_pylist`` without a schema takes its columns from the first row only, silently
dropping fields that appear later (a Sysmon file's first event rarely has every field), so the
schema is built from all rows first. The metadata columns come first, then fields in the order
first seen. Every column is one chunk.

A batch gathers many sources (see ``batches``), so its union schema is often sparse: 50,000 events
of the 277 evtx-attack-samples files have 412 fields, 30 per event. Which conversion is fastest
depends on that shape (measured there, and on 50,000 events of 30 fields each):

- a few events (< ``_FEW_EVENTS``): every cell, column after column, in one ``pa.array`` call
  (``_by_columns``): per-column setup dominates anything else;
- dense (each field in at least half of the events): one struct array (``pa.array(events,
  struct)``): 0.13 s for the dense 50,000, but it looks up every field in every event, 0.85 s for
  the sparse ones;
- sparse: each field's values converted once and laid out over the rows with nulls between them
  (``_sparse``): 0.2 s for the sparse 50,000, about twice the struct array's time when dense.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import pyarrow as pa

from geobuk.sources.base import METADATA, SOURCE, Event

_STRING = pa.string()
# pa.field(), pa.struct() and pa.schema() cost microseconds; files of one kind give the same names again and
# again, so both are kept (bounded: JSON with data in its key names must not grow them forever).
_FIELDS: dict[str, pa.Field] = {}
_STRUCTS: dict[tuple[str, ...], pa.StructType] = {}
_SCHEMAS: dict[tuple[str, ...], pa.Schema] = {}
_MAX_CACHED = 10_000
# Below this many events, per-column setup dominates pa.array(struct); one flat array of all cells,
# sliced into columns, is then faster (measured on the evtx-attack-samples corpus: small files).
_FEW_EVENTS = 200
# Sparse when fewer than 1 cell in this many of the rows x columns grid holds a value.
_SPARSE_BELOW = 2

Runs = Sequence[tuple[str, int]]


def events_table(events: Sequence[Event], source: str | Runs) -> pa.Table:
    """The events as one table (one chunk per column), with a ``_source`` column first.

    ``source`` names the source of every event, or gives ``(source, number of events)`` runs in row
    order when the events come from several sources one after the other.
    """
    count = len(events)
    shapes = list(map(tuple, events))  # each event's field names; few distinct ones in practice
    fields = dict.fromkeys(chain.from_iterable(dict.fromkeys(shapes)))
    names = (*METADATA[1:], *(name for name in fields if name not in METADATA))
    table = None
    if count < _FEW_EVENTS:
        table = _by_columns(events, names)
    elif sum(map(len, shapes)) * _SPARSE_BELOW < count * len(names):
        table = _sparse(events, shapes, names)
    if table is None:
        table = pa.Table.from_struct_array(pa.array(events, type=_struct(names)))
    return table.add_column(0, _field(SOURCE), _source_column(source, count))


def empty_table(source: str) -> pa.Table:
    """A table with only the metadata columns and no rows (a source that gave no events)."""
    return events_table([], source)


def _source_column(source: str | Runs, count: int) -> pa.Array:
    if isinstance(source, str):
        return pa.array([source] * count, _STRING)
    lengths = [length for _, length in source]
    if sum(lengths) != count:
        raise ValueError(f"the runs cover {sum(lengths)} events, not {count}")
    names = pa.array([name for name, _ in source], _STRING)
    return names.take(np.repeat(np.arange(len(lengths), dtype=np.int32), lengths))


def _by_columns(events: Sequence[Event], names: tuple[str, ...]) -> pa.Table:
    """All cells, column after column, converted in one call and sliced into columns (zero copy)."""
    count = len(events)
    cells = pa.array([event.get(name) for name in names for event in events], _STRING)
    columns = [cells.slice(i * count, count) for i in range(len(names))]
    return pa.Table.from_arrays(columns, schema=_schema(names))


def _sparse(events: Sequence[Event], shapes: list[tuple[str, ...]],
            names: tuple[str, ...]) -> pa.Table | None:
    """Only the cells that hold a value are converted, once; each column is then its values' offsets
    spread over the rows (a row without the field repeats the previous offset and is marked null).

    None if the values do not fit one string array (over 2 GB of text, or nulls in the events):
    the struct array handles those.
    """
    count = len(events)
    code_of = {name: i for i, name in enumerate(names)}
    kind = np.int16 if len(names) < 1 << 15 else np.int32
    shape_codes = {shape: np.array([code_of[name] for name in shape], kind)
                   for shape in dict.fromkeys(shapes)}
    codes = np.concatenate([shape_codes[shape] for shape in shapes])  # each cell's column, row after row
    rows = np.repeat(np.arange(count, dtype=np.int32), np.fromiter(map(len, shapes), np.int64, count))
    values = pa.array(list(chain.from_iterable(map(dict.values, events))), _STRING)
    if isinstance(values, pa.ChunkedArray) or values.null_count:
        return None
    order = np.argsort(codes, kind="stable")  # column after column, rows ascending within each
    values = values.take(order)
    rows = rows[order]
    bounds = np.zeros(len(names) + 1, np.int64)
    np.cumsum(np.bincount(codes, minlength=len(names)), out=bounds[1:])
    _, offsets_buffer, data = values.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32, len(values) + 1)
    data = data or pa.py_buffer(b"")
    columns = [_spread(offsets[start:end + 1], rows[start:end], data, count)
               for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]
    return pa.Table.from_arrays(columns, schema=_schema(names))


def _spread(ends: np.ndarray, rows: np.ndarray, data: pa.Buffer, count: int) -> pa.Array:
    """A column of ``count`` rows whose values are ``data[ends[i]:ends[i + 1]]`` at ``rows[i]``."""
    held = len(rows)
    if not held:
        return pa.nulls(count, _STRING)
    first = int(ends[0])
    body = data.slice(first, int(ends[-1]) - first)
    if held == count:  # every row has the field (rows are then 0, 1, 2...)
        return pa.StringArray.from_buffers(count, pa.py_buffer(ends - first), body, None, 0)
    # Row r ends where the values of all rows up to r end: ends[k] repeated over the rows from the
    # k-th value's row up to the next value's row.
    gaps = np.empty(held + 1, np.int64)
    gaps[0] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=gaps[1:-1])
    gaps[-1] = count - rows[-1]
    offsets = np.empty(count + 1, np.int32)
    offsets[0] = 0
    offsets[1:] = np.repeat(ends - first, gaps)
    present = np.zeros(count, np.bool_)
    present[rows] = True
    validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), body, validity, count - held)


def _struct(names: tuple[str, ...]) -> pa.StructType:
    struct = _STRUCTS.get(names)
    if struct is None:
        if len(_STRUCTS) >= _MAX_CACHED:
            _STRUCTS.clear()
        struct = _STRUCTS[names] = pa.struct([_field(name) for name in names])
    return struct


def _schema(names: tuple[str, ...]) -> pa.Schema:
    schema = _SCHEMAS.get(names)
    if schema is None:
        if len(_SCHEMAS) >= _MAX_CACHED:
            _SCHEMAS.clear()
        schema = _SCHEMAS[names] = pa.schema([_field(name) for name in names])
    return schema


def _field(name: str) -> pa.Field:
    field = _FIELDS.get(name)
    if field is None:
        if len(_FIELDS) >= _MAX_CACHED:
            _FIELDS.clear()
        field = _FIELDS[name] = pa.field(name, _STRING)
    return field
