"""The reader interface: how problems are worded and handed over, and the registry's order."""

from __future__ import annotations

import geobuk.sources  # noqa: F401  (registers the readers)
from geobuk.sources.base import READERS, ReadContext
from geobuk.sources.inputs import Source


def test_problems_are_one_line_naming_source_and_place_and_are_taken_once():
    ctx = ReadContext(Source("case.zip!Security.evtx", "case.zip", 10))
    ctx.problem("cannot be parsed, skipped", index=7)
    ctx.problem("not valid JSON", index=3, what="line")
    ctx.problem("the file ends inside a chunk")
    assert ctx.take_problems() == [
        "case.zip!Security.evtx: record 7: cannot be parsed, skipped",
        "case.zip!Security.evtx: line 3: not valid JSON",
        "case.zip!Security.evtx: the file ends inside a chunk",
    ]
    assert ctx.take_problems() == []


def test_detection_order_puts_the_loosest_format_last():
    assert READERS.names() == ["evtx", "jsonl", "json", "csv"]
    assert all(reader.description for reader in READERS)
