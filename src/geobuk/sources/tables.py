"""Flat events to an Arrow table whose columns are the union of every event's fields, all strings.

``pa.Table.from_pylist`` without a schema takes its columns from the first row only, silently
dropping fields that appear later (a Sysmon file's first event rarely has every field), so the
schema is built from all rows first. Events are converted in one call as a struct array, which
is several times faster than one ``pa.array`` per column on the many small batches a folder of
short logs gives. The metadata columns come first, then fields in the order first seen.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from geobuk.sources.base import METADATA, SOURCE, Event

_STRING = pa.string()
# pa.field() and pa.struct() cost microseconds; files of one kind give the same names again and
# again, so both are kept (bounded: JSON with data in its key names must not grow them forever).
_FIELDS: dict[str, pa.Field] = {}
_STRUCTS: dict[tuple[str, ...], pa.StructType] = {}
_MAX_CACHED = 10_000


def events_table(events: Sequence[Event], source: str) -> pa.Table:
    """The events as one table (one chunk per column), with a ``_source`` column naming ``source``."""
    seen: dict[str, object] = {}
    for event in events:
        seen.update(event)
    names = (*METADATA[1:], *(name for name in seen if name not in METADATA))
    struct = _STRUCTS.get(names)
    if struct is None:
        if len(_STRUCTS) >= _MAX_CACHED:
            _STRUCTS.clear()
        struct = _STRUCTS[names] = pa.struct([_field(name) for name in names])
    table = pa.Table.from_struct_array(pa.array(events, type=struct))
    return table.add_column(0, _field(SOURCE), pa.array([source] * len(events), _STRING))


def empty_table(source: str) -> pa.Table:
    """A table with only the metadata columns and no rows (a source that gave no events)."""
    return events_table([], source)


def _field(name: str) -> pa.Field:
    field = _FIELDS.get(name)
    if field is None:
        if len(_FIELDS) >= _MAX_CACHED:
            _FIELDS.clear()
        field = _FIELDS[name] = pa.field(name, _STRING)
    return field
