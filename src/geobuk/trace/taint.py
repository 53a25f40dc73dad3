"""Following value through the transfer graph, hop by hop, with one of three taint models.

Forward (``out``) follows where a seed's funds went; backward (``in``) where they came from. The seed
is wholly tainted: every transfer it makes (forward) or receives (backward) carries its full amount.
Beyond the seed each model decides how much of what reaches a node leaves with each of its transfers:

- ``poison``: a node is tainted from the first time taint reaches it; every later outgoing transfer
  is tainted in full (backward: every earlier incoming one). The widest net: it over-counts.
- ``haircut``: a transfer carries the tainted share of everything its sender had received up to
  then (opening balance included): ``amount * tainted received / received``. Backward, a transfer's
  demand is split over the sender's earlier receipts in proportion to their amounts.
- ``fifo``: first in, first out: each node's outflows consume its inflows in time order (an opening
  balance first), and a transfer carries exactly the tainted part of the inflow units it consumes.
  Backward is the same matching read the other way.

Haircut and FIFO are linear in the taint, so each hop spreads only what arrived in the previous hop
(a node reached again later adds to what it passed on, never counts twice). Everything is numpy over
the whole frontier at once: segment searches use a key ``rank + position / scale`` that keeps every
node's values in its own unit interval. The positions FIFO and haircut need are computed for the
nodes a hop reaches (``positions``), never for the whole graph up front. Nodes marked as stops
(exchanges, mixers, bridges) absorb what reaches them: the trace records the amount and goes no
further there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geobuk.trace.graph import NO_TIME, TransferGraph, gather
from geobuk.trace.positions import Streams

MODELS = ("poison", "haircut", "fifo")
DIRECTIONS = ("out", "in")
_MAX_TIME = np.iinfo(np.int64).max


@dataclass
class Trace:
    """What one follow found: the tainted edges with their amounts, per-node totals, endpoints."""

    model: str
    direction: str
    hops: int
    seeds: np.ndarray
    edges: np.ndarray  # edge ids that carried taint
    edge_flow: np.ndarray  # tainted amount carried (summed over hops)
    edge_hop: np.ndarray  # first hop at which the edge carried taint
    nodes: np.ndarray  # every node taint reached (seeds included)
    node_in: np.ndarray  # tainted amount received
    node_out: np.ndarray  # tainted amount passed on
    node_hop: np.ndarray  # hops from the seed (0 for seeds)
    node_stop: np.ndarray  # True where the node is a stop (endpoint)

    def held(self) -> np.ndarray:
        """Tainted value still at each node (received, not passed on); endpoints hold all they got."""
        return np.maximum(0.0, self.node_in - self.node_out)


def _segment_cumsum(rank: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Inclusive cumulative sum of ``values`` within runs of equal ``rank`` (rank sorted)."""
    total = np.cumsum(values)
    if not len(rank):
        return total
    first = np.r_[True, rank[1:] != rank[:-1]]
    seg = np.maximum.accumulate(np.where(first, np.arange(len(rank)), 0))
    return total - (total[seg] - values[seg])


