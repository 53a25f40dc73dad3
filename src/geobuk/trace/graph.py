"""Transfers as arrays a trace can walk fast: nodes, edges, both adjacency lists, FIFO positions.

A node is an (entity, asset) pair: an entity is a Bitcoin cluster or a single address, and each
asset is its own pool of value (a wallet's ether and its USDT are traced apart; a swap shows up as
value reaching the swap service). Edges are sorted by sender then time, so one node's outgoing
transfers are one contiguous slice (``out_start``); ``in_perm`` gives the same by receiver.

What the taint models need beyond adjacency is computed once, lazily:
- ``opening``: the balance a node must have held before the data starts (its outflows ran ahead of
  its inflows by this much), counted as clean value of unknown origin;
- ``in_pos`` / ``out_pos``: where each transfer sits in its receiver's inflow stream and its sender's
  outflow stream (cumulative amounts in time order), which is all FIFO matching is;
- ``received_by``: everything a sender had received (plus its opening balance) up to each of its
  outgoing transfers, the haircut denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NO_TIME = np.iinfo(np.int64).min


def _codes(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list]:
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries() if hasattr(encoded, "unify_dictionaries") else encoded
        dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], pa.string())
        indices = (
            np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks])
            if encoded.num_chunks
            else np.zeros(0, np.int64)
        )
    else:
        dictionary, indices = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    return indices.astype(np.int64), dictionary.to_pylist()


def segment_starts(sorted_keys: np.ndarray, n: int) -> np.ndarray:
    """CSR offsets: ``start[k]:start[k+1]`` is the slice of ``sorted_keys`` equal to ``k``."""
    return np.searchsorted(sorted_keys, np.arange(n + 1), side="left").astype(np.int64)


def gather(start: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position in the CSR slices of ``nodes``, and which entry of ``nodes`` each came from."""
    lo, hi = start[nodes], start[nodes + 1]
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(nodes)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return lo[owner] + offsets, owner


