"""Transfers kept in the store's DuckDB file, in tables this stage creates itself.

``trace_transfers`` is one row per movement of value (Ethereum value and token transfers, Bitcoin
input-to-output shares, generic CSV rows); ``trace_btc_inputs`` / ``trace_btc_outputs`` keep Bitcoin
transactions as they were, because clustering needs who spent together, and
``trace_clusters`` the clustering result. ``CREATE TABLE IF NOT EXISTS`` rather than a migration of
``intel/schema.py``: the tables belong to this stage and an older store simply gains them.

Loading is all or nothing (one transaction) and idempotent: a row already present (same chain,
transaction, parties, asset, amount and ordinal) is not inserted again.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from geobuk.intel.store import Store, to_arrow
from geobuk.trace.index import TransferSource

TRANSFER_SCHEMA = pa.schema(
    [
        ("chain", pa.string()),
        ("tx_hash", pa.string()),
        ("time", pa.timestamp("us")),
        ("block", pa.int64()),
        ("from_address", pa.string()),
        ("to_address", pa.string()),
        ("asset", pa.string()),
        ("amount", pa.float64()),
        ("seq", pa.int32()),
        ("source", pa.string()),
    ]
)
BTC_IO_SCHEMA = pa.schema(
    [
        ("tx_hash", pa.string()),
        ("time", pa.timestamp("us")),
        ("idx", pa.int32()),
        ("address", pa.string()),
        ("value", pa.float64()),
        ("source", pa.string()),
    ]
)

_DDL = """
CREATE TABLE IF NOT EXISTS trace_transfers (
    chain VARCHAR NOT NULL, tx_hash VARCHAR NOT NULL, time TIMESTAMP, block BIGINT,
    from_address VARCHAR NOT NULL, to_address VARCHAR NOT NULL, asset VARCHAR NOT NULL,
    amount DOUBLE NOT NULL, seq INTEGER NOT NULL, source VARCHAR
);
CREATE TABLE IF NOT EXISTS trace_btc_inputs (
    tx_hash VARCHAR NOT NULL, time TIMESTAMP, idx INTEGER NOT NULL, address VARCHAR NOT NULL,
    value DOUBLE NOT NULL, source VARCHAR
);
CREATE TABLE IF NOT EXISTS trace_btc_outputs (
    tx_hash VARCHAR NOT NULL, time TIMESTAMP, idx INTEGER NOT NULL, address VARCHAR NOT NULL,
    value DOUBLE NOT NULL, source VARCHAR
);
CREATE TABLE IF NOT EXISTS trace_clusters (address VARCHAR PRIMARY KEY, cluster VARCHAR NOT NULL);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)


#: Rows inserted per statement: deduplicating a whole 10-million-row file at once took gigabytes.
INSERT_SLICE = 1_000_000


def _insert_new(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, keys: list[str]) -> int:
    """Insert the rows not stored yet, each once, in the order they come in.

    Order matters downstream: the trace numbers addresses in order of first appearance and sorts
    transfers by time, so rows kept in file order make the numbering reproducible (a bare DISTINCT
    returned them in a different order from one run to the next) and time-ordered exports cheap.
    Rows go in ``INSERT_SLICE`` at a time, in order: a row repeating one of an earlier slice is
    already stored by then, so it is left out as any stored row is.
    """
    before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    on = " AND ".join(f"t.{k} IS NOT DISTINCT FROM i.{k}" for k in keys)
    for start in range(0, data.num_rows, INSERT_SLICE):
        part = data.slice(start, INSERT_SLICE)
        con.register("_incoming", part.append_column("_n", pa.array(np.arange(part.num_rows))))
        try:
            con.execute(
                f"""INSERT INTO {table} SELECT * EXCLUDE (_n) FROM (
                    SELECT i.* EXCLUDE (_n), min(i._n) AS _n FROM _incoming i ANTI JOIN {table} t ON {on}
                    GROUP BY ALL
                ) ORDER BY _n"""
            )
        finally:
            con.unregister("_incoming")
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before


def insert_transfers(store: Store, data: pa.Table) -> int:
    """Add transfers not already stored; return how many were new. Call inside a transaction."""
    ensure_tables(store.con)
    return _insert_new(
        store.con,
        "trace_transfers",
        data.cast(TRANSFER_SCHEMA),
        ["chain", "tx_hash", "from_address", "to_address", "asset", "amount", "seq"],
    )


def insert_btc_io(store: Store, inputs: pa.Table | None, outputs: pa.Table | None) -> tuple[int, int]:
    """Add Bitcoin inputs/outputs not already stored; return (new inputs, new outputs)."""
    ensure_tables(store.con)
    keys = ["tx_hash", "idx"]
    n_in = _insert_new(store.con, "trace_btc_inputs", inputs.cast(BTC_IO_SCHEMA), keys) if inputs else 0
    n_out = _insert_new(store.con, "trace_btc_outputs", outputs.cast(BTC_IO_SCHEMA), keys) if outputs else 0
    return n_in, n_out


