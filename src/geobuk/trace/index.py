"""Integer codes for the addresses of stored transfers, assigned by hashing inside DuckDB.

Why hashes: turning 20 million address strings into dictionary codes in Python (or with Arrow's
single-threaded hash table) took longer than everything else a trace does. DuckDB hashes the strings
in parallel while it scans them, and only 64-bit integers cross into numpy, where Arrow's integer
dictionary encoding gives each distinct hash a code in order of first appearance (the order the
graph has always numbered entities in: every sender column first, then every receiver column).

Why two hashes: a 64-bit hash can collide, which would merge two addresses into one node. Every
address is therefore hashed twice, the second time behind a one-character prefix (a different
starting state, so an independent value), and the build checks that each code has one second hash.
A pair of different addresses colliding in both is beyond any realistic data set (about n² / 2¹²⁹);
a detected collision falls back to exact string codes.

Names (addresses, cluster names) and transaction hashes are not copied out of the store: they are
fetched by row id when an output needs them (a few hundred; ``names``), so no Python object exists
per transfer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.intel.store import to_arrow

_BATCH = 2000  # row ids per IN list: DuckDB answers these from the row groups that hold them
_SCAN_BATCH = 1 << 20  # rows per streamed batch of the scan
NO_TIME = np.iinfo(np.int64).min  # a transfer without a time
#: The scan's columns: name, SQL, numpy dtype.
_SCAN_COLUMNS = (
    ("row", "rowid", np.int64),
    ("f", "hash(from_address)", np.uint64),
    ("t", "hash(to_address)", np.uint64),
    ("f2", "hash('#' || from_address)", np.uint64),
    ("t2", "hash('#' || to_address)", np.uint64),
    ("a", "hash(asset)", np.uint64),
    ("time", f"coalesce(epoch_us(time), {NO_TIME})", np.int64),
    ("amount", "amount", np.float64),
)


def column(table: pa.Table, name: str) -> np.ndarray:
    """One numeric column as a numpy array (zero-copy when it is one chunk without nulls)."""
    chunks = table.column(name).chunks
    if not chunks:
        return np.zeros(0, table.schema.field(name).type.to_pandas_dtype())
    if len(chunks) == 1:
        return chunks[0].to_numpy(zero_copy_only=False)
    return np.concatenate([c.to_numpy(zero_copy_only=False) for c in chunks])


def _encode(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    codes = [c.indices.to_numpy(zero_copy_only=False) for c in chunks]
    dictionary = chunks[-1].dictionary.to_numpy(zero_copy_only=False)  # chunks share one dictionary
    return (codes[0] if len(codes) == 1 else np.concatenate(codes)).astype(np.int32, copy=False), dictionary


def first_appearance_codes(first: pa.ChunkedArray, then: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0.. in order of first appearance over ``first`` then ``then`` (int32), and the values.

    One pass of Arrow's hash table over both (no copy: the chunks are chained). Splitting the halves
    over two threads and merging the dictionaries was measured slower: the hash table is the cost.
    """
    return _encode(pa.chunked_array(first.chunks + then.chunks, first.type))


