"""Addresses as the trace stage reads them: one value (screening) or whole columns (loading).

Checksums come from ``intel.crypto_addresses``; this module adds the column-at-a-time path a load
of millions of transfers needs: Ethereum addresses in one case (what ethereum-etl writes) are
checked with one Arrow regex, and only the remaining distinct values (mixed-case Ethereum, Bitcoin,
Tron) go through the per-value checksum code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.intel import observables as obs
from geobuk.intel.crypto_addresses import MAINNET, AddressInfo, parse_address

_ETH_PLAIN = r"^0[xX]([0-9a-f]{40}|[0-9A-F]{40})$"


def canonical(value: str) -> AddressInfo:
    """The parsed address, with ``address`` in the form the store and the transfers use."""
    info = parse_address(value)
    if info.valid and info.chain:
        kind = obs.KIND_OF_CHAIN[info.chain]
        return AddressInfo(
            info.chain, obs.normalize(kind, info.address), True, network=info.network, kind=info.kind
        )
    return info


@dataclass
class CheckedColumn:
    """A column of addresses: canonical values, chains, and the first bad row (or None)."""

    values: pa.Array
    chains: pa.Array
    bad_row: int | None = None
    bad_reason: str = ""


def check_column(column: pa.Array | pa.ChunkedArray) -> CheckedColumn:
    """Canonicalise and validate every address of a column; rows that fail are masked, the first named."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    plain_eth = pc.fill_null(pc.match_substring_regex(text, _ETH_PLAIN), False)
    values = pc.if_else(plain_eth, pc.utf8_lower(text), text)
    chains = pc.if_else(plain_eth, pa.scalar("ethereum"), pa.scalar(None, pa.string()))
    rest_idx = np.flatnonzero(~plain_eth.to_numpy(zero_copy_only=False))
    if not len(rest_idx):
        return CheckedColumn(values, chains)
    rest = pc.take(text, pa.array(rest_idx))
    uniq = pc.unique(rest)
    parsed = {v: canonical(v) if v is not None else None for v in uniq.to_pylist()}
    new_values = values.to_pylist()
    new_chains = chains.to_pylist()
    bad_row, bad_reason = None, ""
    for i, v in zip(rest_idx.tolist(), rest.to_pylist(), strict=True):
        info = parsed[v]
        if info is None or not info.valid or info.network != MAINNET:
            if bad_row is None:
                bad_row = i
                reason = "empty address" if info is None else (info.reason or f"{info.network} address")
                bad_reason = f"{v!r}: {reason}" if v is not None else reason
            new_values[i] = None
            continue
        new_values[i] = info.address
        new_chains[i] = info.chain
    return CheckedColumn(
        pa.array(new_values, pa.string()), pa.array(new_chains, pa.string()), bad_row, bad_reason
    )
