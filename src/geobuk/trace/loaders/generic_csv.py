"""The generic transfer CSV: ``tx_hash, time, from, to, asset, amount`` (and optionally ``chain``).

For exports of any explorer or analytics tool once mapped to six columns. Amounts are in whole units
of the asset (ETH, not wei). The chain comes from the ``chain`` column, or else from the address
format (Ethereum-format addresses are taken as Ethereum: EVM chains share the format).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.trace.loaders.base import LOADERS, LoadBatch, TransferLoader
from geobuk.trace.loaders.columns import RowChecks, addresses, amounts, read_csv, require, sequence, times
from geobuk.trace.storage import TRANSFER_SCHEMA

COLUMNS = ("tx_hash", "time", "from", "to", "asset", "amount")


@LOADERS.register
class GenericCsvLoader(TransferLoader):
    name = "generic-csv"
    description = "CSV with tx_hash, time, from, to, asset, amount (optional chain)"
    sniff_order = 60

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        header = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").lower()
        names = {n.strip().strip('"') for n in header.split(",")}
        return set(COLUMNS) <= names

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        table = read_csv(path)
        require(path, table, COLUMNS)
        checks = RowChecks(path, table.num_rows, skip_bad)
        tx = pc.utf8_trim_whitespace(table.column("tx_hash")).combine_chunks()
        checks.reject(pc.equal(tx, "").to_numpy(zero_copy_only=False), "empty tx_hash")
        when = times(checks, table.column("time"))
        src, src_chain = addresses(checks, table.column("from"), "from")
        dst, dst_chain = addresses(checks, table.column("to"), "to")
        asset = pc.utf8_upper(pc.utf8_trim_whitespace(table.column("asset"))).combine_chunks()
        checks.reject(pc.equal(asset, "").to_numpy(zero_copy_only=False), "empty asset")
        amount = amounts(checks, table.column("amount"), "amount")
        if "chain" in table.column_names:
            chain = pc.utf8_lower(pc.utf8_trim_whitespace(table.column("chain"))).combine_chunks()
            chain = pc.if_else(pc.equal(chain, ""), src_chain, chain)
        else:
            chain = src_chain
        mismatch = pc.fill_null(pc.not_equal(src_chain, dst_chain), True).to_numpy(zero_copy_only=False)
        checks.reject(
            mismatch
            & pc.is_valid(src).to_numpy(zero_copy_only=False)
            & pc.is_valid(dst).to_numpy(zero_copy_only=False),
            "from and to are addresses of different chains",
        )
        keep = pa.array(checks.keep)
        cols = {
            "chain": chain,
            "tx_hash": tx,
            "time": when,
            "block": pa.nulls(table.num_rows, pa.int64()),
            "from_address": src,
            "to_address": dst,
            "asset": asset,
            "amount": pa.array(amount),
            "source": pa.array([str(path)] * table.num_rows, pa.string()),
        }
        kept = {k: pc.filter(v, keep) for k, v in cols.items()}
        seq = sequence(
            [kept["tx_hash"], kept["from_address"], kept["to_address"], kept["asset"], kept["amount"]]
        )
        kept["seq"] = pa.array(seq, pa.int32())
        data = pa.table({f.name: kept[f.name] for f in TRANSFER_SCHEMA}, schema=TRANSFER_SCHEMA)
        return LoadBatch(transfers=data, problems=checks.problems, rows=table.num_rows)