@dataclass
class TransferSource:
    """Where the transfers live: a DuckDB table (the store's, or a private copy of an Arrow table)."""

    con: duckdb.DuckDBPyConnection
    table: str
    clusters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_arrow(cls, transfers: pa.Table, clusters: dict[str, str] | None = None) -> TransferSource:
        """A private in-memory copy (tests, samples): a DuckDB table has the row ids lookups use."""
        con = duckdb.connect()
        con.register("_incoming", transfers)
        con.execute("CREATE TABLE transfers AS SELECT * FROM _incoming")
        con.unregister("_incoming")
        return cls(con, "transfers", dict(clusters or {}))

    def hashes(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The two hashes the index uses, for names given here (labels, seeds)."""
        if not names:
            return np.zeros(0, np.uint64), np.zeros(0, np.uint64)
        self.con.register("_names", pa.table({"name": pa.array(list(names), pa.string())}))
        try:
            got = to_arrow(self.con.sql("SELECT hash(name) AS h, hash('#' || name) AS h2 FROM _names"))
        finally:
            self.con.unregister("_names")
        return column(got, "h").astype(np.uint64), column(got, "h2").astype(np.uint64)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """No DuckDB progress bar on stderr during a scan (``trace follow`` prints its own output)."""
        shown = self.con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0]
        self.con.execute("SET enable_progress_bar = false")
        try:
            yield
        finally:
            self.con.execute(f"SET enable_progress_bar = {'true' if shown else 'false'}")

    def scan(self, *, assets: int = 2) -> dict[str, np.ndarray]:
        """Per transfer, in table order: both hashes of both parties, the asset's, time and amount.

        The second hash is of the address behind a prefix, an independent value (see the module
        docstring). Strings never leave DuckDB (an asset column alone cost more than all the hashes),
        and the result is streamed into preallocated arrays rather than materialised twice. Row ids
        come too (``row``) unless they are the table positions (a table never deleted from); the asset
        hash (``a``) only when there are several ``assets``.
        """
        n, last = self.con.execute(f"SELECT count(*), max(rowid) FROM {self.table}").fetchall()[0]
        columns = [
            (name, sql, dtype)
            for name, sql, dtype in _SCAN_COLUMNS
            if not (name == "row" and (n == 0 or last == n - 1)) and not (name == "a" and assets <= 1)
        ]
        out = {name: np.empty(n, dtype) for name, _, dtype in columns}
        at = 0
        with self._quiet():
            select = ", ".join(f"{sql} AS {name}" for name, sql, _ in columns)
            relation = self.con.sql(f"SELECT {select} FROM {self.table}")
            reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
            for batch in reader(_SCAN_BATCH):
                for i, (name, _, _) in enumerate(columns):
                    out[name][at : at + batch.num_rows] = batch.column(i).to_numpy(zero_copy_only=False)
                at += batch.num_rows
        if at != n:  # the table changed under us: better to fail than to index half of it
            raise RuntimeError(f"{self.table}: read {at} transfers, expected {n}")
        return out

    def assets(self) -> tuple[list[str], np.ndarray]:
        """The distinct assets in order of first appearance, and the hash of each."""
        with self._quiet():
            rows = self.con.execute(
                f"SELECT asset, hash(asset) FROM {self.table} GROUP BY asset ORDER BY min(rowid)"
            ).fetchall()
        return [r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.uint64)

    def strings(self, column_name: str, rows: Iterable[int]) -> dict[int, str]:
        """``column_name`` of the given row ids."""
        wanted = sorted({int(r) for r in rows})
        out: dict[int, str] = {}
        for i in range(0, len(wanted), _BATCH):
            ids = ", ".join(str(r) for r in wanted[i : i + _BATCH])
            query = f"SELECT rowid, {column_name} FROM {self.table} WHERE rowid IN ({ids})"
            out.update(self.con.execute(query).fetchall())
        return out

    def _exact_dictionary(self) -> pa.DictionaryArray:
        table = to_arrow(self.con.sql(f"SELECT from_address, to_address FROM {self.table}"))
        both = pa.chunked_array(
            table.column("from_address").chunks + table.column("to_address").chunks, pa.string()
        )
        return pc.dictionary_encode(self._clustered(both).combine_chunks())

    def exact_codes(self) -> tuple[np.ndarray, list[str]]:
        """Fallback after a hash collision: exact string codes of every sender, then every receiver
        (first appearance), and the entity names they stand for."""
        encoded = self._exact_dictionary()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.uint64)
        return codes, encoded.dictionary.to_pylist()

    def exact_asset_codes(self, assets: list[str]) -> np.ndarray:
        """Fallback after a hash collision: per transfer, the position of its asset in ``assets``."""
        table = to_arrow(self.con.sql(f"SELECT asset FROM {self.table}"))
        found = pc.index_in(table.column("asset"), value_set=pa.array(assets, pa.string()))
        return column(pa.table({"a": found}), "a").astype(np.int64)

    def _clustered(self, names: pa.ChunkedArray) -> pa.ChunkedArray:
        if not self.clusters:
            return names
        idx = pc.index_in(names, value_set=pa.array(list(self.clusters), pa.string()))
        mapped = pc.take(pa.array(list(self.clusters.values()), pa.string()), idx)
        return pc.if_else(pc.is_valid(idx), mapped, names)

    def cluster_hashes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(address h, address h2, cluster h, cluster h2) of every clustered address."""
        h, h2 = self.hashes(list(self.clusters))
        c, c2 = self.hashes(list(self.clusters.values()))
        return h, h2, c, c2


def apply_clusters(source: TransferSource, h: np.ndarray, h2: np.ndarray) -> None:
    """Replace (in place) the hashes of clustered addresses by those of their cluster's name."""
    if not source.clusters or not len(h):
        return
    ah, ah2, ch, ch2 = source.cluster_hashes()
    order = np.argsort(ah)
    sorted_h = ah[order]
    k = np.minimum(np.searchsorted(sorted_h, h), len(sorted_h) - 1)
    hit = (sorted_h[k] == h) & (ah2[order][k] == h2)
    h[hit] = ch[order][k[hit]]
    h2[hit] = ch2[order][k[hit]]