@dataclass
class TransferGraph:
    """The transfer graph of a store (or of any transfer table)."""

    entities: list[str]  # entity id -> name (cluster name or address)
    assets: list[str]  # asset id -> symbol
    node_entity: np.ndarray  # node id -> entity id
    node_asset: np.ndarray  # node id -> asset id
    src: np.ndarray  # per edge, sorted by (src, time)
    dst: np.ndarray
    amount: np.ndarray
    time: np.ndarray  # microseconds since the epoch (NO_TIME when unknown)
    tx: np.ndarray  # transaction code
    tx_hashes: list[str]
    chains: list[str]
    chain: np.ndarray  # per edge, chain code
    out_start: np.ndarray
    in_perm: np.ndarray  # edge ids sorted by (dst, time)
    in_start: np.ndarray
    entity_of: dict[str, int] = field(default_factory=dict)
    _fifo: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    _received: np.ndarray | None = None
    _time_range: tuple[float, float] | None = None
    _scale: np.ndarray | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.node_entity)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @classmethod
    def build(cls, transfers: pa.Table, clusters: dict[str, str] | None = None) -> TransferGraph:
        """Index a table with columns chain, tx_hash, time, from_address, to_address, asset, amount."""
        n = transfers.num_rows
        both = pa.chunked_array(
            transfers.column("from_address").chunks + transfers.column("to_address").chunks
        )
        if clusters:
            keys = pa.array(list(clusters))
            idx = pc.index_in(both, value_set=keys)
            both = pc.if_else(pc.is_valid(idx), pc.take(pa.array(list(clusters.values())), idx), both)
        entity_codes, entities = _codes(both)
        asset_codes, assets = _codes(transfers.column("asset"))
        n_assets = max(len(assets), 1)
        keys = np.concatenate(
            [entity_codes[:n] * n_assets + asset_codes, entity_codes[n:] * n_assets + asset_codes]
        )
        uniq, node_ids = np.unique(keys, return_inverse=True)
        src, dst = node_ids[:n], node_ids[n:]
        time = pc.fill_null(transfers.column("time").cast(pa.int64()), NO_TIME).to_numpy().astype(np.int64)
        amount = transfers.column("amount").to_numpy(zero_copy_only=False).astype(np.float64)
        tx_codes, tx_hashes = _codes(transfers.column("tx_hash"))
        chain_codes, chains = _codes(transfers.column("chain"))
        order = np.lexsort((time, src))
        src, dst, amount, time = src[order], dst[order], amount[order], time[order]
        tx_codes, chain_codes = tx_codes[order], chain_codes[order]
        n_nodes = len(uniq)
        in_perm = np.lexsort((time, dst))
        graph = cls(
            entities=entities,
            assets=assets,
            node_entity=uniq // n_assets,
            node_asset=uniq % n_assets,
            src=src,
            dst=dst,
            amount=amount,
            time=time,
            tx=tx_codes,
            tx_hashes=tx_hashes,
            chains=chains,
            chain=chain_codes,
            out_start=segment_starts(src, n_nodes),
            in_perm=in_perm,
            in_start=segment_starts(dst[in_perm], n_nodes),
        )
        graph.entity_of = {name: i for i, name in enumerate(entities)}
        return graph

    # ------------------------------------------------------------------ lookups
    def nodes_of(self, entity_names: list[str]) -> np.ndarray:
        """Every node (one per asset) of the given entities."""
        ids = [self.entity_of[e] for e in entity_names if e in self.entity_of]
        if not ids:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.node_entity, np.asarray(ids)))

    def node_label(self, node: int) -> tuple[str, str]:
        return self.entities[int(self.node_entity[node])], self.assets[int(self.node_asset[node])]

    # ------------------------------------------------------------------ model support
    def _events(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each node's inflows and outflows merged in time order (inflows first at equal times).

        Returns (node, amount, is_inflow, edge) of the 2E events in that order.
        """
        e = self.n_edges
        node = np.concatenate([self.dst, self.src])
        inflow = np.concatenate([np.ones(e, bool), np.zeros(e, bool)])
        order = np.lexsort((~inflow, np.concatenate([self.time, self.time]), node))
        edge = np.concatenate([np.arange(e), np.arange(e)])[order]
        return node[order], self.amount[edge], inflow[order], edge

    def fifo_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(opening balance per node, in_pos per edge, out_pos per edge)."""
        if self._fifo is None:
            opening = np.zeros(self.n_nodes)
            in_pos = np.zeros(self.n_edges)
            out_pos = np.zeros(self.n_edges)
            received = np.zeros(self.n_edges)
            if self.n_edges:
                node, amount, is_in, edge = self._events()
                first = np.r_[True, node[1:] != node[:-1]]
                starts = np.flatnonzero(first)
                seg = np.maximum.accumulate(np.where(first, np.arange(len(node)), 0))
                cin = np.cumsum(np.where(is_in, amount, 0.0))
                cout = np.cumsum(np.where(is_in, 0.0, amount))
                cin = cin - (cin[seg] - np.where(is_in, amount, 0.0)[seg])  # inclusive, within node
                cout = cout - (cout[seg] - np.where(is_in, 0.0, amount)[seg])
                low = np.minimum.reduceat(cin - cout, starts)
                opening[node[starts]] = np.maximum(0.0, -low)
                op = opening[node]
                in_pos[edge[is_in]] = (cin - amount)[is_in] + op[is_in]
                out_pos[edge[~is_in]] = (cout - amount)[~is_in]
                received[edge[~is_in]] = cin[~is_in] + op[~is_in]
            self._fifo = (opening, in_pos, out_pos)
            self._received = received
        return self._fifo

    def time_range(self) -> tuple[float, float]:
        """(earliest time, span + 1) over dated transfers, to map times into [0, 1)."""
        if self._time_range is None:
            valid = self.time[self.time != NO_TIME]
            self._time_range = ((float(valid.min()), float(valid.max() - valid.min()) + 1.0) if len(valid)
                                else (0.0, 1.0))
        return self._time_range

    def pool_scale(self) -> np.ndarray:
        """Per node: more than any position in its inflow or outflow stream (opening + all inflow + 1)."""
        if self._scale is None:
            opening = self.fifo_positions()[0]
            self._scale = opening + np.bincount(self.dst, weights=self.amount, minlength=self.n_nodes) + 1.0
        return self._scale

    def received_by(self) -> np.ndarray:
        """Per edge: what its sender had received (with its opening balance) up to and including then."""
        self.fifo_positions()
        assert self._received is not None
        return self._received
