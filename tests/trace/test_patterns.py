"""Each laundering pattern detector on a hand-made flow, and the honest look-alike it must not flag."""

from __future__ import annotations

import numpy as np

from geobuk.trace.patterns import fan_outs, freezable_swaps, peel_chains, service_deposits
from geobuk.trace.taint import follow


def _trace(g, seed: str, stops: list[str] = ()):
    mask = np.zeros(g.n_nodes, bool)
    mask[g.nodes_of(list(stops))] = True
    return follow(g, g.nodes_of([seed]), hops=8, model="poison", stops=mask)


def _fan(pass_on: bool) -> list[tuple]:
    rows = [("V", "S", 1000, 0)]
    for i in range(12):
        rows.append(("S", f"W{i}", 50 + (i % 3) * 0.5, 1 + i * 0.1))
        rows.append(("C", f"W{i}", 1, -100))  # some history
        if pass_on:
            rows.append((f"W{i}", f"X{i}", 49, 10))
        else:
            rows.append((f"W{i}", f"X{i}", 2, 10))  # an employee spends a little of the salary
    return rows


def test_fan_out_to_pass_through_wallets(make_graph) -> None:
    g = make_graph(_fan(pass_on=True))
    (found,) = fan_outs(g, _trace(g, "S"))
    assert found.name == "fan-out" and found.count == 12
    assert g.node_label(found.node)[0] == "S"


def test_payroll_with_equal_salaries_is_not_a_fan_out(make_graph) -> None:
    g = make_graph(_fan(pass_on=False))
    assert fan_outs(g, _trace(g, "S")) == []


def test_unequal_split_is_not_a_fan_out(make_graph) -> None:
    rows = [("S", f"W{i}", 10 * (i + 1), 1) for i in range(12)] + [
        (f"W{i}", "Z", 10 * (i + 1), 2) for i in range(12)
    ]
    g = make_graph(rows)
    assert fan_outs(g, _trace(g, "S")) == []


def _peel(links: int) -> list[tuple]:
    rows, amount = [], 100.0
    for k in range(links):
        rows.append((f"P{k}", f"shop{k}", 2, k))
        rows.append((f"P{k}", f"P{k + 1}", amount - 2, k))
        amount -= 2
    return rows


def test_peel_chain(make_graph) -> None:
    g = make_graph([("S", "P0", 100, -1), *_peel(5)])
    (found,) = peel_chains(g, _trace(g, "S"))
    assert found.count == 5 and found.amount == 10
    assert found.addresses[:2] == ["P0", "P1"]


def test_wallet_with_change_once_is_not_a_peel_chain(make_graph) -> None:
    g = make_graph([("S", "P0", 100, -1), *_peel(2)])
    assert peel_chains(g, _trace(g, "S")) == []


def test_service_deposits_are_named(make_graph) -> None:
    g = make_graph([("S", "A", 10, 0), ("A", "MIX", 4, 1), ("A", "BR", 6, 1)])
    trace = _trace(g, "S", ["MIX", "BR"])
    kinds = {
        int(g.nodes_of(["MIX"])[0]): ("mixer", "Tornado Cash"),
        int(g.nodes_of(["BR"])[0]): ("bridge", "THORChain"),
    }
    found = {p.name: p for p in service_deposits(g, trace, kinds)}
    assert found["mixer-deposit"].amount == 4 and "Tornado Cash" in found["mixer-deposit"].detail
    assert found["bridge-hop"].amount == 6


def test_freezable_tokens_swapped_in_one_transaction(make_graph) -> None:
    g = make_graph(
        [
            ("V", "S", 1000, 0, "USDT"),
            ("S", "POOL", 1000, 1, "USDT", "swap"),
            ("POOL", "S", 0.3, 1, "ETH", "swap"),
        ]
    )
    (found,) = freezable_swaps(g, _trace(g, "V"), {})
    assert found.name == "freezable-swap" and found.amount == 1000 and "before anything else" in found.detail


def test_freezable_tokens_merely_moved_are_not_a_swap(make_graph) -> None:
    g = make_graph([("V", "S", 1000, 0, "USDT"), ("S", "T", 1000, 1, "USDT")])
    assert freezable_swaps(g, _trace(g, "V"), {}) == []
