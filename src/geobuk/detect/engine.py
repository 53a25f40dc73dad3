"""Evaluate compiled detections over a batch of events held in an Arrow table.

Log values repeat heavily (the same ``Image``, ``ParentImage`` or ``Channel`` on thousands of
events), so every column is dictionary-encoded once per batch and each predicate is evaluated once
per *distinct* value, then mapped back to rows through the dictionary codes; predicate results are
shared by all rules that test the same thing. Expressions are evaluated on shrinking row subsets: an
``And`` only looks at rows its earlier terms kept, an ``Or`` only at rows not yet matched.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.ir import And, CompiledRule, Const, Detection, Expr, Keyword, LogFilter, Not, Or, Pred
from geobuk.detect.plan import RAW_FIELD, SCANNED_OPS, SEPARATOR, FieldPlan, Plan, keyword_pred

#: Columns geobuk adds to every event (file, record number...): never searched by keywords.
META_PREFIX = "_"


@functools.lru_cache(maxsize=65536)
def field_key(name: str) -> str:
    """Field names match ignoring case and spaces: rules say ``ThreatName`` where Windows Defender's
    events say ``Threat Name``, and ``ProcessId`` where others say ``ProcessID``."""
    return name.casefold().replace(" ", "")


@functools.lru_cache(maxsize=200_000)
def single_field(expr: Or | And) -> str | None:
    """The field an Or/And tests if all its terms are plain tests of that one field, else None."""
    fields = set()
    for arg in expr.args:
        if not isinstance(arg, Pred) or arg.op.startswith("fieldref"):
            return None
        fields.add(field_key(arg.field))
        if len(fields) > 1:
            return None
    return fields.pop() if fields else None


class _Column:
    """One column, dictionary-encoded: codes per row (null -> the sentinel code ``len(values)``)."""

    __slots__ = ("codes", "values", "_lowered", "_ips")

    def __init__(self, array: pa.Array) -> None:
        if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
            array = pc.cast(array, pa.string())
        encoded = pc.dictionary_encode(array)
        self.values: pa.Array = encoded.dictionary
        self.codes = encoded.indices.fill_null(len(self.values)).to_numpy(zero_copy_only=False)
        self._lowered: pa.Array | None = None
        self._ips: tuple[np.ndarray, np.ndarray] | None = None

    def in_network(self, network: str) -> np.ndarray:
        """Which distinct values are addresses inside ``network``: each value is parsed once per batch
        (as a version and an integer), then every CIDR test is two integer comparisons."""
        if self._ips is None:
            versions = np.zeros(len(self.values), dtype=np.int8)
            numbers = [0] * len(self.values)
            for i, v in enumerate(self.values.to_pylist()):
                if v:
                    with contextlib.suppress(ValueError):
                        address = ipaddress.ip_address(v.strip())
                        versions[i], numbers[i] = address.version, int(address)
            self._ips = (versions, np.array(numbers, dtype=object))
        versions, numbers = self._ips
        net = ipaddress.ip_network(network, strict=False)
        low, high = int(net.network_address), int(net.broadcast_address)
        same = versions == net.version
        if net.version == 4:
            ints = np.where(same, numbers, 0).astype(np.int64)
            return same & (ints >= low) & (ints <= high)
        out = np.zeros(len(self.values), dtype=bool)
        for i in np.flatnonzero(same):
            out[i] = low <= numbers[i] <= high
        return out

    @property
    def lowered(self) -> pa.Array:
        if self._lowered is None:
            self._lowered = pc.utf8_lower(self.values)
        return self._lowered


def _with_sentinel(result: pa.Array | np.ndarray, fill: bool = False) -> np.ndarray:
    """A per-distinct-value boolean array, plus one slot for rows where the field is absent."""
    if isinstance(result, (pa.Array, pa.ChunkedArray)):
        result = result.fill_null(False).to_numpy(zero_copy_only=False)
    return np.append(np.asarray(result, dtype=bool), fill)


def _python_regex(values: pa.Array, pattern: str, flags: str) -> np.ndarray:
    """Regexes RE2 refuses (lookaround, backreferences) run with Python's ``re``, per distinct value."""
    compiled = re.compile(pattern, sum(getattr(re, f.upper()) for f in flags) if flags else 0)
    return np.array([v is not None and compiled.search(v) is not None for v in values.to_pylist()],
                    dtype=bool)


