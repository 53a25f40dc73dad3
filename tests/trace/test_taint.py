"""Each taint model on small graphs whose answers are worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from geobuk.trace.taint import follow

# S (thief) pays A 10 at 01:00; C (clean) paid A 30 at 00:00; A pays B 20 at 02:00 and D 20 at 03:00.
MIXED = [("S", "A", 10, 1), ("C", "A", 30, 0), ("A", "B", 20, 2), ("A", "D", 20, 3)]


def test_poison_taints_everything_after_the_taint_arrives(flows, make_graph) -> None:
    g = make_graph(MIXED)
    assert flows(g, follow(g, g.nodes_of(["S"]), model="poison")) == {"S>A": 10, "A>B": 20, "A>D": 20}


def test_haircut_carries_the_tainted_share_of_what_was_received(flows, make_graph) -> None:
    # A had received 40 (10 tainted) by 02:00: each of its payments is a quarter tainted.
    g = make_graph(MIXED)
    assert flows(g, follow(g, g.nodes_of(["S"]), model="haircut")) == {"S>A": 10, "A>B": 5, "A>D": 5}


def test_fifo_matches_outflows_to_inflows_in_time_order(flows, make_graph) -> None:
    # A's inflow stream: C's 30 first (0-30), then S's 10 (30-40). B takes units 0-20, D 20-40.
    g = make_graph(MIXED)
    assert flows(g, follow(g, g.nodes_of(["S"]), model="fifo")) == {"S>A": 10, "A>D": 10}


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("poison", {"A>B": 20, "C>A": 30, "S>A": 10}),
        ("haircut", {"A>B": 20, "C>A": 15, "S>A": 5}),  # 20 split 30:10 over what A had received
        ("fifo", {"A>B": 20, "C>A": 20}),  # units 0-20 of A's inflow came from C
    ],
)
def test_backward(flows, make_graph, model: str, expected: dict) -> None:
    g = make_graph(MIXED)
    assert flows(g, follow(g, g.nodes_of(["B"]), model=model, direction="in")) == expected


def test_transfers_before_the_taint_arrives_are_clean(flows, make_graph) -> None:
    # A pays B before receiving from S: no model taints it.
    g = make_graph([("C", "A", 50, 0), ("A", "B", 5, 1), ("S", "A", 10, 2), ("A", "D", 10, 3)])
    for model in ("poison", "haircut", "fifo"):
        assert "A>B" not in flows(g, follow(g, g.nodes_of(["S"]), model=model))
    # haircut at 03:00: 10 tainted of 60 received -> 10 * 10/60;
    # fifo: D takes units 5-15 of (50 clean, 10 tainted)
    assert flows(g, follow(g, g.nodes_of(["S"]), model="haircut"))["A>D"] == pytest.approx(10 / 6)
    assert "A>D" not in flows(g, follow(g, g.nodes_of(["S"]), model="fifo"))


def test_opening_balance_is_clean_and_consumed_first(flows, make_graph) -> None:
    # A spends 30 with no recorded inflow before: an opening balance of 30 is assumed (clean, first out).
    g = make_graph([("A", "X", 30, 0), ("S", "A", 10, 1), ("A", "B", 10, 2)])
    assert flows(g, follow(g, g.nodes_of(["S"]), model="fifo")) == {"S>A": 10, "A>B": 10}
    # haircut at 02:00: received 30 (opening) + 10 -> a quarter of 10
    assert flows(g, follow(g, g.nodes_of(["S"]), model="haircut"))["A>B"] == pytest.approx(2.5)


def test_stops_absorb_and_hops_limit(flows, make_graph) -> None:
    g = make_graph(
        [
            ("S", "A", 10, 0),
            ("A", "EX", 10, 1),
            ("EX", "U", 10, 2),
            ("S", "B", 5, 0),
            ("B", "C", 5, 1),
            ("C", "D", 5, 2),
        ]
    )
    stops = np.zeros(g.n_nodes, bool)
    stops[g.nodes_of(["EX"])] = True
    trace = follow(g, g.nodes_of(["S"]), hops=2, model="poison", stops=stops)
    got = flows(g, trace)
    assert "EX>U" not in got and "A>EX" in got  # the exchange absorbs
    assert "C>D" not in got and "B>C" in got  # two hops only
    stop_nodes = trace.nodes[trace.node_stop]
    assert [g.node_label(int(n))[0] for n in stop_nodes] == ["EX"]


def test_assets_are_separate_pools(flows, make_graph) -> None:
    g = make_graph([("S", "A", 10, 0, "USDT"), ("C", "A", 10, 0, "ETH"), ("A", "B", 10, 1, "ETH")])
    assert flows(g, follow(g, g.nodes_of(["S"]), model="poison")) == {"S>A": 10}


def test_value_is_conserved_along_a_split(flows, make_graph) -> None:
    # S -> A 100; A splits 60/40 to B and C; each forwards all: every model keeps 100 in play.
    g = make_graph(
        [("S", "A", 100, 0), ("A", "B", 60, 1), ("A", "C", 40, 1), ("B", "E", 60, 2), ("C", "E", 40, 2)]
    )
    for model in ("poison", "haircut", "fifo"):
        trace = follow(g, g.nodes_of(["S"]), model=model)
        e = trace.nodes == g.nodes_of(["E"])[0]
        assert trace.node_in[e][0] == pytest.approx(100)


def test_unknown_model_is_refused(flows, make_graph) -> None:
    g = make_graph(MIXED)
    with pytest.raises(ValueError, match="taint model"):
        follow(g, g.nodes_of(["S"]), model="lifo")
