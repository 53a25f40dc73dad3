"""Flat events to an Arrow table whose columns are the union of every event's fields, all strings.

``pa.Table.from_pylist`` without a schema takes its columns from the first row only, silently
dropping fields that appear later (a Sysmon file's first event rarely has every field), so the
schema is built from all rows first. Events are converted in one call as a struct array (about
1.5x faster than one ``pa.array`` per column, whose fixed cost per column dominates the many small
batches a folder of short logs gives); small batches take a cheaper path still (``_by_columns``).
The metadata columns come first, then fields in the order first seen.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def events_table(events: Sequence[Event], source: str) -> pa.Table:
    """The events as one table (one chunk per column), with a ``_source`` column naming ``source``."""
    seen: dict[str, object] = {}
    for event in events:
        seen.update(event)
    names = (*METADATA[1:], *(name for name in seen if name not in METADATA))
    count = len(events)
    if count < _FEW_EVENTS:
        table = _by_columns(events, names)
    else:
        table = pa.Table.from_struct_array(pa.array(events, type=_struct(names)))
    return table.add_column(0, _field(SOURCE), pa.array([source] * count, _STRING))


def _by_columns(events: Sequence[Event], names: tuple[str, ...]) -> pa.Table:
    """All cells, column after column, converted in one call and sliced into columns (zero copy)."""
    count = len(events)
    cells = pa.array([event.get(name) for name in names for event in events], _STRING)
    columns = [cells.slice(i * count, count) for i in range(len(names))]
    return pa.Table.from_arrays(columns, schema=_schema(names))


def empty_table(source: str) -> pa.Table:
    """A table with only the metadata columns and no rows (a source that gave no events)."""
    return events_table([], source)


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
