"""Transfers as arrays a trace can walk fast: nodes, edges and both adjacency lists (CSR).

A node is an (entity, asset) pair: an entity is a Bitcoin cluster or a single address, and each
asset is its own pool of value (a wallet's ether and its USDT are traced apart; a swap shows up as
value reaching the swap service). Edges are sorted by sender then time, so one node's outgoing
transfers are one contiguous slice (``out_start``); ``in_perm`` gives the same by receiver.

Building is integer work only: entity codes come from hashes DuckDB computes while it scans the
stored transfers (``index``), and both orders come from one sort each of a packed 64-bit key
(node << 32 | rank of the transfer in time order), the two sorts running on two threads. What the
FIFO and haircut models need beyond adjacency (opening balances, positions in inflow and outflow
streams) is computed per hop, for the nodes it reaches only (``positions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from geobuk.trace.index import NO_TIME, TransferSource, apply_clusters, first_appearance_codes
from geobuk.trace.names import EntityIndex, Names

_LOW32 = np.int64(0xFFFFFFFF)
_DENSE_NODE_KEYS = 1 << 28  # up to this many (entity, asset) combinations: a presence table, no sort


def segment_starts(keys: np.ndarray, n: int) -> np.ndarray:
    """CSR offsets of ``keys`` (in ``0..n-1``, any order): ``start[k]:start[k+1]`` is where the entries
    equal to ``k`` sit once the keys are sorted (a count per key, so the keys need not be sorted)."""
    return np.r_[0, np.cumsum(np.bincount(keys, minlength=n)[:n])].astype(np.int64)


def gather(start: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position in the CSR slices of ``nodes``, and which entry of ``nodes`` each came from."""
    lo, hi = start[nodes], start[nodes + 1]
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(nodes)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return lo[owner] + offsets, owner


def _asset_codes(hashes: np.ndarray, asset_hashes: np.ndarray) -> np.ndarray:
    """Per transfer, the code of its asset (assets in order of first appearance, told apart by hash)."""
    if len(asset_hashes) <= 1:
        return np.zeros(len(hashes), np.int64)
    order = np.argsort(asset_hashes)
    return order[np.searchsorted(asset_hashes[order], hashes)]


def _node_ids(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct keys, node id of each key): what ``np.unique(keys, return_inverse=True)`` gives."""
    if space <= _DENSE_NODE_KEYS:
        present = np.zeros(space, bool)
        present[keys] = True
        node_of_key = np.cumsum(present, dtype=np.int64) - 1
        return np.flatnonzero(present), node_of_key[keys]
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, inverse


def _sorted_by(node: np.ndarray, time_rank: np.ndarray) -> np.ndarray:
    """Packed keys ``node << 32 | time rank`` sorted: node, then time, then table order."""
    return np.sort((node.astype(np.int64) << 32) | time_rank)


def _ties_by_edge_id(perm: np.ndarray, node: np.ndarray, time: np.ndarray) -> None:
    """Within runs of equal (node, time), put edge ids in increasing order (in place).

    A receiver's transfers at the same instant (one block, one Bitcoin transaction) are ordered by
    edge id, i.e. by sender: the order FIFO has always consumed them in.
    """
    same = (node[1:] == node[:-1]) & (time[1:] == time[:-1])
    if not same.any():
        return
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    group = np.cumsum(np.r_[True, ~same])[tied]
    perm[tied] = perm[tied][np.lexsort((perm[tied], group))]


def _entity_codes(
    source: TransferSource, scan: dict[str, np.ndarray], exact: bool
) -> tuple[np.ndarray, Names, np.ndarray | None]:
    """Entity code of every sender then every receiver (first appearance), their names, and the
    second hashes to check them with (None for exact codes)."""
    n = len(scan["f"])
    names = Names(source)
    if exact:
        codes, dictionary = source.exact_codes()
        entity_codes, _ = first_appearance_codes(pa.chunked_array([codes[:n]]), pa.chunked_array([codes[n:]]))
        names.exact = {name: i for i, name in enumerate(dictionary)}
        return entity_codes, names, None
    h2 = np.concatenate([scan.pop("f2"), scan.pop("t2")])
    if source.clusters:
        h = np.concatenate([scan.pop("f"), scan.pop("t")])
        apply_clusters(source, h, h2)
        senders, receivers = pa.chunked_array([h[:n]]), pa.chunked_array([h[n:]])
        del h
    else:  # the hash arrays as they came, no copy
        senders, receivers = pa.chunked_array([scan.pop("f")]), pa.chunked_array([scan.pop("t")])
    entity_codes, dictionary = first_appearance_codes(senders, receivers)
    names.h = dictionary.astype(np.uint64)
    return entity_codes, names, h2


def _one_address_per_code(entity_codes: np.ndarray, h2: np.ndarray, names: Names) -> bool:
    """True when every code has a single second hash, i.e. stands for a single address (or cluster)."""
    per_code = np.zeros(len(names), np.uint64)
    per_code[entity_codes] = h2
    names.h2 = per_code
    return bool(np.array_equal(per_code[entity_codes], h2))


def _nodes(
    entity_codes: np.ndarray, asset_codes: np.ndarray, n_entities: int, n_assets: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(entity of each node, asset of each node, node of every sender then receiver slot).

    Nodes are numbered by (entity, asset), as ``np.unique`` of the pairs would.
    """
    if n_assets <= 1:
        return np.arange(n_entities), np.zeros(n_entities, np.int64), entity_codes
    keys = entity_codes.astype(np.int64) * n_assets + np.concatenate([asset_codes, asset_codes])
    uniq, node_ids = _node_ids(keys, n_entities * n_assets)
    return uniq // n_assets, uniq % n_assets, node_ids


