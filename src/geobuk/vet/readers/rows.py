"""The CSV and JSON readers every kind shares: read the rows, map them to canonical columns, validate.

A subclass sets ``name``, ``kind``, ``description``, ``names`` (its canonical columns) and
``validate`` (the kind's checks, called with the canonical table, the file and "row" or "record").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pyarrow as pa

from geobuk.vet.mapping import Mapping
from geobuk.vet.readers.base import VetReader
from geobuk.vet.readers.tabular import (
    canonical,
    get_path,
    json_header,
    looks_like_csv,
    looks_like_json,
    read_csv,
    read_json_records,
    records_table,
)

Validate = Callable[[pa.Table, Path, str], pa.Table]


class RowsReader(VetReader):
    """Reads with ``load`` (the raw table, its column mapping, the first record's number and what a
    record is called), then maps to the canonical ``names`` and runs ``validate``."""

    names: ClassVar[list[str]] = []
    validate: ClassVar[Validate]
    sniff_order = 80

    def load(self, path: Path, mapping: Mapping) -> tuple[pa.Table, dict[str, str], int, str]:
        raise NotImplementedError

    def read(self, path: Path, mapping: Mapping) -> pa.Table:
        raw, columns, first, what = self.load(path, mapping)
        return self.validate(canonical(raw, columns, list(self.names), path, first), path, what)


class CsvRows(RowsReader):
    """A kind's CSV reader: header row, then one record a row (numbered from 2)."""

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return looks_like_csv(path, head)

    def load(self, path: Path, mapping: Mapping) -> tuple[pa.Table, dict[str, str], int, str]:
        raw = read_csv(path)
        return raw, mapping.columns(self.kind, raw.column_names, path), 2, "row"


class JsonRows(RowsReader):
    """A kind's JSON reader: an array of objects or JSON Lines (numbered from 1)."""

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return looks_like_json(path, head)

    def load(self, path: Path, mapping: Mapping) -> tuple[pa.Table, dict[str, str], int, str]:
        records = read_json_records(path)
        columns = mapping.columns(self.kind, json_header(records), path)
        return records_table(records, sorted(set(columns.values())), get_path), columns, 1, "record"
