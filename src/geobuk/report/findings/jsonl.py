"""JSON Lines: one finding per line, for a SIEM, jq or a script.

Keys come in one fixed order and the event's fields sorted, so two runs over the same logs give the
same bytes (the event's own field order depends on how batches were merged, not on the log).
"""

from __future__ import annotations

from typing import Any, TextIO

import orjson

from geobuk.detect.findings import Finding
from geobuk.report.findings.base import OUTPUTS, FindingsOutput, HuntResultLike

#: The keys of every line, in this order.
KEYS = ("kind", "rule_id", "rule_title", "level", "tags", "actor", "indicator", "source_file",
        "record_id", "timestamp", "host", "event", "related")
INDICATOR_KEYS = ("id", "type", "value", "name")


def _indicator(indicator: dict | None) -> dict | None:
    if indicator is None:
        return None
    known = {k: indicator.get(k) for k in INDICATOR_KEYS}
    return known | {k: indicator[k] for k in sorted(indicator) if k not in known}


def finding_record(finding: Finding) -> dict[str, Any]:
    """The finding as a JSON-ready dict with ``KEYS`` in order."""
    return {
        "kind": finding.kind, "rule_id": finding.rule_id, "rule_title": finding.rule_title,
        "level": finding.level, "tags": list(finding.tags), "actor": finding.actor or None,
        "indicator": _indicator(finding.indicator), "source_file": finding.source_file,
        "record_id": finding.record_id, "timestamp": finding.timestamp, "host": finding.host,
        "event": {k: finding.event[k] for k in sorted(finding.event)},
        "related": [list(ref) for ref in finding.related],
    }


def _fallback(value: object) -> str:
    """Values JSON has no type for (bytes, Decimal...) as text rather than failing the whole report."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def dumps(finding: Finding) -> str:
    """One line of JSON. orjson writes NaN and infinities as null, so no line is invalid JSON."""
    return orjson.dumps(finding_record(finding), default=_fallback).decode()


@OUTPUTS.register
class JsonLinesOutput(FindingsOutput):
    name = "jsonl"
    description = "one JSON object per finding (UTF-8), for a SIEM or jq"
    extension = ".jsonl"

    def write(self, result: HuntResultLike, stream: TextIO, *, context: dict[str, Any]) -> None:
        for finding in result.findings:
            stream.write(dumps(finding))
            stream.write("\n")
