"""Column parsing shared by the loaders: CSV as strings, amounts, times, addresses, bad rows.

Every check is vectorised with Arrow; when one fails, only then are rows visited one by one, to
name the first bad line exactly (line = row + 2: the header is line 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geobuk.errors import InputError
from geobuk.trace.addresses import check_column


def read_csv(path: Path) -> pa.Table:
    """A CSV file with every column as text and column names lower-cased."""
    try:
        with path.open("rb") as fh:
            header = fh.readline().decode("utf-8-sig", errors="replace")
        names = [n.strip().strip('"').lower() for n in header.rstrip("\r\n").split(",")]
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except pa.ArrowInvalid as exc:
        message = str(exc).splitlines()[0]
        raise InputError(path, f"not a well-formed CSV: {message}") from None
    return table


def require(path: Path, table: pa.Table, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise InputError(
            path, f"missing column(s) {', '.join(missing)} (found: {', '.join(table.column_names)})"
        )


@dataclass
class RowChecks:
    """Bad rows found while parsing one file: raised at once, or skipped and listed."""

    path: Path
    rows: int
    skip_bad: bool
    keep: np.ndarray = field(init=False)
    problems: list[str] = field(default_factory=list)
    line_offset: int = 2

    def __post_init__(self) -> None:
        self.keep = np.ones(self.rows, dtype=bool)

    def reject(self, bad: np.ndarray, reason: str, first_detail: str = "") -> None:
        """Rows where ``bad`` is true are bad for ``reason``: raise for the first, or skip them all."""
        idx = np.flatnonzero(bad & self.keep)
        if not len(idx):
            return
        line = int(idx[0]) + self.line_offset
        detail = f"{reason}{': ' + first_detail if first_detail else ''}"
        if not self.skip_bad:
            raise InputError(self.path, detail, index=line, what="line")
        for i in idx[:20]:
            self.problems.append(f"{self.path}: line {int(i) + self.line_offset}: {reason} (skipped)")
        if len(idx) > 20:
            self.problems.append(f"{self.path}: {len(idx) - 20} more lines skipped: {reason}")
        self.keep &= ~bad


def amounts(
    checks: RowChecks, column: pa.Array | pa.ChunkedArray, what: str, scale: float = 1.0
) -> np.ndarray:
    """Non-negative numbers divided by ``scale`` (wei -> ETH, satoshi -> BTC); bad ones rejected."""
    text = pc.utf8_trim_whitespace(column)
    try:
        values = pc.cast(text, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        bad = ~np.isfinite(values) | (values < 0)
    except pa.ArrowInvalid:
        values = np.array([_float(v) for v in text.to_pylist()], dtype=np.float64)
        bad = np.isnan(values) | (values < 0)
    if bad.any():
        first = text[int(np.flatnonzero(bad)[0])].as_py()
        checks.reject(bad, f"{what} is not a non-negative number", repr(first))
    return np.where(bad, 0.0, values) / scale


def _float(value: str | None) -> float:
    try:
        return float(value) if value not in (None, "") else float("nan")
    except ValueError:
        return float("nan")


def times(
    checks: RowChecks, column: pa.Array | pa.ChunkedArray, what: str = "time", *, required: bool = True
) -> pa.Array:
    """Unix seconds or ISO 8601 (``Z``, ``+00:00`` or `` UTC`` suffix) as UTC timestamps."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    text = pc.utf8_trim_whitespace(column)
    text = pc.replace_substring_regex(text, r"(?i)(z| utc|\+00:?00)$", "")
    empty = pc.equal(text, "").to_numpy(zero_copy_only=False)
    numeric = pc.match_substring_regex(text, r"^\d+(\.\d+)?$").to_numpy(zero_copy_only=False)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    if numeric.any():
        secs = pc.cast(pc.filter(text, pa.array(numeric)), pa.float64()).to_numpy()
        out[numeric] = (secs * 1e6).astype("int64").astype("datetime64[us]")
    iso = ~numeric & ~empty
    if iso.any():
        sub = pc.filter(text, pa.array(iso))
        sub = pc.replace_substring(sub, "T", " ")
        try:
            parsed = pc.cast(sub, pa.timestamp("us")).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            parsed = np.array([_iso(v) for v in sub.to_pylist()], dtype="datetime64[us]")
        out[iso] = parsed
    bad = np.isnat(out) & (~empty | required)
    if bad.any():
        checks.reject(
            bad,
            f"{what} is not a date (unix seconds or ISO 8601)",
            repr(column[int(np.flatnonzero(bad)[0])].as_py()),
        )
    return pa.array(out, type=pa.timestamp("us"), mask=np.isnat(out))


def _iso(value: str) -> np.datetime64:
    try:
        return np.datetime64(value.replace(" ", "T"), "us")
    except ValueError:
        return np.datetime64("NaT")


def addresses(
    checks: RowChecks, column: pa.Array | pa.ChunkedArray, what: str, *, allow_empty: bool = False
) -> tuple[pa.Array, pa.Array]:
    """Canonical addresses and their chains; invalid ones rejected (empty ones too, unless allowed)."""
    text = pc.utf8_trim_whitespace(column)
    empty = pc.equal(text, "").to_numpy(zero_copy_only=False)
    if allow_empty and empty.any():
        text = pc.if_else(pa.array(empty), pa.scalar("0x" + "0" * 40), text)  # masked below
    checked = check_column(text)
    valid = pc.is_valid(checked.values).to_numpy(zero_copy_only=False)
    bad = ~valid & ~(empty if allow_empty else np.zeros(len(text), bool))
    if bad.any():
        checks.reject(bad, f"invalid {what} address", checked.bad_reason)
    values = checked.values
    if allow_empty and empty.any():
        values = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), values)
    return values, checked.chains


def sequence(keys: list[pa.Array]) -> np.ndarray:
    """The ordinal of each row among rows with the same key (identical transfers in one transaction)."""
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    n = table.num_rows
    if not n:
        return np.zeros(0, dtype=np.int32)
    table = table.append_column("_row", pa.array(np.arange(n)))
    order = table.sort_by([(f"k{i}", "ascending") for i in range(len(keys))] + [("_row", "ascending")])
    rows = order.column("_row").to_numpy()
    same = np.ones(n, dtype=bool)
    for i in range(len(keys)):
        col = order.column(f"k{i}").combine_chunks()
        same[1:] &= pc.fill_null(pc.equal(col.slice(1), col.slice(0, n - 1)), False).to_numpy(
            zero_copy_only=False
        )
    same[0] = False
    start = np.where(~same, np.arange(n), 0)
    np.maximum.accumulate(start, out=start)
    seq = np.empty(n, dtype=np.int32)
    seq[rows] = (np.arange(n) - start).astype(np.int32)
    return seq
