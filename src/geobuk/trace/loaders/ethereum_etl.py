"""Ethereum exports in the ethereum-etl schema: ``transactions`` and ``token_transfers`` CSVs.

``transactions``: ``hash, from_address, to_address, value`` (wei) and ``block_number``, with
``block_timestamp`` in current exports; failed transactions (``receipt_status`` 0), contract creations
and zero-value calls move no ether and are left out. ``token_transfers``: ``token_address,
from_address, to_address, value, transaction_hash, log_index, block_number``, without a time (taken
from the transaction or block once both are stored). Token amounts need the token's decimals:
``TOKENS`` lists the ones DPRK laundering goes through; others are kept in raw units under the
token's address, and the load says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.trace.loaders.base import LOADERS, LoadBatch, TransferLoader
from geobuk.trace.loaders.columns import RowChecks, addresses, amounts, read_csv, require, times
from geobuk.trace.storage import TRANSFER_SCHEMA

#: ERC-20 contracts on Ethereum -> (symbol, decimals): stablecoins, wrapped and staked ether seen in
#: the Ronin, Harmony, Atomic and Bybit laundering.
TOKENS = {
    "0xdac17f958d2ee523a2206206994597c13d831ec7": ("USDT", 6),
    "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48": ("USDC", 6),
    "0x6b175474e89094c44da98b954eedeac495271d0f": ("DAI", 18),
    "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2": ("WETH", 18),
    "0x2260fac5e5542a773aa44fbcfedf7c193bc2c599": ("WBTC", 8),
    "0xae7ab96520de3a18e5e111b5eaab095312d7fe84": ("STETH", 18),
    "0xd5f7838f5c461feff7fe49ea5ebaf7728bb0adfa": ("METH", 18),
}


def _header(head: bytes) -> set[str]:
    line = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").lower()
    return {n.strip().strip('"') for n in line.split(",")}


def _block(column: pa.ChunkedArray | None, n: int) -> pa.Array:
    if column is None:
        return pa.nulls(n, pa.int64())
    return (
        pc.cast(
            pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column), pa.int64(), safe=False
        ).combine_chunks()
        if isinstance(column, pa.ChunkedArray)
        else column
    )


def _finish(
    path: Path, cols: dict, keep: np.ndarray, seq: pa.Array, checks: RowChecks, rows: int
) -> LoadBatch:
    mask = pa.array(keep)
    kept = {k: pc.filter(v, mask) for k, v in cols.items()}
    kept["seq"] = pc.filter(seq, mask)
    kept["source"] = pa.array([str(path)] * len(kept["seq"]), pa.string())
    data = pa.table({f.name: kept[f.name] for f in TRANSFER_SCHEMA}, schema=TRANSFER_SCHEMA)
    return LoadBatch(transfers=data, problems=checks.problems, rows=rows)


@LOADERS.register
class EthereumTransactionsLoader(TransferLoader):
    name = "ethereum-etl-transactions"
    description = "ethereum-etl transactions.csv (hash, from_address, to_address, value in wei)"
    sniff_order = 20

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        names = _header(head)
        return {"hash", "from_address", "to_address", "value", "block_number"} <= names and "gas" in names

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        table = read_csv(path)
        require(path, table, ("hash", "from_address", "to_address", "value", "block_number"))
        n = table.num_rows
        checks = RowChecks(path, n, skip_bad)
        value = amounts(checks, table.column("value"), "value", 1e18)
        to_empty = pc.equal(pc.utf8_trim_whitespace(table.column("to_address")), "").to_numpy(
            zero_copy_only=False
        )
        moves = (value > 0) & ~to_empty
        if "receipt_status" in table.column_names:
            moves &= pc.not_equal(table.column("receipt_status"), "0").to_numpy(zero_copy_only=False)
        checks.keep &= moves  # not an error: these rows move no ether
        src, _ = addresses(checks, table.column("from_address"), "from")
        dst, _ = addresses(checks, table.column("to_address"), "to", allow_empty=True)
        when = (
            times(checks, table.column("block_timestamp"), "block_timestamp")
            if "block_timestamp" in table.column_names
            else pa.nulls(n, pa.timestamp("us"))
        )
        cols = {
            "chain": pa.array(["ethereum"] * n, pa.string()),
            "tx_hash": pc.utf8_lower(table.column("hash")).combine_chunks(),
            "time": when,
            "block": _block(table.column("block_number"), n),
            "from_address": src,
            "to_address": dst,
            "asset": pa.array(["ETH"] * n, pa.string()),
            "amount": pa.array(value),
        }
        return _finish(path, cols, checks.keep, pa.array(np.zeros(n, np.int32)), checks, n)


@LOADERS.register
class EthereumTokenTransfersLoader(TransferLoader):
    name = "ethereum-etl-token-transfers"
    description = "ethereum-etl token_transfers.csv (token_address, from/to, raw value, log_index)"
    sniff_order = 20

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return {
            "token_address",
            "from_address",
            "to_address",
            "value",
            "transaction_hash",
            "log_index",
        } <= _header(head)

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        table = read_csv(path)
        require(
            path,
            table,
            ("token_address", "from_address", "to_address", "value", "transaction_hash", "log_index"),
        )
        n = table.num_rows
        checks = RowChecks(path, n, skip_bad)
        token, _ = addresses(checks, table.column("token_address"), "token")
        raw = amounts(checks, table.column("value"), "value")
        tokens = token.to_pylist()
        symbols = [TOKENS.get(t, (t, 0))[0] if t else "" for t in tokens]
        decimals = np.array([TOKENS.get(t, (t, 0))[1] if t else 0 for t in tokens], dtype=np.float64)
        unknown = sorted({t for t in tokens if t and t not in TOKENS})
        if unknown:
            checks.problems.append(
                f"{path}: {len(unknown)} token(s) of unknown decimals kept in raw units "
                f"under their contract address (e.g. {unknown[0]})"
            )
        value = raw / np.power(10.0, decimals)
        checks.keep &= value > 0
        src, _ = addresses(checks, table.column("from_address"), "from")
        dst, _ = addresses(checks, table.column("to_address"), "to")
        log_index = pc.cast(table.column("log_index"), pa.int32(), safe=False).combine_chunks()
        when = (
            times(checks, table.column("block_timestamp"), "block_timestamp")
            if "block_timestamp" in table.column_names
            else pa.nulls(n, pa.timestamp("us"))
        )
        block = _block(table.column("block_number") if "block_number" in table.column_names else None, n)
        cols = {
            "chain": pa.array(["ethereum"] * n, pa.string()),
            "tx_hash": pc.utf8_lower(table.column("transaction_hash")).combine_chunks(),
            "time": when,
            "block": block,
            "from_address": src,
            "to_address": dst,
            "asset": pa.array(symbols, pa.string()),
            "amount": pa.array(value),
        }
        # log_index + 1: a token transfer never collides with the transaction's own ether transfer (seq 0).
        return _finish(path, cols, checks.keep, pc.add(log_index, 1), checks, n)
