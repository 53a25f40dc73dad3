"""FIFO/haircut positions computed per hop for the reached nodes equal the whole-graph ones they replaced."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from geobuk.trace import positions
from geobuk.trace.generate import background
from geobuk.trace.graph import TransferGraph
from geobuk.trace.positions import Streams


def whole_graph(g: TransferGraph) -> dict[str, np.ndarray]:
    """The former once-per-graph computation: one merged sort of every inflow and outflow event."""
    e = g.n_edges
    node = np.concatenate([g.dst, g.src])
    inflow = np.concatenate([np.ones(e, bool), np.zeros(e, bool)])
    order = np.lexsort((~inflow, np.concatenate([g.time, g.time]), node))
    edge = np.concatenate([np.arange(e), np.arange(e)])[order]
    node, amount, is_in = node[order], g.amount[edge], inflow[order]
    first = np.r_[True, node[1:] != node[:-1]]
    starts = np.flatnonzero(first)
    seg = np.maximum.accumulate(np.where(first, np.arange(len(node)), 0))
    cin = np.cumsum(np.where(is_in, amount, 0.0))
    cout = np.cumsum(np.where(is_in, 0.0, amount))
    cin = cin - (cin[seg] - np.where(is_in, amount, 0.0)[seg])
    cout = cout - (cout[seg] - np.where(is_in, 0.0, amount)[seg])
    opening = np.zeros(g.n_nodes)
    opening[node[starts]] = np.maximum(0.0, -np.minimum.reduceat(cin - cout, starts))
    op = opening[node]
    in_pos, out_pos, received = np.zeros(e), np.zeros(e), np.zeros(e)
    in_pos[edge[is_in]] = (cin - amount)[is_in] + op[is_in]
    out_pos[edge[~is_in]] = (cout - amount)[~is_in]
    received[edge[~is_in]] = cin[~is_in] + op[~is_in]
    scale = opening + np.bincount(g.dst, weights=g.amount, minlength=g.n_nodes) + 1.0
    return {"opening": opening, "in_pos": in_pos, "out_pos": out_pos, "received": received, "scale": scale}


@pytest.fixture(scope="module")
def generated() -> TransferGraph:
    table = background(4000, addresses=300, days=3)
    # equal times on purpose: a third of the transfers share their time with another one
    times = table.column("time").to_numpy().astype("datetime64[s]").astype("datetime64[us]")
    return TransferGraph.build(table.set_column(2, "time", pa.array(times)))


def per_edge(g: TransferGraph, parts: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Stream values computed part by part (as hops reach nodes), gathered into per-graph arrays."""
    got = {k: np.full(n, np.nan) for k, n in [("opening", g.n_nodes), ("scale", g.n_nodes)]}
    got |= {k: np.full(g.n_edges, np.nan) for k in ("in_pos", "out_pos", "received")}
    for part in parts:
        s = Streams.of(g, np.sort(part))
        got["opening"][s.nodes], got["scale"][s.nodes] = s.opening, s.scale
        got["in_pos"][s.in_edges] = s.in_pos_of(s.in_edges)
        got["out_pos"][s.out_edges] = s.out_pos_of(s.out_edges)
        got["received"][s.out_edges] = s.received_of(s.out_edges)
    return got


def test_per_hop_positions_equal_the_whole_graph_ones(generated: TransferGraph) -> None:
    g = generated
    assert len(np.unique(g.time)) < g.n_edges  # the tie cases are exercised
    expected = whole_graph(g)
    assert expected["opening"].max() > 0  # some nodes spend before they receive
    parts = np.array_split(np.random.default_rng(0).permutation(g.n_nodes), 4)
    got = per_edge(g, parts)
    for name, values in got.items():
        assert not np.isnan(values).any(), name  # every node and edge was covered
        np.testing.assert_allclose(values, expected[name], rtol=1e-12, atol=1e-9)


def test_streams_cover_exactly_the_nodes_asked_for(generated: TransferGraph) -> None:
    g = generated
    nodes = np.array([3, 10, 42])
    s = Streams.of(g, nodes)
    out = np.concatenate([np.arange(g.out_start[n], g.out_start[n + 1]) for n in nodes])
    assert np.array_equal(s.out_edges, out)
    assert sorted(s.in_edges.tolist()) == sorted(np.flatnonzero(np.isin(g.dst, nodes)).tolist())
    picked = s.in_edges[::-1]  # lookups work in any order
    assert np.array_equal(s.in_pos_of(picked), s.in_pos[::-1])


def test_inflows_count_before_outflows_at_the_same_time(make_graph) -> None:
    # A receives 5 and sends 5 in the same hour: no opening balance is needed, the inflow came first.
    g = make_graph([("C", "A", 5, 1), ("A", "B", 5, 1), ("A", "D", 2, 2)])
    a = g.nodes_of(["A"])
    s = Streams.of(g, a)
    assert s.opening.tolist() == [2.0]  # only the 2 sent at 02:00 ran ahead of what came in
    assert s.received.tolist() == [7.0, 7.0]  # opening 2 + the 5 received at 01:00
    assert s.out_pos.tolist() == [0.0, 5.0]
    assert s.in_pos.tolist() == [2.0]  # after the opening balance


def test_a_node_gets_the_same_values_whatever_it_is_computed_with(generated: TransferGraph) -> None:
    # Bitwise equal, not just close: a hop's frontier must not change a node's values.
    together = per_edge(generated, [np.arange(generated.n_nodes)])
    alone = per_edge(generated, np.array_split(np.random.default_rng(5).permutation(generated.n_nodes), 7))
    for name, values in together.items():
        assert np.array_equal(values, alone[name]), name


@pytest.mark.parametrize("widest", [4, 4096])  # hubs summed one by one, or all in padded blocks
def test_stream_sums_are_each_streams_own(monkeypatch, widest: int) -> None:
    monkeypatch.setattr(positions, "_WIDEST_BLOCK", widest)
    counts = np.array([3, 0, 1, 9, 2, 0, 5])
    values = np.random.default_rng(2).random(int(counts.sum())) * 1e6
    inclusive, exclusive = positions._stream_cumsum(counts, values)
    at = 0
    for c in counts.tolist():
        own = np.cumsum(values[at : at + c])
        assert np.array_equal(inclusive[at : at + c], own)
        assert np.array_equal(exclusive[at : at + c], np.r_[0.0, own[:-1]][:c])
        at += c
