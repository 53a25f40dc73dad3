"""One column per field name, whatever its case: ``ProcessId`` and ``ProcessID`` are one column.

Providers spell the same field differently (Sysmon's ``ProcessId``, Security's ``ProcessID`` in some
events, ``LogonID``/``LogonId``), and the detection stage queries with DuckDB, whose identifiers are
case-insensitive: two columns differing only in case cannot even be told apart there. Sigma field
names are matched case-insensitively by the common backends as well.

The rule: the first spelling of a name met in the stream (in output order, which is deterministic)
is the column's name for the rest of the stream, and every later spelling is renamed to it. If one
event has the field under two spellings, the value under the kept spelling wins (``coalesce``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


class ColumnNames:
    """The spelling chosen for each case-insensitive field name, across all batches of one stream."""

    def __init__(self) -> None:
        self._by_folded: dict[str, str] = {}
        self._by_name: dict[str, str] = {}  # every spelling met -> the kept one (skips casefold)

    def spelling(self, name: str) -> str:
        """The stream's spelling of ``name`` (``name`` itself if it is the first seen)."""
        kept = self._by_name.get(name)
        if kept is None:
            kept = self._by_name[name] = self._by_folded.setdefault(name.casefold(), name)
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
