"""Common-input-ownership clustering, with CoinJoin-shaped transactions left out."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from geobuk.trace.clusters import cluster_addresses, coinjoin_txs, components
from geobuk.trace.storage import BTC_IO_SCHEMA, insert_btc_io


def _io(rows: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table(
        {
            "tx_hash": [r[0] for r in rows],
            "time": [None] * len(rows),
            "idx": list(range(len(rows))),
            "address": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "source": ["t"] * len(rows),
        },
        schema=BTC_IO_SCHEMA,
    )


def test_components_join_chains_of_pairs() -> None:
    label = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert label.tolist() == [0, 0, 0, 3, 4, 4]


def test_cospent_addresses_cluster_and_coinjoins_do_not(store) -> None:
    inputs = _io(
        [
            ("t1", "a", 1),
            ("t1", "b", 1),
            ("t2", "b", 1),
            ("t2", "c", 1),  # a-b-c one wallet
            ("cj", "u1", 1),
            ("cj", "u2", 1),
            ("cj", "u3", 1),  # a CoinJoin
            ("t3", "d", 1),
        ]
    )
    outputs = _io(
        [
            ("t1", "x", 2),
            ("t2", "y", 2),
            ("cj", "o1", 0.5),
            ("cj", "o2", 0.5),
            ("cj", "o3", 0.5),
            ("cj", "c1", 0.2),
            ("t3", "z", 1),
        ]
    )
    with store.transaction():
        insert_btc_io(store, inputs, outputs)
    assert coinjoin_txs(store) == {"cj"}
    clusters = cluster_addresses(store)
    assert clusters == {"a": "a", "b": "a", "c": "a"}


def test_two_equal_outputs_of_one_owner_is_not_a_coinjoin(store) -> None:
    inputs = _io([("t", "a", 3)])
    outputs = _io([("t", "x", 1), ("t", "y", 1), ("t", "z", 0.9)])
    with store.transaction():
        insert_btc_io(store, inputs, outputs)
    assert coinjoin_txs(store) == set()
