"""``geobuk trace load``: read transfer exports into the store, all files in one transaction.

The format of each file is detected from its first bytes (``--format`` forces one). After the rows
are in, Bitcoin transactions whose inputs and outputs are both stored become transfers, token
transfers get their time from their transaction or block, and Bitcoin clustering is recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geobuk.intel.store import Store
from geobuk.trace import storage
from geobuk.trace.clusters import cluster_addresses
from geobuk.trace.loaders import LOADERS, TransferLoader


@dataclass
class LoadCounts:
    files: int = 0
    rows: int = 0
    transfers: int = 0
    btc_inputs: int = 0
    btc_outputs: int = 0
    btc_transfers: int = 0
    clustered: int = 0
    problems: list[str] = field(default_factory=list)


def detect_loader(path: Path, forced: str | None = None) -> type[TransferLoader]:
    return LOADERS.for_file(path, forced)


def load_files(
    store: Store,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    skip_bad: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
) -> LoadCounts:
    """Load every file, all or nothing: a bad row (unless skipped) aborts the whole load."""
    counts = LoadCounts()
    batches = []
    for path in paths:  # read everything first: a bad file fails before the store is touched
        loader = detect_loader(path, fmt)
        if on_file:
            on_file(path, loader.name)
        batch = loader().read(path, skip_bad=skip_bad)
        counts.files += 1
        counts.rows += batch.rows
        counts.problems += batch.problems
        batches.append(batch)
    with store.transaction():
        storage.ensure_tables(store.con)
        btc = False
        for batch in batches:
            if batch.transfers is not None:
                counts.transfers += storage.insert_transfers(store, batch.transfers)
            if batch.btc_inputs is not None or batch.btc_outputs is not None:
                btc = True
                n_in, n_out = storage.insert_btc_io(store, batch.btc_inputs, batch.btc_outputs)
                counts.btc_inputs += n_in
                counts.btc_outputs += n_out
        if btc:
            counts.btc_transfers = storage.derive_btc_transfers(store)
            clusters = cluster_addresses(store)
            storage.write_clusters(store, clusters)
            counts.clustered = len(clusters)
        storage.fill_missing_times(store)
    return counts