class _Lookup:
    """Per-rank sorted keys, for "sum of values at or before x within my rank" in one searchsorted."""

    def __init__(self, rank: np.ndarray, pos: np.ndarray, scale: np.ndarray) -> None:
        self.scale = scale
        key = rank + pos / scale[rank]
        self.order = np.argsort(key, kind="stable")
        self.key = key[self.order]
        self.rank = rank[self.order]

    def last_at_or_before(
        self, rank: np.ndarray, pos: np.ndarray, *, strict: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index (into sorted order) of the last entry of the same rank with position <= pos (or <)."""
        k = np.searchsorted(self.key, rank + pos / self.scale[rank], side="left" if strict else "right") - 1
        ok = k >= 0
        ok[ok] &= self.rank[k[ok]] == rank[ok]
        return k, ok


def _interval_flow(
    a_rank: np.ndarray,
    a_start: np.ndarray,
    a_len: np.ndarray,
    a_value: np.ndarray,
    q_rank: np.ndarray,
    q_start: np.ndarray,
    q_len: np.ndarray,
    scale: np.ndarray,
) -> np.ndarray:
    """Value spread evenly over each arrival interval that falls in each query interval (same rank)."""
    look = _Lookup(a_rank, a_start, scale)
    s, ln, v = a_start[look.order], a_len[look.order], a_value[look.order]
    density = np.divide(v, ln, out=np.zeros_like(v), where=ln > 0)
    before = _segment_cumsum(look.rank, v) - v

    def cumulative(x: np.ndarray) -> np.ndarray:
        k, ok = look.last_at_or_before(q_rank, x)
        out = np.zeros(len(x))
        kk = k[ok]
        out[ok] = before[kk] + density[kk] * np.clip(x[ok] - s[kk], 0.0, ln[kk])
        return out

    return np.maximum(0.0, cumulative(q_start + q_len) - cumulative(q_start))


class _Walker:
    def __init__(self, graph: TransferGraph, model: str, direction: str, stops: np.ndarray | None) -> None:
        if model not in MODELS:
            raise ValueError(f"unknown taint model {model!r} (one of {', '.join(MODELS)})")
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r} (out or in)")
        self.g = graph
        self.model = model
        self.forward = direction == "out"
        self.stops = stops if stops is not None else np.zeros(graph.n_nodes, bool)
        self.tmin, self.tspan = graph.time_range()
        self.mark = np.full(graph.n_nodes, _MAX_TIME if self.forward else NO_TIME, dtype=np.int64)

    def expand(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Edges leaving ``nodes`` in the walk's direction, and the index into ``nodes`` of each."""
        if self.forward:
            return gather(self.g.out_start, nodes)
        pos, owner = gather(self.g.in_start, nodes)
        return self.g.in_perm[pos], owner

    def next_node(self, edges: np.ndarray) -> np.ndarray:
        return self.g.dst[edges] if self.forward else self.g.src[edges]

    def tnorm(self, t: np.ndarray) -> np.ndarray:
        return (t.astype(np.float64) - self.tmin) / self.tspan

    def start(self, seeds: np.ndarray, since: int | None, until: int | None) -> tuple[np.ndarray, np.ndarray]:
        edges, _ = self.expand(seeds)
        t = self.g.time[edges]
        keep = np.ones(len(edges), bool)
        if since is not None:
            keep &= t >= since
        if until is not None:
            keep &= t <= until
        edges = edges[keep]
        return edges, self.g.amount[edges].copy()

    def step(self, a_edges: np.ndarray, a_flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Spread what arrived on ``a_edges`` to the edges leaving the nodes they reached."""
        g = self.g
        a_nodes = self.next_node(a_edges)
        uniq, a_rank = np.unique(a_nodes, return_inverse=True)
        if self.model == "poison":
            return self._poison(uniq, a_rank, a_edges)
        edges, q_rank = self.expand(uniq)
        if not len(edges):
            return edges, np.zeros(0)
        pos = Streams.of(g, uniq)  # FIFO/haircut values of the reached nodes only (see ``positions``)
        if self.model == "fifo":
            if self.forward:
                flow = _interval_flow(
                    a_rank,
                    pos.in_pos_of(a_edges),
                    g.amount[a_edges],
                    a_flow,
                    q_rank,
                    pos.out_pos_of(edges),
                    g.amount[edges],
                    pos.scale,
                )
            else:
                flow = _interval_flow(
                    a_rank,
                    pos.out_pos_of(a_edges),
                    g.amount[a_edges],
                    a_flow,
                    q_rank,
                    pos.in_pos_of(edges),
                    g.amount[edges],
                    pos.scale,
                )
        elif self.forward:
            look = _Lookup(a_rank, self.tnorm(g.time[a_edges]), np.ones(len(uniq)))
            cum = _segment_cumsum(look.rank, a_flow[look.order])
            k, ok = look.last_at_or_before(q_rank, self.tnorm(g.time[edges]))
            tainted = np.zeros(len(edges))
            tainted[ok] = cum[k[ok]]
            received = pos.received_of(edges)
            share = np.divide(tainted, received, out=np.zeros(len(edges)), where=received > 0)
            flow = g.amount[edges] * share
        else:
            received = pos.received_of(a_edges)
            share = np.divide(a_flow, received, out=np.zeros(len(a_edges)), where=received > 0)
            look = _Lookup(a_rank, self.tnorm(g.time[a_edges]), np.ones(len(uniq)))
            cum = _segment_cumsum(look.rank, share[look.order])
            totals = np.bincount(a_rank, weights=share, minlength=len(uniq))
            k, ok = look.last_at_or_before(q_rank, self.tnorm(g.time[edges]), strict=True)
            before = np.zeros(len(edges))
            before[ok] = cum[k[ok]]
            flow = g.amount[edges] * np.maximum(0.0, totals[q_rank] - before)
        flow = np.minimum(flow, g.amount[edges])
        keep = flow > g.amount[edges] * 1e-12
        return edges[keep], flow[keep]

    def _poison(
        self, uniq: np.ndarray, a_rank: np.ndarray, a_edges: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        g = self.g
        t = g.time[a_edges]
        if self.forward:
            first = np.full(len(uniq), _MAX_TIME, dtype=np.int64)
            np.minimum.at(first, a_rank, t)
            old = self.mark[uniq]
            changed = first < old
            nodes, new, old = uniq[changed], first[changed], old[changed]
            self.mark[nodes] = new
            edges, owner = self.expand(nodes)
            et = g.time[edges]
            keep = (et >= new[owner]) & (et < old[owner])
        else:
            last = np.full(len(uniq), NO_TIME, dtype=np.int64)
            np.maximum.at(last, a_rank, t)
            old = self.mark[uniq]
            changed = last > old
            nodes, new, old = uniq[changed], last[changed], old[changed]
            self.mark[nodes] = new
            edges, owner = self.expand(nodes)
            et = g.time[edges]
            keep = (et <= new[owner]) & (et > old[owner])
        edges = edges[keep]
        return edges, g.amount[edges].copy()


def follow(
    graph: TransferGraph,
    seeds: np.ndarray,
    *,
    hops: int = 5,
    model: str = "poison",
    direction: str = "out",
    stops: np.ndarray | None = None,
    since: int | None = None,
    until: int | None = None,
) -> Trace:
    """Follow the value of ``seeds`` (node ids) for up to ``hops`` transfers."""
    walker = _Walker(graph, model, direction, stops)
    seeds = np.unique(np.asarray(seeds, dtype=np.int64))
    is_seed = np.zeros(graph.n_nodes, bool)
    is_seed[seeds] = True
    walker.mark[seeds] = NO_TIME if walker.forward else _MAX_TIME  # seeds are done: never re-expanded
    rec_edges, rec_flow, rec_hop = [], [], []
    edges, flow = (
        walker.start(seeds, since, until) if len(seeds) and hops > 0 else (np.zeros(0, np.int64), np.zeros(0))
    )
    for hop in range(1, hops + 1):
        if not len(edges):
            break
        rec_edges.append(edges)
        rec_flow.append(flow)
        rec_hop.append(np.full(len(edges), hop, dtype=np.int32))
        if hop == hops:
            break
        reached = walker.next_node(edges)
        onward = ~walker.stops[reached] & ~is_seed[reached]
        edges, flow = walker.step(edges[onward], flow[onward])
    return _collect(graph, walker, seeds, hops, rec_edges, rec_flow, rec_hop)


def _collect(
    graph: TransferGraph,
    walker: _Walker,
    seeds: np.ndarray,
    hops: int,
    rec_edges: list,
    rec_flow: list,
    rec_hop: list,
) -> Trace:
    if rec_edges:
        all_edges = np.concatenate(rec_edges)
        all_flow = np.concatenate(rec_flow)
        all_hop = np.concatenate(rec_hop)
    else:
        all_edges, all_flow, all_hop = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int32)
    edges, inverse = np.unique(all_edges, return_inverse=True)
    edge_flow = np.bincount(inverse, weights=all_flow, minlength=len(edges))
    edge_hop = np.full(len(edges), np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(edge_hop, inverse, all_hop)
    origin = graph.src[edges] if walker.forward else graph.dst[edges]
    target = walker.next_node(edges)
    nodes, node_idx = np.unique(np.concatenate([seeds, origin, target]), return_inverse=True)
    n_seed, n_edge = len(seeds), len(edges)
    origin_idx = node_idx[n_seed : n_seed + n_edge]
    target_idx = node_idx[n_seed + n_edge :]
    node_out = np.bincount(origin_idx, weights=edge_flow, minlength=len(nodes))
    node_in = np.bincount(target_idx, weights=edge_flow, minlength=len(nodes))
    node_hop = np.full(len(nodes), np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(node_hop, target_idx, edge_hop)
    node_hop[node_idx[:n_seed]] = 0
    return Trace(
        model=walker.model,
        direction="out" if walker.forward else "in",
        hops=hops,
        seeds=seeds,
        edges=edges,
        edge_flow=edge_flow,
        edge_hop=edge_hop,
        nodes=nodes,
        node_in=node_in,
        node_out=node_out,
        node_hop=node_hop,
        node_stop=walker.stops[nodes],
    )
