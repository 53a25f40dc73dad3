"""The graph index: hashed address codes, their collision fallback, edge orders, lazy names."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from geobuk.trace.generate import background
from geobuk.trace.graph import TransferGraph
from geobuk.trace.index import TransferSource


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return background(3000, addresses=400, days=2)


def _arrays(g: TransferGraph) -> dict[str, np.ndarray]:
    return {
        k: getattr(g, k)
        for k in ("src", "dst", "amount", "time", "row", "out_start", "in_perm", "in_start", "node_entity")
    }


def test_hashed_codes_equal_exact_string_codes(table: pa.Table) -> None:
    source = TransferSource.from_arrow(table)
    hashed, exact = TransferGraph.from_source(source), TransferGraph.from_source(source, exact=True)
    assert exact.entities.exact is not None and hashed.entities.exact is None
    for name, values in _arrays(hashed).items():
        assert np.array_equal(values, _arrays(exact)[name]), name
    assert hashed.entities[:20] == exact.entities[:20]


def test_entities_are_numbered_in_order_of_first_appearance(table: pa.Table) -> None:
    g = TransferGraph.build(table)
    senders = table.column("from_address").to_pylist()
    receivers = table.column("to_address").to_pylist()
    expected = list(dict.fromkeys(senders + receivers))
    assert len(g.entities) == len(expected)
    assert [g.entities[i] for i in range(len(expected))] == expected


@pytest.mark.parametrize("shuffled", [False, True])  # stored in time order, or not
def test_edges_are_in_sender_then_time_order_and_in_perm_in_receiver_order(table: pa.Table, shuffled) -> None:
    if shuffled:
        rows = np.random.default_rng(1).permutation(table.num_rows)
        times = table.column("time").to_numpy().astype("datetime64[m]").astype("datetime64[us]")
        table = table.set_column(2, "time", pa.array(times)).take(rows)  # minutes: many equal times
    g = TransferGraph.build(table)
    positions = g.row  # rows of a fresh table are its positions: ties must keep table order
    assert np.array_equal(np.lexsort((positions, g.time, g.src)), np.arange(g.n_edges))
    assert np.array_equal(np.lexsort((g.time, g.src)), np.arange(g.n_edges))  # already sorted
    assert np.array_equal(g.in_perm, np.lexsort((g.time, g.dst)))  # ties by edge id, as before
    assert np.array_equal(g.out_start, np.searchsorted(g.src, np.arange(g.n_nodes + 1)))
    assert np.array_equal(g.in_start, np.searchsorted(g.dst[g.in_perm], np.arange(g.n_nodes + 1)))


def test_a_hash_collision_falls_back_to_exact_codes(table: pa.Table, monkeypatch) -> None:
    source = TransferSource.from_arrow(table)
    real_scan = source.scan

    def colliding_scan(**options: int) -> dict[str, np.ndarray]:
        scan = real_scan(**options)
        scan["f"][:] = scan["t"][:] = 0  # every address has the same first hash
        return scan

    monkeypatch.setattr(source, "scan", colliding_scan)
    g = TransferGraph.from_source(source)
    assert g.entities.exact is not None  # the second hash exposed the collision
    reference = TransferGraph.build(table)
    for name, values in _arrays(g).items():
        assert np.array_equal(values, _arrays(reference)[name]), name
    first = table.column("from_address")[0].as_py()
    assert g.entity_of[first] == 0 and g.entities[0] == first


def test_an_asset_hash_collision_falls_back_to_exact_codes(make_graph, monkeypatch) -> None:
    rows = [("S", "A", 10, 0, "USDT"), ("A", "B", 4, 1, "ETH"), ("B", "S", 1, 2, "USDT")]
    reference = make_graph(rows)
    real_assets = TransferSource.assets

    def colliding(self: TransferSource) -> tuple[list[str], np.ndarray]:
        names, _ = real_assets(self)
        return names, np.zeros(len(names), np.uint64)  # every asset symbol with the same hash

    monkeypatch.setattr(TransferSource, "assets", colliding)
    g = make_graph(rows)
    assert g.entities.exact is not None
    assert g.assets == reference.assets == ["USDT", "ETH"]
    assert [g.node_label(int(n)) for n in range(g.n_nodes)] == [
        reference.node_label(int(n)) for n in range(reference.n_nodes)
    ]


def test_clustered_graph_equal_with_hashes_and_exact_codes(table: pa.Table) -> None:
    senders = table.column("from_address").to_pylist()
    clusters = {a: "cluster-" + str(i % 7) for i, a in enumerate(dict.fromkeys(senders[:60]))}
    source = TransferSource.from_arrow(table, clusters)
    hashed, exact = TransferGraph.from_source(source), TransferGraph.from_source(source, exact=True)
    for name, values in _arrays(hashed).items():
        assert np.array_equal(values, _arrays(exact)[name]), name
    assert hashed.n_nodes < len(set(senders) | set(table.column("to_address").to_pylist()))
    assert hashed.entity_of["cluster-3"] == exact.entity_of["cluster-3"]
    assert hashed.entities[hashed.entity_of["cluster-3"]] == "cluster-3"


def test_lookups_by_name_and_lazy_names(make_graph) -> None:
    g = make_graph([("S", "A", 10, 0), ("A", "B", 4, 1, "ETH", "0xabc"), ("B", "S", 1, 2, "USDT")])
    assert [g.entities[i] for i in range(len(g.entities))] == ["S", "A", "B"]
    assert g.entity_of.get("A") == 1 and "B" in g.entity_of and "nobody" not in g.entity_of
    assert g.entity_of.lookup(["B", "nobody", "S"]) == [2, None, 0]
    with pytest.raises(KeyError):
        g.entity_of["nobody"]
    assert [g.node_label(int(n)) for n in g.nodes_of(["S"])] == [("S", "ETH"), ("S", "USDT")]
    edge = int(np.flatnonzero(g.amount == 4)[0])
    assert g.tx_hashes([edge]) == {edge: "0xabc"}


def test_clusters_merge_addresses_into_one_entity(make_graph) -> None:
    g = make_graph([("a1", "X", 1, 0), ("X", "a2", 1, 1)], clusters={"a1": "W", "a2": "W"})
    assert [g.entities[i] for i in range(len(g.entities))] == ["W", "X"]
    assert g.entity_of.get("a1") is None and g.entity_of["W"] == 0
    assert g.n_nodes == 2 and sorted(zip(g.src.tolist(), g.dst.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_row_ids_after_a_delete_still_name_the_right_rows(table: pa.Table) -> None:
    source = TransferSource.from_arrow(table.slice(0, 200))
    source.con.execute("DELETE FROM transfers WHERE tx_hash IN ('0x0', '0x5')")  # row ids now have gaps
    g = TransferGraph.from_source(source)
    assert g.n_edges == 198 and sorted(g.row.tolist()) == [r for r in range(200) if r not in (0, 5)]
    edges = [0, 17, 197]
    expected = {e: f"0x{int(g.row[e])}" for e in edges}  # background names transaction i "0x<i>"
    assert g.tx_hashes(edges) == expected
    first = int(np.flatnonzero(g.row == 1)[0])
    assert g.node_label(int(g.src[first]))[0] == table.column("from_address")[1].as_py()


def test_empty_table(table: pa.Table) -> None:
    g = TransferGraph.build(table.slice(0, 0))
    assert g.n_edges == 0 and g.n_nodes == 0 and len(g.entities) == 0
    assert g.entity_of.get("anything") is None
