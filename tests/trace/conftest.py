"""Helpers for the trace tests: small transfer tables written by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from geobuk.trace.graph import TransferGraph
from geobuk.trace.storage import TRANSFER_SCHEMA

T0 = datetime(2025, 2, 21, tzinfo=UTC)


def transfers(rows: list[tuple]) -> pa.Table:
    """Rows of (from, to, amount, hour[, asset[, tx]]) as a transfer table."""
    cols = {f.name: [] for f in TRANSFER_SCHEMA}
    for i, row in enumerate(rows):
        src, dst, amount, hour = row[:4]
        asset = row[4] if len(row) > 4 else "ETH"
        tx = row[5] if len(row) > 5 else f"tx{i}"
        for key, value in (
            ("chain", "ethereum"),
            ("tx_hash", tx),
            ("time", T0 + timedelta(hours=hour)),
            ("block", None),
            ("from_address", src),
            ("to_address", dst),
            ("asset", asset),
            ("amount", float(amount)),
            ("seq", 0),
            ("source", "test"),
        ):
            cols[key].append(value)
    return pa.table(cols, schema=TRANSFER_SCHEMA)


def _flows(graph: TransferGraph, trace) -> dict[str, float]:
    """'from>to' -> tainted amount, for assertions."""
    return {
        f"{graph.node_label(int(graph.src[e]))[0]}>{graph.node_label(int(graph.dst[e]))[0]}": round(
            float(f), 9
        )
        for e, f in zip(trace.edges, trace.edge_flow, strict=True)
    }


@pytest.fixture
def make_graph():
    def build(rows: list[tuple], clusters: dict[str, str] | None = None) -> TransferGraph:
        return TransferGraph.build(transfers(rows), clusters)

    return build


@pytest.fixture
def flows():
    return _flows


@pytest.fixture
def table():
    return transfers