def derive_btc_transfers(store: Store) -> int:
    """Turn Bitcoin transactions (inputs and outputs both stored) into input->output transfers.

    Each output is split over the input addresses in proportion to what they put in (the fee comes
    out of the inputs, so it is not a transfer). Coins returning to an input address (change to the
    same address) are not a transfer. Transactions already derived are skipped. Rows go in by time,
    transaction and addresses, so the same data always gives the same table order (the trace
    numbers addresses by it).
    """
    con = store.con
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _btc_new AS
        SELECT DISTINCT i.tx_hash FROM trace_btc_inputs i
        SEMI JOIN trace_btc_outputs o ON o.tx_hash = i.tx_hash
        ANTI JOIN (SELECT DISTINCT tx_hash FROM trace_transfers WHERE chain = 'bitcoin') t
            ON t.tx_hash = i.tx_hash
    """)
    ensure_tables(con)
    before = con.execute("SELECT count(*) FROM trace_transfers").fetchall()[0][0]
    con.execute("""
        INSERT INTO trace_transfers
        WITH ins AS (
            SELECT i.tx_hash, i.address, sum(i.value) AS value, min(i.time) AS time
            FROM trace_btc_inputs i SEMI JOIN _btc_new n ON n.tx_hash = i.tx_hash GROUP BY ALL),
        tot AS (SELECT tx_hash, sum(value) AS total FROM ins GROUP BY ALL),
        outs AS (
            SELECT o.tx_hash, o.address, sum(o.value) AS value, min(o.time) AS time
            FROM trace_btc_outputs o SEMI JOIN _btc_new n ON n.tx_hash = o.tx_hash GROUP BY ALL)
        SELECT 'bitcoin', ins.tx_hash, coalesce(outs.time, ins.time), NULL::BIGINT, ins.address, outs.address,
               'BTC', outs.value * ins.value / tot.total, 0, 'derived'
        FROM ins JOIN tot USING (tx_hash) JOIN outs USING (tx_hash)
        WHERE ins.address <> outs.address AND tot.total > 0
        ORDER BY coalesce(outs.time, ins.time), ins.tx_hash, ins.address, outs.address
    """)
    con.execute("DROP TABLE IF EXISTS _btc_new")
    return con.execute("SELECT count(*) FROM trace_transfers").fetchall()[0][0] - before


def fill_missing_times(store: Store) -> None:
    """Token transfers carry no time in ethereum-etl: take it from the transaction or the block."""
    con = store.con
    con.execute("""
        UPDATE trace_transfers t SET time = s.time FROM (
            SELECT chain, tx_hash, min(time) AS time FROM trace_transfers WHERE time IS NOT NULL GROUP BY ALL
        ) s WHERE t.time IS NULL AND t.chain = s.chain AND t.tx_hash = s.tx_hash
    """)
    con.execute("""
        UPDATE trace_transfers t SET time = s.time FROM (
            SELECT chain, block, min(time) AS time FROM trace_transfers
            WHERE time IS NOT NULL AND block IS NOT NULL GROUP BY ALL
        ) s WHERE t.time IS NULL AND t.chain = s.chain AND t.block = s.block
    """)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[
            0
        ][0]
    )


def transfer_count(store: Store) -> int:
    if not has_table(store.con, "trace_transfers"):
        return 0
    return store.con.execute("SELECT count(*) FROM trace_transfers").fetchall()[0][0]


def read_transfers(store: Store) -> pa.Table:
    """Every stored transfer, as Arrow, in the columns the graph needs."""
    if not has_table(store.con, "trace_transfers"):
        return TRANSFER_SCHEMA.empty_table()
    return to_arrow(
        store.con.sql(
            "SELECT chain, tx_hash, time, from_address, to_address, asset, amount FROM trace_transfers"
        )
    )


def transfer_source(store: Store, clusters: dict[str, str] | None = None) -> TransferSource:
    """The stored transfers as a graph source: read in place by DuckDB, no copy of their strings."""
    if not has_table(store.con, "trace_transfers"):
        return TransferSource.from_arrow(TRANSFER_SCHEMA.empty_table(), clusters)
    return TransferSource(store.con, "trace_transfers", dict(clusters or {}))


def read_clusters(store: Store) -> dict[str, str]:
    if not has_table(store.con, "trace_clusters"):
        return {}
    return dict(store.con.execute("SELECT address, cluster FROM trace_clusters").fetchall())


def write_clusters(store: Store, clusters: dict[str, str]) -> None:
    """Replace the clustering (it is recomputed from all inputs after every Bitcoin load)."""
    ensure_tables(store.con)
    store.con.execute("DELETE FROM trace_clusters")
    if clusters:
        data = pa.table({"address": list(clusters), "cluster": list(clusters.values())})
        store.con.register("_clusters", data)
        try:
            store.con.execute("INSERT INTO trace_clusters SELECT * FROM _clusters")
        finally:
            store.con.unregister("_clusters")
