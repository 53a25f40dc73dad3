"""FIFO and haircut bookkeeping for the nodes a trace reaches, computed when it reaches them.

A node's value is a stream: inflows and outflows in time order (inflows first at equal times).
What the models need of it:
- ``opening``: the balance the node must have held before the data starts (its outflows ran ahead
  of its inflows by this much), counted as clean value of unknown origin;
- ``in_pos`` / ``out_pos``: where a transfer sits in its receiver's inflow stream (after the opening
  balance) and in its sender's outflow stream, as cumulative amounts: all FIFO matching is;
- ``received``: everything a sender had received (opening balance included) up to and including the
  time of one of its outgoing transfers, the haircut denominator.

Computing these once for the whole graph meant one merged sort of 2E events (25 s for ten million
transfers) before the first trace; a five-hop trace touches a small part of the graph, so they are
computed per hop for the nodes the hop reaches, from their CSR slices (already in time order).
Nothing is kept between hops or follows: writing the values into per-transfer arrays for reuse
cost more (page faults, scattered writes) than computing a frontier's again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geobuk.trace.graph import TransferGraph, gather

_WIDEST_BLOCK = 4096  # longer streams (hubs) are summed one by one


def _stream_cumsum(counts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive and exclusive running sums of ``values`` within consecutive streams of ``counts``.

    Each stream is summed from zero on its own (streams of similar length side by side in a padded
    matrix, summed along its rows), so a node's positions do not depend on which other nodes were
    computed with it: a follow gives the same result whatever ran before it on the graph.
    """
    inclusive = np.empty(len(values))
    starts = np.cumsum(counts) - counts
    width = np.maximum(1, 1 << np.ceil(np.log2(np.maximum(counts, 1))).astype(np.int64))
    for w in np.unique(width[counts > 0]).tolist():
        streams = np.flatnonzero((width == w) & (counts > 0))
        if w > _WIDEST_BLOCK:
            for k in streams.tolist():
                lo = starts[k]
                inclusive[lo : lo + counts[k]] = np.cumsum(values[lo : lo + counts[k]])
            continue
        used = np.arange(w) < counts[streams][:, None]
        at = (starts[streams][:, None] + np.arange(w))[used]
        block = np.zeros((len(streams), w))
        block[used] = values[at]
        inclusive[at] = np.cumsum(block, axis=1)[used]
    exclusive = np.empty(len(values))
    exclusive[1:] = inclusive[:-1]
    exclusive[starts[counts > 0]] = 0.0
    return inclusive, exclusive


@dataclass
class Streams:
    """The inflow and outflow streams of ``nodes`` (sorted, distinct) with their FIFO/haircut values.

    Arrays named ``in_*`` run over the nodes' inflows (node by node, each in time order), ``out_*``
    over their outflows; ``in_pos_of`` / ``out_pos_of`` / ``received_of`` look edges up in them.
    """

    graph: TransferGraph
    nodes: np.ndarray
    opening: np.ndarray  # per node
    scale: np.ndarray  # per node: above any position in its streams (opening + all inflow + 1)
    in_first: np.ndarray  # per node: where its inflows start in the in_* arrays
    in_edges: np.ndarray
    in_pos: np.ndarray  # per inflow: opening + inflow before it
    out_first: np.ndarray  # per node: where its outflows start in the out_* arrays
    out_edges: np.ndarray
    out_pos: np.ndarray  # per outflow: outflow before it
    received: np.ndarray  # per outflow: opening + inflow up to its time

    @classmethod
    def of(cls, g: TransferGraph, nodes: np.ndarray) -> Streams:
        """Streams of ``nodes`` (sorted distinct node ids)."""
        in_at, in_owner = gather(g.in_start, nodes)
        in_edges = g.in_perm[in_at]
        in_amount = g.amount[in_edges]
        out_edges, out_owner = gather(g.out_start, nodes)
        out_amount = g.amount[out_edges]
        in_counts = g.in_start[nodes + 1] - g.in_start[nodes]
        out_counts = g.out_start[nodes + 1] - g.out_start[nodes]
        in_first = np.r_[0, np.cumsum(in_counts)]
        in_total, in_prior = _stream_cumsum(in_counts, in_amount)
        out_total, out_prior = _stream_cumsum(out_counts, out_amount)
        # inflow up to each outflow's time (inflows first at equal times), without the opening: the
        # inflows are sorted by (owner, time), so packing (owner, rank of the time) into one 64-bit key
        # finds each outflow's last inflow at or before it with one exact binary search
        in_key = (in_owner.astype(np.int64) << 32) | g.time_rank[in_edges]
        out_key = (out_owner.astype(np.int64) << 32) | g.time_rank[out_edges]
        last = np.searchsorted(in_key, out_key, side="right") - 1
        upto = np.zeros(len(out_edges))
        has = last >= in_first[out_owner]  # else the owner had no inflow by then
        upto[has] = in_total[last[has]]
        # the balance is lowest right after an outflow: opening = max(0, outflow so far - inflow so far)
        opening = np.zeros(len(nodes))
        if len(out_edges):
            np.maximum.at(opening, out_owner, out_total - upto)
        inflow = np.bincount(in_owner, weights=in_amount, minlength=len(nodes))
        return cls(
            graph=g,
            nodes=nodes,
            opening=opening,
            scale=opening + inflow + 1.0,
            in_first=in_first,
            in_edges=in_edges,
            in_pos=in_prior + opening[in_owner],
            out_first=np.r_[0, np.cumsum(out_counts)],
            out_edges=out_edges,
            out_pos=out_prior,
            received=upto + opening[out_owner],
        )

    def _in_index(self, edges: np.ndarray) -> np.ndarray:
        g = self.graph
        dst = g.dst[edges]
        return self.in_first[np.searchsorted(self.nodes, dst)] + g.in_rank()[edges] - g.in_start[dst]

    def _out_index(self, edges: np.ndarray) -> np.ndarray:
        g = self.graph
        src = g.src[edges]
        return self.out_first[np.searchsorted(self.nodes, src)] + edges - g.out_start[src]

    def in_pos_of(self, edges: np.ndarray) -> np.ndarray:
        """Position of each edge (received by one of ``nodes``) in its receiver's inflow stream."""
        return self.in_pos[self._in_index(edges)]

    def out_pos_of(self, edges: np.ndarray) -> np.ndarray:
        """Position of each edge (sent by one of ``nodes``) in its sender's outflow stream."""
        return self.out_pos[self._out_index(edges)]

    def received_of(self, edges: np.ndarray) -> np.ndarray:
        """What each edge's sender (one of ``nodes``) had received up to and including its time."""
        return self.received[self._out_index(edges)]
