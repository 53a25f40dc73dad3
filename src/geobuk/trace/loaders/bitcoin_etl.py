"""Bitcoin exports in the blockchain-etl schema: inputs and outputs, not transfers.

Two shapes are read: bitcoin-etl's transactions JSON lines (``hash``, ``block_number``,
``block_timestamp``, nested ``inputs`` / ``outputs`` with ``index``, ``addresses``, ``value`` in
satoshi), and the ``inputs`` / ``outputs`` tables as CSV (``transaction_hash, block_timestamp, index,
addresses, value``; inputs also have ``spent_transaction_hash``). Inputs and outputs are stored as
they are, for clustering; the store turns each transaction whose both sides it holds into transfers
(``storage.derive_btc_transfers``). Coinbase inputs and outputs without a standard address
(OP_RETURN, non-standard scripts, bare multisig) move no value between addresses and are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.errors import InputError
from geobuk.trace.addresses import canonical
from geobuk.trace.loaders.base import LOADERS, LoadBatch, TransferLoader
from geobuk.trace.loaders.columns import RowChecks, amounts, read_csv, require, times
from geobuk.trace.storage import BTC_IO_SCHEMA

SATOSHI = 1e8
_CSV_COLUMNS = ("transaction_hash", "block_timestamp", "index", "addresses", "value")


def _one_address(value: object) -> str | None:
    """The single address of an input/output (``["1A.."]``, ``1A..`` or ``[1A..]``); None if not one."""
    if isinstance(value, list):
        items = value
    else:
        text = str(value or "").strip()
        if text.startswith("["):
            try:
                items = orjson.loads(text)
            except orjson.JSONDecodeError:
                items = [x.strip().strip("'\"") for x in text.strip("[]").split(",") if x.strip()]
        else:
            items = [text] if text else []
    if len(items) != 1 or not isinstance(items[0], str):
        return None
    info = canonical(items[0])
    return info.address if info.valid and info.chain == "bitcoin" else None


def _time(value: object) -> np.datetime64:
    if isinstance(value, int | float):
        return np.datetime64(int(value * 1e6), "us")
    text = str(value or "").strip().removesuffix(" UTC").removesuffix("Z").replace(" ", "T")
    return np.datetime64(text, "us")


@LOADERS.register
class BitcoinEtlJsonLoader(TransferLoader):
    name = "bitcoin-etl-json"
    description = "bitcoin-etl transactions JSON lines (nested inputs and outputs, values in satoshi)"
    sniff_order = 20

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0]
        return first.startswith(b"{") and b'"inputs"' in first and b'"outputs"' in first

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        rows = {"in": [], "out": []}
        batch = LoadBatch()
        dropped = 0
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror}") from None
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                batch.rows += 1
                try:
                    tx = orjson.loads(line)
                    tx_hash = str(tx["hash"])
                    when = _time(tx.get("block_timestamp"))
                    sides = {"in": tx.get("inputs") or [], "out": tx.get("outputs") or []}
                    parsed = {
                        k: [
                            (
                                int(io.get("index", i)),
                                _one_address(io.get("addresses")),
                                float(io["value"]) / SATOSHI,
                            )
                            for i, io in enumerate(v)
                        ]
                        for k, v in sides.items()
                    }
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                    message = f"not a bitcoin-etl transaction ({type(exc).__name__}: {exc})"
                    if not skip_bad:
                        raise InputError(path, message, index=number, what="line") from None
                    batch.problems.append(f"{path}: line {number}: {message} (skipped)")
                    continue
                for side, items in parsed.items():
                    for idx, address, value in items:
                        if address is None or value < 0:
                            dropped += 1
                            continue
                        rows[side].append((tx_hash, when, idx, address, value, str(path)))
        if dropped:
            batch.problems.append(f"{path}: {dropped} inputs/outputs without one standard address left out")
        batch.btc_inputs = _table(rows["in"])
        batch.btc_outputs = _table(rows["out"])
        return batch


def _table(rows: list[tuple]) -> pa.Table:
    if not rows:
        return BTC_IO_SCHEMA.empty_table()
    cols = list(zip(*rows, strict=True))
    return pa.table(
        [
            pa.array(cols[0], pa.string()),
            pa.array(np.array(cols[1], dtype="datetime64[us]")),
            pa.array(cols[2], pa.int32()),
            pa.array(cols[3], pa.string()),
            pa.array(cols[4], pa.float64()),
            pa.array(cols[5], pa.string()),
        ],
        schema=BTC_IO_SCHEMA,
    )


class _BitcoinCsvLoader(TransferLoader):
    side = ""

    def read(self, path: Path, *, skip_bad: bool = False) -> LoadBatch:
        table = read_csv(path)
        require(path, table, _CSV_COLUMNS)
        n = table.num_rows
        checks = RowChecks(path, n, skip_bad)
        value = amounts(checks, table.column("value"), "value", SATOSHI)
        when = times(checks, table.column("block_timestamp"), "block_timestamp")
        index = pc.cast(pc.utf8_trim_whitespace(table.column("index")), pa.int32(), safe=False)
        address = pa.array([_one_address(v) for v in table.column("addresses").to_pylist()], pa.string())
        standard = pc.is_valid(address).to_numpy(zero_copy_only=False)
        dropped = int((~standard & checks.keep).sum())
        checks.keep &= standard
        keep = pa.array(checks.keep)
        data = pa.table(
            {
                "tx_hash": pc.filter(pc.utf8_trim_whitespace(table.column("transaction_hash")), keep),
                "time": pc.filter(when, keep),
                "idx": pc.filter(index, keep),
                "address": pc.filter(address, keep),
                "value": pc.filter(pa.array(value), keep),
                "source": pa.array([str(path)] * int(checks.keep.sum()), pa.string()),
            },
            schema=BTC_IO_SCHEMA,
        )
        batch = LoadBatch(problems=checks.problems, rows=n)
        if dropped:
            batch.problems.append(f"{path}: {dropped} {self.side} without one standard address left out")
        if self.side == "inputs":
            batch.btc_inputs = data
        else:
            batch.btc_outputs = data
        return batch


@LOADERS.register
class BitcoinInputsCsvLoader(_BitcoinCsvLoader):
    name = "bitcoin-etl-inputs"
    description = "blockchain-etl bitcoin inputs table as CSV (spent_transaction_hash, addresses, value)"
    sniff_order = 20
    side = "inputs"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        names = set(head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").lower().split(","))
        return set(_CSV_COLUMNS) <= names and "spent_transaction_hash" in names


@LOADERS.register
class BitcoinOutputsCsvLoader(_BitcoinCsvLoader):
    name = "bitcoin-etl-outputs"
    description = "blockchain-etl bitcoin outputs table as CSV (transaction_hash, index, addresses, value)"
    sniff_order = 21
    side = "outputs"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        names = set(head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").lower().split(","))
        return set(_CSV_COLUMNS) <= names and "spent_transaction_hash" not in names