def _numbers(values: pa.Array) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.to_pylist()):
        if v is None:
            continue
        try:
            out[i] = float(v)
        except ValueError:
            with contextlib.suppress(ValueError):
                out[i] = float(int(v, 0))  # hex such as 0x1F
    return out


def _time_parts(values: pa.Array, part: str) -> np.ndarray:
    """One part (hour, day...) of each distinct timestamp value; NaN where it is not a timestamp."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.to_pylist()):
        if not v:
            continue
        try:
            t = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            continue
        out[i] = {"minute": t.minute, "hour": t.hour, "day": t.day, "month": t.month, "year": t.year,
                  "week": t.isocalendar().week}[part]
    return out


class Batch:
    """A table of events being hunted, with the caches that make repeated predicates cheap."""

    def __init__(self, table: pa.Table, plan: Plan | None = None) -> None:
        self.table = table
        self.plan = plan
        self.num_rows = table.num_rows
        # Several columns can share a key (Defender's "Process Name" and Security's "ProcessName" in
        # one batch): a rule reading the field sees whichever of them the event has.
        self._names: dict[str, list[str]] = {}
        for name in table.column_names:
            self._names.setdefault(field_key(name), []).append(name)
        self._group_codes: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._columns: dict[str, _Column | None] = {}
        self._preds: dict[Pred, np.ndarray] = {}
        self._filters: dict[tuple, np.ndarray] = {}
        self._group_ids: set[int] = set()

    # ---------------------------------------------------------------- columns
    def column(self, field: str) -> _Column | None:
        key = field_key(field)
        if key not in self._columns:
            if key == RAW_FIELD:
                self._columns[key] = _Column(self._raw())
            else:
                names = self._names.get(key)
                if not names:
                    self._columns[key] = None
                else:
                    arrays = [self.table.column(n).combine_chunks() for n in names]
                    self._columns[key] = _Column(arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays))
        return self._columns[key]

    def _raw(self) -> pa.Array:
        """Every searchable value of each event joined by a separator (with one at each end), so a
        keyword is one substring test: ``\x1fvalue\x1f`` is an exact value, ``\x1fvalue`` a prefix."""
        columns = [self.table.column(n) for n in self.searchable_fields()]
        if not columns:
            return pa.array([SEPARATOR * 2] * self.num_rows)
        joined = pc.binary_join_element_wise(*columns, SEPARATOR, null_handling="skip")
        return pc.binary_join_element_wise(SEPARATOR, joined, SEPARATOR, SEPARATOR).combine_chunks()

    def searchable_fields(self) -> list[str]:
        return [n for n in self.table.column_names if not n.startswith(META_PREFIX)]

    # ---------------------------------------------------------------- predicates
    def _distinct(self, pred: Pred, col: _Column) -> np.ndarray:
        """The predicate on each distinct value of its column (plus the absent-value slot)."""
        op, value = pred.op, pred.value
        if op == "exists":
            return _with_sentinel(np.ones(len(col.values), dtype=bool))
        if op == "missing":
            return _with_sentinel(np.zeros(len(col.values), dtype=bool), fill=True)
        if op == "null":
            return _with_sentinel(pc.equal(col.values, ""), fill=True)
        data = col.values if pred.cased else col.lowered
        if op == "eq":
            return _with_sentinel(pc.equal(data, value))
        if op == "contains":
            return _with_sentinel(pc.match_substring(data, value))
        if op == "startswith":
            return _with_sentinel(pc.starts_with(data, value))
        if op == "endswith":
            return _with_sentinel(pc.ends_with(data, value))
        if op == "glob":
            return _with_sentinel(self._regex(data, f"^(?:{value})$", "s"))
        if op == "regex":
            return _with_sentinel(self._regex(col.values, value, pred.flags))
        if op in ("lt", "lte", "gt", "gte"):
            nums = _numbers(col.values)
            with np.errstate(invalid="ignore"):
                cmp = {"lt": nums < value, "lte": nums <= value, "gt": nums > value, "gte": nums >= value}
            return _with_sentinel(cmp[op])
        if op == "cidr":
            return _with_sentinel(col.in_network(str(value)))
        if op == "timepart":
            return _with_sentinel(_time_parts(col.values, pred.flags) == value)
        raise ValueError(f"unknown operator {op}")

    @staticmethod
    def _regex(values: pa.Array, pattern: str, flags: str) -> np.ndarray | pa.Array:
        prefixed = f"(?{flags}){pattern}" if flags else pattern
        try:
            return pc.match_substring_regex(values, prefixed)
        except pa.ArrowInvalid:
            return _python_regex(values, pattern, flags)

    def pred_rows(self, pred: Pred, rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``rows``: where the predicate holds."""
        if pred.op.startswith("fieldref"):
            return self._fieldref(pred, rows)
        col = self.column(pred.field)
        if col is None:
            return np.full(len(rows), pred.op in ("missing", "null"))
        return self._pred_table(pred, col)[self._codes(pred.field, col, rows)]

    def _pred_table(self, pred: Pred, col: _Column) -> np.ndarray:
        """The predicate per distinct value of its column (plus the absent slot), computed once."""
        table = self._preds.get(pred)
        if table is None:
            scanned = self.plan and (pred.op == "eq" or pred.op in SCANNED_OPS)
            plan = self.plan.for_pred(pred) if scanned else None
            if plan is not None and pred in plan.index:
                self._scan(plan, col)
                table = self._preds[pred]
            else:
                table = self._preds[pred] = self._distinct(pred, col)
        return table

    def _codes(self, field: str, col: _Column, rows: np.ndarray) -> np.ndarray:
        """The column's codes for ``rows``; for a log-source group's rows (asked by every rule of the
        group) they are computed once."""
        key = (field_key(field), id(rows))
        cached = self._group_codes.get(key)
        if cached is not None and cached[0] is rows:
            return cached[1]
        codes = col.codes[rows]
        if id(rows) in self._group_ids:
            self._group_codes[key] = (rows, codes)
        return codes

    def _scan(self, plan: FieldPlan, col: _Column) -> None:
        """Answer every string test of one field in one pass over its distinct values."""
        values = (col.values if plan.preds[0].cased else col.lowered).to_pylist()
        n = len(values)
        results = np.zeros((len(plan.preds), n + 1), dtype=bool)
        for index in plan.always:
            results[index, :n] = True
        if plan.equals:
            positions: dict[str, list[int]] = {}  # lower-casing can merge distinct values
            for i, v in enumerate(values):
                positions.setdefault(v, []).append(i)
            for text, indexes in plan.equals.items():
                for i in positions.get(text, ()):
                    results[indexes, i] = True
        if plan.automaton is not None:
            entries = plan.entries
            iterate = plan.automaton.iter
            for i, value in enumerate(values):
                if not value:
                    continue
                last = len(value) - 1
                for end, slot in iterate(value):
                    entry = entries[slot]
                    if entry.contains:
                        results[entry.contains, i] = True
                    if entry.prefix and end + 1 == entry.length:
                        results[entry.prefix, i] = True
                    if entry.suffix and end == last:
                        results[entry.suffix, i] = True
        for pred, row in zip(plan.preds, results, strict=True):
            self._preds[pred] = row

    def _fieldref(self, pred: Pred, rows: np.ndarray) -> np.ndarray:
        left, right = self.column(pred.field), self.column(str(pred.value))
        if left is None or right is None:
            return np.zeros(len(rows), dtype=bool)
        a = pc.take(left.lowered, pa.array(np.minimum(left.codes[rows], len(left.values) - 1)))
        b = pc.take(right.lowered, pa.array(np.minimum(right.codes[rows], len(right.values) - 1)))
        present = (left.codes[rows] < len(left.values)) & (right.codes[rows] < len(right.values))
        if pred.op == "fieldref":
            result = pc.equal(a, b)
        else:
            test = str.startswith if pred.op == "fieldref_startswith" else str.endswith
            result = pa.array([x is not None and y is not None and test(x, y)
                               for x, y in zip(a.to_pylist(), b.to_pylist(), strict=True)])
        return present & result.fill_null(False).to_numpy(zero_copy_only=False)

    def keyword_rows(self, kw: Keyword, rows: np.ndarray) -> np.ndarray:
        raw = keyword_pred(kw)
        if raw is not None:
            return self.pred_rows(raw, rows)
        mask = np.zeros(len(rows), dtype=bool)
        for field in self.searchable_fields():
            remaining = np.flatnonzero(~mask)
            if not len(remaining):
                break
            hit = self.pred_rows(Pred(field, kw.op, kw.value, kw.cased, kw.flags), rows[remaining])
            mask[remaining[hit]] = True
        return mask

    # ---------------------------------------------------------------- expressions
    def _one_field_table(self, expr: Or | And, field: str) -> tuple[_Column, np.ndarray] | None:
        """An Or/And of tests on one field, answered per distinct value: the tests' tables combined
        once per batch, so the rows are looked up once instead of once per test."""
        table = self._preds.get(expr)  # type: ignore[arg-type]
        col = self.column(field)
        if col is None:
            return None
        if table is None:
            parts = [self._pred_table(p, col) for p in expr.args]  # type: ignore[arg-type]
            table = np.logical_or.reduce(parts) if isinstance(expr, Or) else np.logical_and.reduce(parts)
            self._preds[expr] = table  # type: ignore[index]
        return col, table

    def eval(self, expr: Expr, rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``rows`` (row indices into the table) where ``expr`` holds."""
        if isinstance(expr, Pred):
            return self.pred_rows(expr, rows)
        if isinstance(expr, (Or, And)):
            field = single_field(expr)
            if field is not None:
                found = self._one_field_table(expr, field)
                if found is None:  # the field is absent from the batch: only missing/null tests hold
                    held = [p.op in ("missing", "null") for p in expr.args]  # type: ignore[union-attr]
                    return np.full(len(rows), any(held) if isinstance(expr, Or) else all(held))
                col, table = found
                return table[self._codes(field, col, rows)]
        return self._eval_tree(expr, rows)

    def _eval_tree(self, expr: Expr, rows: np.ndarray) -> np.ndarray:
        if isinstance(expr, Pred):
            return self.pred_rows(expr, rows)
        if isinstance(expr, And):
            keep = np.arange(len(rows))
            for arg in expr.args:
                keep = keep[self.eval(arg, rows[keep])]
                if not len(keep):
                    break
            mask = np.zeros(len(rows), dtype=bool)
            mask[keep] = True
            return mask
        if isinstance(expr, Or):
            mask = np.zeros(len(rows), dtype=bool)
            todo = np.arange(len(rows))
            for arg in expr.args:
                hit = self.eval(arg, rows[todo])
                mask[todo[hit]] = True
                todo = todo[~hit]
                if not len(todo):
                    break
            return mask
        if isinstance(expr, Not):
            return ~self.eval(expr.arg, rows)
        if isinstance(expr, Keyword):
            return self.keyword_rows(expr, rows)
        if isinstance(expr, Const):
            return np.full(len(rows), expr.value)
        raise TypeError(f"not an expression: {expr!r}")

    # ---------------------------------------------------------------- log filters
    def filter_rows(self, logfilter: LogFilter) -> np.ndarray:
        """Row indices of events a detection with this filter can match."""
        key = logfilter.key
        rows = self._filters.get(key)
        if rows is None:
            mask = np.ones(self.num_rows, dtype=bool)
            for field, values in (("Channel", logfilter.channels), ("EventID", logfilter.event_ids)):
                if values:
                    mask &= self._in(field, values)
            rows = self._filters[key] = np.flatnonzero(mask)
            self._group_ids.add(id(rows))
        return rows

    def _in(self, field: str, values: frozenset[str]) -> np.ndarray:
        col = self.column(field)
        if col is None:
            return np.zeros(self.num_rows, dtype=bool)
        table = _with_sentinel(pc.is_in(col.lowered, value_set=pa.array(sorted(values))))
        return table[col.codes]

    def detection_rows(self, detection: Detection) -> np.ndarray:
        rows = self.filter_rows(detection.logfilter)
        if not len(rows):
            return rows
        return rows[self.eval(detection.expr, rows)]


def match_rules(batch: Batch, rules: Iterable[CompiledRule]) -> dict[str, np.ndarray]:
    """Rule id -> sorted row indices of the batch it matches (rules with no match are left out)."""
    out: dict[str, np.ndarray] = {}
    for rule in rules:
        hits = [batch.detection_rows(d) for d in rule.detections]
        hits = [h for h in hits if len(h)]
        if hits:
            rows = hits[0] if len(hits) == 1 else np.unique(np.concatenate(hits))
            prev = out.get(rule.id)
            out[rule.id] = rows if prev is None else np.union1d(prev, rows)
    return out