@dataclass
class TransferGraph:
    """The transfer graph of a store (or of any transfer table)."""

    entities: Names  # entity id -> name (cluster name or address), fetched when asked for
    assets: list[str]  # asset id -> symbol
    node_entity: np.ndarray  # node id -> entity id
    node_asset: np.ndarray  # node id -> asset id
    src: np.ndarray  # per edge, sorted by (src, time)
    dst: np.ndarray
    amount: np.ndarray
    time: np.ndarray  # microseconds since the epoch (NO_TIME when unknown)
    row: np.ndarray  # the transfer's row id in its table (for its transaction hash)
    out_start: np.ndarray
    in_perm: np.ndarray  # edge ids sorted by (dst, time)
    in_start: np.ndarray
    time_rank: np.ndarray  # per edge: rank of its time among all distinct times (exact, packable)
    entity_of: EntityIndex
    source: TransferSource
    _time_range: tuple[float, float] | None = None
    _in_rank: np.ndarray | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.node_entity)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @classmethod
    def build(cls, transfers: pa.Table, clusters: dict[str, str] | None = None) -> TransferGraph:
        """Index a table with columns tx_hash, time, from_address, to_address, asset, amount."""
        return cls.from_source(TransferSource.from_arrow(transfers, clusters))

    @classmethod
    def from_source(cls, source: TransferSource, *, exact: bool = False) -> TransferGraph:
        """Index the transfers of ``source`` (exact string codes when ``exact``; see ``index``)."""
        assets, asset_hashes = source.assets()
        if len(np.unique(asset_hashes)) < len(assets):
            exact = True  # two asset symbols share a hash (never seen): strings all the way
        scan = source.scan(assets=len(assets))
        n = len(scan["time"])
        row, time, amount = scan.pop("row", None), scan.pop("time"), scan.pop("amount")
        if exact:
            asset_codes = source.exact_asset_codes(assets)
        elif "a" in scan:
            asset_codes = _asset_codes(scan.pop("a"), asset_hashes)
        else:
            asset_codes = np.zeros(n, np.int64)
        entity_codes, names, h2 = _entity_codes(source, scan, exact)
        if h2 is not None and not _one_address_per_code(entity_codes, h2, names):
            return cls.from_source(source, exact=True)  # two addresses share a hash: exact codes
        del h2
        node_entity, node_asset, node_ids = _nodes(entity_codes, asset_codes, len(names), len(assets))
        del entity_codes, asset_codes
        order, src, in_perm, time_rank = cls._orders(node_ids[:n], node_ids[n:], time)
        row = order if row is None else row[order]  # None: the row ids are the table positions
        with ThreadPoolExecutor(2) as pool:  # gathers release the GIL too
            dst, amount, time, time_rank = pool.map(
                np.take, (node_ids[n:], amount, time, time_rank), [order] * 4
            )
        del node_ids, order
        graph = cls(
            entities=names,
            assets=assets,
            node_entity=node_entity,
            node_asset=node_asset,
            src=src,
            dst=dst,
            amount=amount,
            time=time,
            row=row,
            time_rank=time_rank,
            out_start=segment_starts(src, len(node_entity)),
            in_perm=in_perm,
            in_start=segment_starts(dst, len(node_entity)),
            entity_of=EntityIndex(names),
            source=source,
        )
        names.locate = graph.locate
        return graph

    @staticmethod
    def _orders(
        src: np.ndarray, dst: np.ndarray, time: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Edge order by (src, time), src in that order, in_perm by (dst, time) in new edge ids, and
        dense time ranks (in table order).

        Ties in time keep table order among a sender's transfers and edge order among a receiver's.
        """
        n = len(src)
        if bool(np.all(time[1:] >= time[:-1])):  # stored in time order (the usual case): no sort
            by_time = time_rank = np.arange(n)
        else:
            by_time = np.argsort(time, kind="stable")
            time_rank = np.empty(n, np.int64)
            time_rank[by_time] = np.arange(n)
        sorted_time = time[by_time]
        dense = np.empty(n, np.int32 if n < 2**31 else np.int64)
        dense[by_time] = np.cumsum(np.r_[False, sorted_time[1:] != sorted_time[:-1]])
        del sorted_time
        with ThreadPoolExecutor(2) as pool:  # numpy sorts release the GIL: one per core
            out_keys, in_keys = pool.map(_sorted_by, (src, dst), (time_rank, time_rank))
        del time_rank
        sorted_src = (out_keys >> 32).astype(src.dtype)
        order = by_time[np.bitwise_and(out_keys, _LOW32, out=out_keys)]
        del out_keys
        index_type = np.int32 if n < 2**31 else np.int64
        new_id = np.empty(n, index_type)
        new_id[order] = np.arange(n, dtype=index_type)
        by_dst = by_time[in_keys & _LOW32]
        in_perm = new_id[by_dst]
        _ties_by_edge_id(in_perm, in_keys >> 32, time[by_dst])
        return order, sorted_src, in_perm, dense

    # ------------------------------------------------------------------ lookups
    def nodes_of(self, entity_names: list[str]) -> np.ndarray:
        """Every node (one per asset) of the given entities."""
        ids = [c for c in self.entity_of.lookup(entity_names) if c is not None]
        if not ids:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.node_entity, np.asarray(ids)))

    def locate(self, entities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each entity, a row id holding its address, and whether it is the receiver there.

        An entity's first node has a transfer out (its sender) or in (its receiver); names are read
        from that row when asked for, rather than kept for every entity.
        """
        node = np.searchsorted(self.node_entity, entities)
        sends = self.out_start[node + 1] > self.out_start[node]
        last = max(self.n_edges - 1, 0)
        first_in = self.in_perm[np.minimum(self.in_start[node], last)]
        edge = np.where(sends, np.minimum(self.out_start[node], last), first_in)
        return self.row[edge], ~sends

    def node_label(self, node: int) -> tuple[str, str]:
        return self.entities[int(self.node_entity[node])], self.assets[int(self.node_asset[node])]

    def prefetch_nodes(self, nodes: Iterable[int]) -> None:
        """Fetch the names of many nodes in one go before an output labels them one by one."""
        self.entities.prefetch(np.unique(self.node_entity[np.asarray(list(nodes), dtype=np.int64)]).tolist())

    def tx_hashes(self, edges: Iterable[int]) -> dict[int, str]:
        """Transaction hash of each edge (edge id -> hash), read from the table by row id."""
        edges = [int(e) for e in edges]
        by_row = self.source.strings("tx_hash", self.row[edges].tolist() if edges else [])
        return {e: by_row[int(self.row[e])] for e in edges}

    def in_rank(self) -> np.ndarray:
        """Per edge, its place in ``in_perm`` (made on first use: poison and screening never need it)."""
        if self._in_rank is None:
            self._in_rank = np.empty(self.n_edges, self.in_perm.dtype)
            self._in_rank[self.in_perm] = np.arange(self.n_edges, dtype=self.in_perm.dtype)
        return self._in_rank

    def time_range(self) -> tuple[float, float]:
        """(earliest time, span + 1) over dated transfers, to map times into [0, 1)."""
        if self._time_range is None:
            valid = self.time[self.time != NO_TIME]
            self._time_range = ((float(valid.min()), float(valid.max() - valid.min()) + 1.0) if len(valid)
                                else (0.0, 1.0))
        return self._time_range
