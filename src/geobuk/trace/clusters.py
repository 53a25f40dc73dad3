"""Bitcoin address clustering by common-input ownership, CoinJoin-shaped transactions excluded.

Addresses spent together as inputs of one transaction are, as a rule, held by one wallet: a trace
then follows the entity (every address of a launderer's wallet, an exchange's deposit cluster), not
one address. CoinJoins break the rule on purpose (many owners sign one transaction), so a
transaction is not used when it has the CoinJoin shape: at least two input addresses and at least
two outputs of exactly the same value making up at least a third of its outputs (Wasabi, Whirlpool,
JoinMarket equal-denomination outputs). The union of pairs is computed with numpy (min-label
propagation with pointer jumping), with no per-transaction Python loop.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from geobuk.intel.store import Store, to_arrow
from geobuk.trace.storage import has_table

MIN_EQUAL_OUTPUTS = 2


def coinjoin_txs(store: Store) -> set[str]:
    """Transactions with the CoinJoin shape (see module docstring)."""
    rows = store.con.execute(
        """
        WITH ins AS (SELECT tx_hash, count(DISTINCT address) AS n_in FROM trace_btc_inputs GROUP BY ALL),
        outs AS (SELECT tx_hash, count(*) AS n_out, max(c) AS equal FROM (
            SELECT tx_hash, value, count(*) OVER (PARTITION BY tx_hash, value) AS c FROM trace_btc_outputs
        ) GROUP BY ALL)
        SELECT ins.tx_hash FROM ins JOIN outs USING (tx_hash)
        WHERE n_in >= 2 AND equal >= ? AND equal * 3 >= n_out
    """,
        [MIN_EQUAL_OUTPUTS],
    ).fetchall()
    return {r[0] for r in rows}


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The smallest node id of each node's connected component, for edges ``left[i] -- right[i]``."""
    label = np.arange(n, dtype=np.int64)
    if not len(left):
        return label
    while True:
        low = np.minimum(label[left], label[right])
        before = label.copy()
        np.minimum.at(label, left, low)
        np.minimum.at(label, right, low)
        np.minimum.at(label, before, label.copy())  # a root adopts its member's smaller label
        while True:  # pointer jumping: every node points straight at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            return label


def cluster_addresses(store: Store) -> dict[str, str]:
    """Address -> cluster name (the smallest address of the cluster), for clusters of two or more."""
    if not has_table(store.con, "trace_btc_inputs"):
        return {}
    excluded = coinjoin_txs(store)
    table = to_arrow(store.con.sql("SELECT DISTINCT tx_hash, address FROM trace_btc_inputs"))
    if not table.num_rows:
        return {}
    if excluded:
        keep = ~np.isin(
            np.asarray(table.column("tx_hash").to_pylist(), dtype=object),
            np.asarray(sorted(excluded), dtype=object),
        )
        table = table.filter(pa.array(keep))
    addresses, address_ids = np.unique(
        np.asarray(table.column("address").to_pylist(), dtype=object), return_inverse=True
    )
    _, tx_ids = np.unique(np.asarray(table.column("tx_hash").to_pylist(), dtype=object), return_inverse=True)
    order = np.argsort(tx_ids, kind="stable")
    tx_sorted, addr_sorted = tx_ids[order], address_ids[order]
    first = np.r_[True, tx_sorted[1:] != tx_sorted[:-1]]
    head = addr_sorted[np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))]
    pairs = ~first
    label = components(len(addresses), head[pairs], addr_sorted[pairs])
    sizes = np.bincount(label, minlength=len(addresses))
    multi = sizes[label] > 1
    return {addresses[i]: addresses[label[i]] for i in np.flatnonzero(multi)}
