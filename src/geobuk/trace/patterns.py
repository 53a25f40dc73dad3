"""Laundering patterns documented for Lazarus, recognised in a trace and named in its output.

- ``fan-out``: one wallet splits value into many near-equal parts sent to pass-through wallets within
  hours (Bybit, February 2025: about 50 wallets of ~10,000 ETH each). Recipients must pass at least
  half of it on within three days: a payroll paying employees equal salaries is a fan-out too, but
  its recipients keep the money.
- ``peel-chain``: a run of wallets each sending a small "peel" away and the bulk on to a fresh wallet
  (the Bitcoin side of Harmony and Atomic); at least four links.
- ``mixer-deposit``: tainted value entering a mixer (Tornado Cash, Sinbad, Blender).
- ``bridge-hop``: tainted value entering a cross-chain bridge or swap router (THORChain, Avalanche).
- ``exchange-cash-out``: tainted value reaching an exchange's wallets, where it can be frozen.
- ``freezable-swap``: tokens an issuer can freeze (USDT, USDC) swapped away, to a DEX or in one
  transaction for another asset, before anything else (Bybit and Ronin swapped these first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geobuk.trace.graph import NO_TIME, TransferGraph, gather
from geobuk.trace.taint import Trace

FREEZABLE = frozenset({"USDT", "USDC", "EURC", "PYUSD"})
HOUR = 3_600_000_000  # microseconds

MIN_FANOUT = 10
FANOUT_WINDOW = 24 * HOUR
FANOUT_TOLERANCE = 0.10
PASS_THROUGH_SHARE = 0.5
PASS_THROUGH_WINDOW = 72 * HOUR
MIN_PEEL_LINKS = 4
PEEL_BULK_SHARE = 0.6
FREEZABLE_FIRST_WINDOW = 48 * HOUR

TITLES = {
    "fan-out": "Fan-out into many equal wallets",
    "peel-chain": "Peel chain",
    "mixer-deposit": "Mixer deposit",
    "bridge-hop": "Bridge hop",
    "exchange-cash-out": "Exchange cash-out",
    "freezable-swap": "Freezable tokens swapped first",
}
LEVELS = {
    "fan-out": "high",
    "peel-chain": "high",
    "mixer-deposit": "critical",
    "bridge-hop": "high",
    "exchange-cash-out": "high",
    "freezable-swap": "medium",
}


@dataclass
class Pattern:
    """One recognised pattern: where (node), how much, when, and the addresses involved."""

    name: str
    node: int
    amount: float
    asset: str
    count: int
    first_time: int
    last_time: int
    detail: str
    addresses: list[str] = field(default_factory=list)


def _time_window(times: np.ndarray) -> tuple[int, int]:
    valid = times[times != NO_TIME]
    return (int(valid.min()), int(valid.max())) if len(valid) else (NO_TIME, NO_TIME)


def _passes_on(graph: TransferGraph, node: int, received: float, since: int) -> bool:
    lo, hi = graph.out_start[node], graph.out_start[node + 1]
    t = graph.time[lo:hi]
    sent = graph.amount[lo:hi][(t >= since) & (t <= since + PASS_THROUGH_WINDOW)].sum()
    return sent >= PASS_THROUGH_SHARE * received


def fan_outs(graph: TransferGraph, trace: Trace) -> list[Pattern]:
    found = []
    if not len(trace.edges):
        return found
    origin = graph.src[trace.edges] if trace.direction == "out" else graph.dst[trace.edges]
    order = np.argsort(origin, kind="stable")
    bounds = np.flatnonzero(np.r_[True, origin[order][1:] != origin[order][:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b - a < MIN_FANOUT or trace.direction != "out":
            continue
        edges = trace.edges[order[a:b]]
        amounts = graph.amount[edges]
        median = float(np.median(amounts))
        near = np.abs(amounts - median) <= FANOUT_TOLERANCE * median
        edges, amounts = edges[near], amounts[near]
        recipients = np.unique(graph.dst[edges])
        if len(recipients) < MIN_FANOUT:
            continue
        first, last = _time_window(graph.time[edges])
        if first == NO_TIME or last - first > FANOUT_WINDOW:
            continue
        passing = [
            r
            for r in recipients
            if _passes_on(graph, int(r), float(amounts[graph.dst[edges] == r].sum()), first)
        ]
        if len(passing) < MIN_FANOUT:
            continue
        node = int(origin[order[a]])
        found.append(
            Pattern(
                "fan-out",
                node,
                float(amounts.sum()),
                graph.node_label(node)[1],
                len(recipients),
                first,
                last,
                f"{len(recipients)} wallets of about {median:,.4g} "
                f"{graph.node_label(node)[1]} within {(last - first) / HOUR:.1f} h, "
                f"{len(passing)} passed the value on",
                [graph.node_label(int(r))[0] for r in recipients[:50]],
            )
        )
    return found


def peel_chains(graph: TransferGraph, trace: Trace) -> list[Pattern]:
    """Runs of traced nodes with 2-3 outflows where one carries the bulk on to the next link."""
    if trace.direction != "out":
        return []
    nxt: dict[int, tuple[int, float, float]] = {}
    for node in trace.nodes[~trace.node_stop].tolist():
        lo, hi = graph.out_start[node], graph.out_start[node + 1]
        if not 2 <= hi - lo <= 3:
            continue
        amounts = graph.amount[lo:hi]
        total = float(amounts.sum())
        k = int(np.argmax(amounts))
        if total <= 0 or amounts[k] < PEEL_BULK_SHARE * total:
            continue
        nxt[node] = (int(graph.dst[lo + k]), total - float(amounts[k]), float(graph.time[lo + k]))
    targets = {v[0] for v in nxt.values()}
    found = []
    for start in sorted(set(nxt) - targets):
        chain, peeled, node = [start], 0.0, start
        while node in nxt and len(chain) < 1000:
            node, peel, _ = nxt[node]
            peeled += nxt[chain[-1]][1]
            if node in chain:
                break
            chain.append(node)
        links = len(chain) - 1
        if links < MIN_PEEL_LINKS:
            continue
        times = np.array([graph.time[graph.out_start[n]] for n in chain[:-1]])
        first, last = _time_window(times)
        asset = graph.node_label(start)[1]
        found.append(
            Pattern(
                "peel-chain",
                start,
                peeled,
                asset,
                links,
                first,
                last,
                f"{links} links peeling {peeled:,.4g} {asset} off the main flow",
                [graph.node_label(n)[0] for n in chain],
            )
        )
    return found


def service_deposits(graph: TransferGraph, trace: Trace, kinds: dict[int, tuple[str, str]]) -> list[Pattern]:
    """Mixer deposits, bridge hops and exchange cash-outs: tainted value reaching labelled services.

    ``kinds`` maps a stop node to (category, service name).
    """
    pattern_of = {"mixer": "mixer-deposit", "bridge": "bridge-hop", "exchange": "exchange-cash-out"}
    found = []
    if not len(trace.edges):
        return found
    target = graph.dst[trace.edges] if trace.direction == "out" else graph.src[trace.edges]
    for node, (category, name) in sorted(kinds.items()):
        pattern = pattern_of.get(category)
        if pattern is None:
            continue
        hit = target == node
        if not hit.any():
            continue
        edges = trace.edges[hit]
        first, last = _time_window(graph.time[edges])
        asset = graph.node_label(node)[1]
        amount = float(trace.edge_flow[hit].sum())
        found.append(
            Pattern(
                pattern,
                node,
                amount,
                asset,
                int(hit.sum()),
                first,
                last,
                f"{amount:,.4g} {asset} into {name} in {int(hit.sum())} transfer(s)",
                [graph.node_label(node)[0]],
            )
        )
    return found


def _returned_in_same_tx(graph: TransferGraph, edges: np.ndarray, freezable: np.ndarray) -> np.ndarray:
    """Per edge: did value of another asset come back to its sender's entity in the same transaction?

    Only the transfers received by the senders' entities can answer, so only their transaction
    hashes are read (the graph keeps no per-transfer hash).
    """
    sender_entity = graph.node_entity[graph.src[edges]]
    mine = np.isin(graph.node_entity, np.unique(sender_entity))
    nodes = np.flatnonzero(mine & ~freezable[graph.node_asset])
    at, _ = gather(graph.in_start, nodes)
    back = graph.in_perm[at]
    hashes = graph.tx_hashes(np.concatenate([edges, back]).tolist())
    came_back = {(int(graph.node_entity[graph.dst[e]]), hashes[int(e)]) for e in back.tolist()}
    pairs = zip(edges.tolist(), sender_entity.tolist(), strict=True)
    return np.array([(int(ent), hashes[int(e)]) in came_back for e, ent in pairs], dtype=bool)


def freezable_swaps(graph: TransferGraph, trace: Trace, kinds: dict[int, tuple[str, str]]) -> list[Pattern]:
    """Tainted freezable tokens sent to a DEX, or swapped for another asset in the same transaction."""
    if trace.direction != "out" or not len(trace.edges):
        return []
    assets = np.array([graph.assets[a] in FREEZABLE for a in range(len(graph.assets))], dtype=bool)
    edges = (
        trace.edges[assets[graph.node_asset[graph.src[trace.edges]]]]
        if len(graph.assets)
        else trace.edges[:0]
    )
    if not len(edges):
        return []
    start = _time_window(graph.time[trace.edges])[0]
    dex = np.array([kinds.get(int(n), ("",))[0] == "dex" for n in graph.dst[edges]], dtype=bool)
    swapped = dex | _returned_in_same_tx(graph, edges, assets)
    found = []
    for node in np.unique(graph.src[edges[swapped]]):
        mine = swapped & (graph.src[edges] == node)
        first, last = _time_window(graph.time[edges[mine]])
        asset = graph.node_label(int(node))[1]
        amount = float(graph.amount[edges[mine]].sum())
        early = first != NO_TIME and start != NO_TIME and first - start <= FREEZABLE_FIRST_WINDOW
        when = f"{(first - start) / HOUR:.1f} h after the first transfer" if first != NO_TIME else "undated"
        found.append(
            Pattern(
                "freezable-swap",
                int(node),
                amount,
                asset,
                int(mine.sum()),
                first,
                last,
                f"{amount:,.4g} {asset} swapped away {when}" + (" (before anything else)" if early else ""),
                [graph.node_label(int(node))[0]],
            )
        )
    return found


def detect(graph: TransferGraph, trace: Trace, kinds: dict[int, tuple[str, str]]) -> list[Pattern]:
    """Every pattern in the trace, in a stable order (time, then name)."""
    found = [
        *fan_outs(graph, trace),
        *peel_chains(graph, trace),
        *service_deposits(graph, trace, kinds),
        *freezable_swaps(graph, trace, kinds),
    ]
    return sorted(found, key=lambda p: (p.first_time, p.name, p.node))
