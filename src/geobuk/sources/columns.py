"""One column per field name, whatever its case and spaces: ``ProcessId``, ``ProcessID`` are one column.

Providers spell the same field differently (Sysmon's ``ProcessId``, Security's ``ProcessID`` in some
events, ``LogonID``/``LogonId``, Defender's ``Threat Name`` where rules say ``ThreatName``), and the
detection stage treats names that differ only in case and spaces as one field (``engine.field_key``;
DuckDB's identifiers are case-insensitive too): two such columns could not even be told apart there.

The rule: the first spelling of a name met in the stream (in output order, which is deterministic)
is the column's name for the rest of the stream, with or without spaces, and every later spelling is
renamed to it. If one event has the field under two spellings, the value under the kept spelling
wins (``coalesce``), then the others' in the order of their columns.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def fold(name: str) -> str:
    """What two spellings of one field have in common (as ``engine.field_key`` folds them)."""
    return name.casefold().replace(" ", "")


class ColumnNames:
    """The spelling chosen for each field name (ignoring case and spaces), across a stream's batches."""

    def __init__(self) -> None:
        self._by_folded: dict[str, str] = {}
        self._by_name: dict[str, str] = {}  # every spelling met -> the kept one (skips folding)

    def spelling(self, name: str) -> str:
        """The stream's spelling of ``name`` (``name`` itself if it is the first seen)."""
        kept = self._by_name.get(name)
        if kept is None:
            kept = self._by_name[name] = self._by_folded.setdefault(fold(name), name)
        return kept

    def apply(self, table: pa.Table) -> pa.Table:
        """``table`` with its columns renamed to the stream's spellings, same-name columns merged."""
        names = table.column_names
        by_name = self._by_name
        targets = [by_name.get(name) or self.spelling(name) for name in names]
        if targets == names:
            return table
        groups: dict[str, list[int]] = {}
        for index, target in enumerate(targets):
            groups.setdefault(target, []).append(index)
        columns = []
        for target, indexes in groups.items():
            if len(indexes) == 1:
                columns.append(table.column(indexes[0]))
            else:
                indexes.sort(key=lambda i: names[i] != target)  # the kept spelling's own values first
                columns.append(pc.coalesce(*(table.column(i) for i in indexes)))
        return pa.Table.from_arrays(columns, names=list(groups))
