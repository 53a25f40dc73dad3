"""The trace outputs: JSON lines fields, the table, and the HTML page with its SVG flow."""

from __future__ import annotations

import io

import orjson

from geobuk.trace.follow import Context, run_follow
from geobuk.trace.labels import AddressLabel
from geobuk.trace.outputs import OUTPUTS
from geobuk.trace.screen import ScreenRow

S, A, MIX = "0x" + "5" * 40, "0x" + "a" * 40, "0x" + "9" * 40


def _result(table):
    labels = {MIX: AddressLabel(MIX, "ethereum", ["mixer"], services=["Tornado Cash"])}
    ctx = Context.build(table([(S, A, 10, 0), (A, MIX, 10, 1)]), labels, {})
    return run_follow(ctx, [S], hops=3, model="fifo")


def test_jsonl_screen_fields() -> None:
    out = io.StringIO()
    OUTPUTS.get("jsonl")().write_screen([ScreenRow(S, "ethereum", True, hops=2, via=A)], out)
    record = orjson.loads(out.getvalue())
    assert {"address", "chain", "valid", "labels", "actor", "sources", "hops"} <= set(record)
    assert record["hops"] == 2


def test_jsonl_follow_records(table) -> None:
    out = io.StringIO()
    OUTPUTS.get("jsonl")().write_follow(_result(table), out)
    records = [orjson.loads(x) for x in out.getvalue().splitlines()]
    assert records[0]["type"] == "summary"
    (endpoint,) = [r for r in records if r["type"] == "endpoint"]
    assert endpoint["name"] == "Tornado Cash" and endpoint["amount"] == 10 and endpoint["path"] == [S, A, MIX]


def test_html_draws_the_flow(table) -> None:
    out = io.StringIO()
    OUTPUTS.get("html")().write_follow(_result(table), out)
    page = out.getvalue()
    assert "<svg" in page and "<path" in page and "Tornado Cash" in page
    assert "screen" not in OUTPUTS.get("html").supports


def test_table_lists_endpoints(table) -> None:
    out = io.StringIO()
    OUTPUTS.get("table")().write_follow(_result(table), out)
    assert "Tornado Cash" in out.getvalue()
