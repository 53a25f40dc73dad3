"""CSV: one row per finding with flat columns, for a spreadsheet.

Analysts open these files in Excel, and every cell may hold attacker-controlled text: a cell that
starts with ``=`` (or ``+ - @``, or a tab or carriage return, which Excel also treats as a formula
start) would run as a formula (``=cmd|' /C calc'!A0``). Such cells get a leading ``'``, which Excel
shows as text and which a reader of the raw file can strip.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

import orjson

from geobuk.detect.findings import Finding
from geobuk.report.findings.base import OUTPUTS, FindingsOutput, HuntResultLike

COLUMNS = ("rule_id", "rule_title", "level", "kind", "actor", "tags", "indicator_type", "indicator_value",
           "source_file", "record_id", "timestamp", "host", "event", "related")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Joins a finding's tags in one cell (tags never contain it: they are dotted words).
TAG_SEPARATOR = " "


def guard(cell: str) -> str:
    """``cell`` made inert for a spreadsheet: a leading ``'`` if it would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _compact_json(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str).decode()


def row(finding: Finding) -> list[str]:
    """The finding's cells in ``COLUMNS`` order, guarded (an absent value is an empty cell)."""
    indicator = finding.indicator or {}
    cells = (finding.rule_id, finding.rule_title, finding.level, finding.kind, finding.actor,
             TAG_SEPARATOR.join(finding.tags), indicator.get("type"), indicator.get("value"),
             finding.source_file, finding.record_id, finding.timestamp, finding.host,
             _compact_json(finding.event), _compact_json(finding.related) if finding.related else "")
    return [guard("" if cell is None else str(cell)) for cell in cells]


@OUTPUTS.register
class CsvOutput(FindingsOutput):
    """``excel_bom`` starts the file with a byte order mark, which Excel needs to read UTF-8 (Korean
    text in a log otherwise shows as mojibake) but which other CSV readers keep in the first header."""

    name = "csv"
    description = "one row per finding, for a spreadsheet (formula injection guarded)"
    extension = ".csv"

    def __init__(self, *, excel_bom: bool = False) -> None:
        self.excel_bom = excel_bom

    def write(self, result: HuntResultLike, stream: TextIO, *, context: dict[str, Any]) -> None:
        if self.excel_bom:
            stream.write("\ufeff")
        writer = csv.writer(stream, dialect="excel", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for finding in result.findings:
            writer.writerow(row(finding))
