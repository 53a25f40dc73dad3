"""Evaluate compiled detections over a batch of events held in an Arrow table.

Log values repeat heavily (the same ``Image``, ``ParentImage`` or ``Channel`` on thousands of
events), so every column is dictionary-encoded once per batch and each predicate is evaluated once
per *distinct* value, then mapped back to rows through the dictionary codes; predicate results are
shared by all rules that test the same thing. Expressions are evaluated on shrinking row subsets: an
``And`` only looks at rows its earlier terms kept, an ``Or`` only at rows not yet matched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.answers import answer, scan_values, to_bool
from geobuk.detect.ir import And, CompiledRule, Const, Detection, Expr, Keyword, LogFilter, Not, Or, Pred
from geobuk.detect.memo import FieldSlots, ValueMemo
from geobuk.detect.plan import SCANNED_OPS, FieldPlan, Plan, keyword_pred

#: Columns geobuk adds to every event (file, record number...): never searched by keywords.
META_PREFIX = "_"
#: Operators costly per value (a regular expression, parsing a number, an address or a date): they
#: are answered only for the values of the rows that ask, not for every distinct value of the batch.
LAZY_OPS = frozenset({"regex", "glob", "lt", "lte", "gt", "gte", "cidr", "timepart"})
#: Operators answered without looking at values: no memory needed.
PRESENCE_OPS = frozenset({"exists", "missing", "null"})


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

    __slots__ = ("codes", "values", "key", "_lowered", "_memo", "_slots")

    def __init__(self, array: pa.Array, key: str) -> None:
        if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
            array = pc.cast(array, pa.string())
        self.key = key
        encoded = pc.dictionary_encode(array)
        self.values: pa.Array = encoded.dictionary
        self.codes = encoded.indices.fill_null(len(self.values)).to_numpy(zero_copy_only=False)
        self._lowered: pa.Array | None = None
        self._memo: FieldSlots | None = None
        self._slots: np.ndarray | None = None

    @property
    def lowered(self) -> pa.Array:
        if self._lowered is None:
            self._lowered = pc.utf8_lower(self.values)
        return self._lowered

    def slots(self, memo: ValueMemo) -> tuple[FieldSlots, np.ndarray]:
        """The field's memory and each distinct value's slot in it (asked once per batch)."""
        if self._memo is None or self._slots is None:
            self._memo, self._slots = memo.field(self.key, self.values.to_pylist(), self.values.nbytes)
        return self._memo, self._slots

    def present_codes(self, rows: np.ndarray) -> np.ndarray:
        """The distinct-value codes ``rows`` hold (absent values left out)."""
        codes = np.unique(self.codes[rows])
        return codes[: np.searchsorted(codes, len(self.values))]


def _presence(pred: Pred, col: _Column) -> np.ndarray:
    """exists / missing / null per distinct value, plus the absent-value slot."""
    n = len(col.values)
    if pred.op == "exists":
        return np.append(np.ones(n, dtype=bool), False)
    if pred.op == "missing":
        return np.append(np.zeros(n, dtype=bool), True)
    return np.append(to_bool(pc.equal(col.values, "")), True)


class _Pairs:
    """A batch's rows grouped by their (channel, event id) pair: ``order`` lists the rows pair after
    pair (ascending within each), ``bounds[i]:bounds[i + 1]`` are pair i's; ``channel[i]`` and
    ``event_id[i]`` are the pair's codes into ``channels`` and ``event_ids`` (lower-cased distinct
    values; the code one past the end is an absent value)."""

    def __init__(self, channel: _Column | None, event_id: _Column | None, num_rows: int) -> None:
        self.channels: list[str] = channel.lowered.to_pylist() if channel is not None else []
        self.event_ids: list[str] = event_id.lowered.to_pylist() if event_id is not None else []
        ch = channel.codes if channel is not None else np.zeros(num_rows, dtype=np.int64)
        eid = event_id.codes if event_id is not None else np.zeros(num_rows, dtype=np.int64)
        width = len(self.event_ids) + 1
        pairs, inverse = np.unique(ch.astype(np.int64) * width + eid, return_inverse=True)
        self.channel, self.event_id = pairs // width, pairs % width
        self.order = np.argsort(inverse, kind="stable")
        self.bounds = np.zeros(len(pairs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(inverse, minlength=len(pairs)), out=self.bounds[1:])


class Batch:
    """A table of events being hunted, with the caches that make repeated predicates cheap.

    ``memo`` remembers answers per distinct value across the batches of one hunt (see ``memo``);
    without one, the batch keeps its own.
    """

    def __init__(self, table: pa.Table, plan: Plan | None = None, memo: ValueMemo | None = None) -> None:
        self.table = table
        self.plan = plan
        self.memo = memo if memo is not None else ValueMemo()
        self.num_rows = table.num_rows
        # Several columns can share a key (Defender's "Process Name" and Security's "ProcessName" in
        # one batch): a rule reading the field sees whichever of them the event has.
        self._names: dict[str, list[str]] = {}
        for name in table.column_names:
            self._names.setdefault(field_key(name), []).append(name)
        self._group_codes: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._columns: dict[str, _Column | None] = {}
        self._preds: dict[Pred, np.ndarray] = {}
        self._filters: dict[LogFilter, np.ndarray] = {}
        self._group_ids: set[int] = set()
        self._keyword_results: dict[FieldPlan, list[tuple[_Column, np.ndarray, np.ndarray]]] = {}
        self._pair_groups: _Pairs | None = None
        self._scans: dict[FieldPlan, tuple[np.ndarray, np.ndarray]] = {}
        self._possible: np.ndarray | None = None
        self._value_sets: dict[tuple[int, frozenset[str]], np.ndarray] = {}
        self._own_plans: dict[Pred, FieldPlan] = {}

    # ---------------------------------------------------------------- columns
    def column(self, field: str) -> _Column | None:
        key = field_key(field)
        if key not in self._columns:
            names = self._names.get(key)
            if not names:
                self._columns[key] = None
            else:
                arrays = [self.table.column(n).combine_chunks() for n in names]
                merged = arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)
                self._columns[key] = _Column(merged, key)
        return self._columns[key]

    def searchable_fields(self) -> list[str]:
        return [n for n in self.table.column_names if not n.startswith(META_PREFIX)]

    def _slots(self, col: _Column) -> tuple[FieldSlots, np.ndarray]:
        return col.slots(self.memo)

    # ---------------------------------------------------------------- predicates
    def pred_rows(self, pred: Pred, rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``rows``: where the predicate holds."""
        if pred.op.startswith("fieldref"):
            return self._fieldref(pred, rows)
        col = self.column(pred.field)
        if col is None:
            return np.full(len(rows), pred.op in ("missing", "null"))
        return self._pred_table(pred, col, rows)[self._codes(pred.field, col, rows)]

    def _pred_table(self, pred: Pred, col: _Column, rows: np.ndarray | None = None) -> np.ndarray:
        """The predicate per distinct value of its column, plus the absent-value slot.

        Costly operators (``LAZY_OPS``) asked for some ``rows`` are answered for those rows' values
        only; the table then holds False for the others, and is not kept for the batch.
        """
        table = self._preds.get(pred)
        if table is not None:
            return table
        if pred.op in PRESENCE_OPS:
            table = self._preds[pred] = _presence(pred, col)
            return table
        plan = self._plan_for(pred)
        if plan is not None:
            table = self._preds[pred] = self._scanned(plan, col)[0][plan.index[pred]]
            return table
        memo, slots = self._slots(col)
        known = memo.slot_table(pred)
        lazy = rows is not None and pred.op in LAZY_OPS
        positions = col.present_codes(rows) if lazy else np.arange(len(slots))
        positions = positions[~known.done[slots[positions]]]
        if len(positions):
            values = col.values.take(pa.array(positions))
            lowered = values if pred.cased else pc.utf8_lower(values)
            known.store(slots[positions], answer(pred, values, lowered))
        table = np.append(known.result[slots], False)
        if not lazy:
            self._preds[pred] = table
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

    def _plan_for(self, pred: Pred) -> FieldPlan | None:
        """The field plan that answers ``pred`` with all the other string tests of its field."""
        if self.plan is None or (pred.op != "eq" and pred.op not in SCANNED_OPS):
            return None
        plan = self.plan.for_pred(pred)
        return plan if plan is not None and pred in plan.index else None

    def _scanned(self, plan: FieldPlan, col: _Column) -> tuple[np.ndarray, np.ndarray]:
        """Every string test of one field for all its distinct values at once (once a batch): the
        tests x values table and which tests hold for any value (rows looked up by ``plan.index``)."""
        found = self._scans.get(plan)
        if found is None:
            found = self._scans[plan] = self._scan_results(plan, col)
        return found

    def _scan_results(self, plan: FieldPlan, col: _Column) -> tuple[np.ndarray, np.ndarray]:
        """The plan's tests x the column's distinct values (plus the absent slot), and which tests
        hold for any value: values met in earlier batches from the memory, new ones in one pass of
        the plan's automaton."""
        memo, slots = self._slots(col)
        known = memo.scan_table(plan)
        positions = np.flatnonzero(~known.done[slots])
        if len(positions):
            values = col.values if plan.preds[0].cased else col.lowered
            if len(positions) < len(slots):
                values = values.take(pa.array(positions))
            known.store(slots[positions], *scan_values(plan, values.to_pylist()))
        n = len(slots)
        results = np.zeros((len(plan.preds), n + 1), dtype=bool)
        known.spread(slots, results)
        for index in plan.always:
            results[index, :n] = True
        return results, results[:, :n].any(axis=1)

    def _fieldref(self, pred: Pred, rows: np.ndarray) -> np.ndarray:
        left, right = self.column(pred.field), self.column(str(pred.value))
        if left is None or right is None or not len(left.values) or not len(right.values):
            return np.zeros(len(rows), dtype=bool)  # a field absent (or empty in every event) matches nothing
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
        """Where some field's value passes the keyword's test. Plain string keywords are answered
        per distinct value of each field, with every keyword of the rule set in one scan (and the
        memory across batches), instead of searching a text of all of each event's values: a
        batch's values repeat, its events' texts do not."""
        mask = np.zeros(len(rows), dtype=bool)
        pred = keyword_pred(kw)
        if pred is None:
            for field in self.searchable_fields():
                remaining = np.flatnonzero(~mask)
                if not len(remaining):
                    break
                hit = self.pred_rows(Pred(field, kw.op, kw.value, kw.cased, kw.flags), rows[remaining])
                mask[remaining[hit]] = True
            return mask
        plan = self.plan.for_pred(pred) if self.plan is not None else None
        if plan is None or pred not in plan.index:
            plan = self._keyword_plan(pred)
        index = plan.index[pred]
        for col, results, held in self._keyword_tables(plan):
            if held[index]:
                todo = np.flatnonzero(~mask)
                if not len(todo):
                    break
                mask[todo] = results[index][col.codes[rows[todo]]]
        return mask

    def _keyword_plan(self, pred: Pred) -> FieldPlan:
        """A plan of one keyword test, for a batch matched without a rule set's plan."""
        plan = self._own_plans.get(pred)
        if plan is None:
            plan = self._own_plans[pred] = FieldPlan()
            plan.add(pred)
            plan.finish()
        return plan

    def _keyword_tables(self, plan: FieldPlan) -> list[tuple[_Column, np.ndarray, np.ndarray]]:
        """For each searchable field in which some keyword of the plan holds: its column, the
        keywords x distinct values table and which keywords hold in it (computed once a batch)."""
        tables = self._keyword_results.get(plan)
        if tables is None:
            tables = []
            may_hold = self._text_may_hold(plan)
            for key, names in self._names.items():
                if all(name.startswith(META_PREFIX) for name in names):
                    continue
                if not any(name in may_hold for name in names):
                    continue
                col = self.column(key)
                if col is None:
                    continue
                results, held = self._scan_results(plan, col)
                if held.any():
                    tables.append((col, results, held))
            self._keyword_results[plan] = tables
        return tables

    def _text_may_hold(self, plan: FieldPlan) -> set[str]:
        """The columns for which some test of ``plan`` may hold, judged from each column's text at
        once (its values run together, as Arrow stores them) by one RE2 pass over all columns. A
        keyword is looked for in every field, and most fields of a batch hold none of them: the
        others are then neither encoded nor scanned value by value. A pattern found only across two
        values keeps its column (it is scanned as before), so the answer errs only towards
        scanning; so does any column with non-ASCII text, where RE2's case folding and the
        lower-casing the scan uses could differ."""
        names = [n for n in self.table.column_names if not n.startswith(META_PREFIX)]
        patterns = [str(p.value) for p in plan.preds]
        if not all(patterns):  # an empty pattern holds wherever the field is present
            return set(names)
        kept: set[str] = set()
        searched: list[str] = []  # the columns whose text is looked at
        sizes: list[int] = []  # the bytes of text of each
        buffers: list[pa.Buffer] = []  # their chunks' value buffers, joined once below
        for name in names:
            column = self.table.column(name)
            if column.null_count == len(column):
                continue
            if not pa.types.is_string(column.type):
                kept.add(name)
                continue
            held = [data for chunk in column.chunks if (data := chunk.buffers()[2]) is not None]
            searched.append(name)
            sizes.append(sum(data.size for data in held))
            buffers += held
        if not searched:
            return kept
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        joined = pa.LargeStringArray.from_buffers(len(sizes), pa.py_buffer(offsets),
                                                  pa.py_buffer(b"".join(buffers)))
        regex = "|".join(re.escape(p) for p in dict.fromkeys(patterns))  # as sigma/values.py does
        found = pc.match_substring_regex(joined, regex, ignore_case=not plan.preds[0].cased)
        maybe = pc.or_(found, pc.invert(pc.string_is_ascii(joined))).to_numpy(zero_copy_only=False)
        kept.update(name for name, hold in zip(searched, maybe.tolist(), strict=True) if hold)
        return kept

    # ---------------------------------------------------------------- expressions
    def _one_field_table(self, expr: Or | And, field: str,
                         rows: np.ndarray) -> tuple[_Column, np.ndarray] | None:
        """An Or/And of tests on one field, answered per distinct value: the tests' tables combined
        once per batch, so the rows are looked up once instead of once per test (not kept when a
        costly test was answered for these rows' values only)."""
        table = self._preds.get(expr)  # type: ignore[arg-type]
        col = self.column(field)
        if col is None:
            return None
        if table is None:
            args: tuple[Pred, ...] = expr.args  # type: ignore[assignment]
            parts = [self._pred_table(p, col, rows) for p in args]
            table = np.logical_or.reduce(parts) if isinstance(expr, Or) else np.logical_and.reduce(parts)
            if not any(p.op in LAZY_OPS for p in args):
                self._preds[expr] = table  # type: ignore[index]
        return col, table

    def eval(self, expr: Expr, rows: np.ndarray) -> np.ndarray:
        """Boolean mask over ``rows`` (row indices into the table) where ``expr`` holds."""
        if isinstance(expr, Pred):
            return self.pred_rows(expr, rows)
        if isinstance(expr, (Or, And)):
            field = single_field(expr)
            if field is not None:
                found = self._one_field_table(expr, field, rows)
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
        """Row indices of events a detection with this filter can match (ascending).

        Rows are grouped once per batch by their (channel, event id) pair, of which a batch has a
        few dozen: a filter then picks whole groups, at a cost that does not grow with the batch."""
        rows = self._filters.get(logfilter)
        if rows is None:
            if not logfilter.channels and not logfilter.event_ids:
                rows = np.arange(self.num_rows)
            else:
                pairs = self._pairs()
                ok = np.ones(len(pairs.channel), dtype=bool)
                if logfilter.channels:
                    ok &= self._value_in(pairs.channels, logfilter.channels)[pairs.channel]
                if logfilter.event_ids:
                    ok &= self._value_in(pairs.event_ids, logfilter.event_ids)[pairs.event_id]
                bounds = pairs.bounds
                chosen = [pairs.order[bounds[i]:bounds[i + 1]] for i in np.flatnonzero(ok).tolist()]
                rows = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
            self._filters[logfilter] = rows
            self._group_ids.add(id(rows))
        return rows

    def _pairs(self) -> _Pairs:
        if self._pair_groups is None:
            self._pair_groups = _Pairs(self.column("Channel"), self.column("EventID"), self.num_rows)
        return self._pair_groups

    def _value_in(self, values: list[str], wanted: frozenset[str]) -> np.ndarray:
        """Which of a column's (lower-cased) distinct values are in ``wanted``, plus the absent slot."""
        table = self._value_sets.get((id(values), wanted))
        if table is None:
            table = np.array([v in wanted for v in values] + [False], dtype=bool)
            self._value_sets[(id(values), wanted)] = table
        return table

    def detection_rows(self, detection: Detection) -> np.ndarray:
        rows = self.filter_rows(detection.logfilter)
        if not len(rows) or not self._detection_may_hold(detection):
            return rows[:0]
        return rows[self.eval(detection.expr, rows)]

    def _detection_may_hold(self, detection: Detection) -> bool:
        """False when the plan's prune tree (``prune``) rules the detection out for this batch; a
        detection outside the plan's rule set is not pruned (its rows are simply evaluated)."""
        position = self.plan.prune.position(detection) if self.plan is not None else None
        if position is None:
            return True
        if self._possible is None:
            self._possible = self.plan.prune.possible(self._held_everywhere())  # type: ignore[union-attr]
        return bool(self._possible[position])

    def _held_everywhere(self) -> np.ndarray:
        """For every test of the plan's prune tree, whether some value of the batch passes it
        (decided from the per-distinct-value tables alone: no row is looked at)."""
        plan = self.plan
        assert plan is not None
        held = np.ones(len(plan.prune.preds), dtype=bool)
        for key, field_plan in plan.fields.items():
            ids = plan.prune_ids[key]
            known = ids >= 0
            if not known.any():
                continue  # keywords: they are no Pred of any expression
            col = self.column(key[0])
            held[ids[known]] = False if col is None else self._scanned(field_plan, col)[1][known]
        for index in plan.other_preds:
            held[index] = self._held_outside_plans(plan.prune.preds[index])
        return held

    def _held_outside_plans(self, pred: Pred) -> bool:
        """A test no field plan answers: costly ones (regexes, comparisons, field references) count
        as possible without being asked."""
        if pred.op in LAZY_OPS or pred.op.startswith("fieldref"):
            return True
        col = self.column(pred.field)
        if col is None:
            return pred.op in ("missing", "null")
        return bool(self._pred_table(pred, col).any())


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
