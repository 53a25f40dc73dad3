"""Predicate results per distinct field value, remembered from one batch to the next.

A hunt reads its logs in batches, and the values rules test repeat across batches far more than
within one: the same ``Image``, ``ParentImage``, ``Channel`` or ``CommandLine`` comes back in every
batch of a host's logs. The engine answers each predicate once per distinct value of a batch;
without a memory it pays that again for every batch (the Aho-Corasick scans and the regular
expressions were most of a batch's cost). ``ValueMemo`` gives every value of a field a slot the
first time it is seen and keeps the answers per slot, so a later batch only computes the values it
brings that are new.

Two kinds of answers are kept:

- ``SlotTable``: one predicate, one boolean per slot (regular expressions, comparisons, equality
  tests outside a field plan);
- ``ScanTable``: a field plan's scan, where thousands of predicates test one field (``CommandLine``
  has thousands of substrings) and almost all answers are false: per slot, the list of predicates
  that hold, stored flat (CSR), and spread back into a dense predicates x values table per batch.

Memory is bounded: a field that has seen ``max_values`` distinct values, or whose values take more
than ``max_bytes``, is forgotten and starts again (a field of unique values, a GUID or a command line
with a random name in it, gains nothing from a memory anyway), and when all fields together pass
``max_total`` the largest memories are dropped first.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

#: Distinct values remembered per field before its memory is dropped and started again.
MAX_VALUES = 200_000
#: Bytes of value text remembered per field before the same.
MAX_BYTES = 32 << 20
#: Bytes remembered over all fields (keyword rules make every field of the logs remembered).
MAX_TOTAL = 64 << 20
#: Bytes a remembered value costs beyond its text (its dictionary entry and string object).
OVERHEAD = 120


def _grow(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` with at least ``size`` elements along its last axis, new ones zero."""
    have = array.shape[-1]
    if size <= have:
        return array
    grown = np.zeros((*array.shape[:-1], max(size, 2 * have, 64)), dtype=array.dtype)
    grown[..., :have] = array
    return grown


class SlotTable:
    """One predicate's answer per slot, and which slots have one."""

    __slots__ = ("done", "result")

    def __init__(self) -> None:
        self.done = np.zeros(0, dtype=bool)
        self.result = np.zeros(0, dtype=bool)

    def fit(self, size: int) -> None:
        self.done = _grow(self.done, size)
        self.result = _grow(self.result, size)

    def store(self, slots: np.ndarray, answers: np.ndarray) -> None:
        self.result[slots] = answers
        self.done[slots] = True


class ScanTable:
    """A field plan's answers: per slot, the indexes of the plan's predicates that hold (CSR)."""

    __slots__ = ("done", "start", "count", "flat", "used")

    def __init__(self) -> None:
        self.done = np.zeros(0, dtype=bool)
        self.start = np.zeros(0, dtype=np.int64)
        self.count = np.zeros(0, dtype=np.int32)
        self.flat = np.zeros(1024, dtype=np.int32)
        self.used = 0

    def fit(self, size: int) -> None:
        self.done = _grow(self.done, size)
        self.start = _grow(self.start, size)
        self.count = _grow(self.count, size)

    def store(self, slots: np.ndarray, value: np.ndarray, pred: np.ndarray) -> None:
        """The answers for the values in ``slots``: predicate ``pred[k]`` holds for the value
        ``slots[value[k]]`` (every other predicate does not)."""
        order = np.argsort(value, kind="stable")
        value, pred = value[order], pred[order]
        counts = np.bincount(value, minlength=len(slots)).astype(np.int32)
        total = len(pred)
        if self.used + total > len(self.flat):
            self.flat = _grow(self.flat, self.used + total)
        starts = self.used + np.concatenate(([0], np.cumsum(counts[:-1], dtype=np.int64)))
        self.flat[self.used:self.used + total] = pred
        self.used += total
        self.start[slots] = starts
        self.count[slots] = counts
        self.done[slots] = True

    def spread(self, slots: np.ndarray, out: np.ndarray) -> None:
        """Set ``out[predicate, i]`` for every predicate that holds for the value in ``slots[i]``."""
        counts = self.count[slots]
        total = int(counts.sum())
        if not total:
            return
        columns = np.repeat(np.arange(len(slots)), counts)
        firsts = np.repeat(self.start[slots], counts)
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        out[self.flat[firsts + within], columns] = True


class FieldSlots:
    """The slots of one field's values and the tables of the predicates on that field."""

    __slots__ = ("slot_of", "tables", "bytes")

    def __init__(self) -> None:
        self.slot_of: dict[str | None, int] = {}
        self.tables: dict[Hashable, SlotTable | ScanTable] = {}
        self.bytes = 0

    def slots(self, values: list[str | None]) -> np.ndarray:
        slot_of = self.slot_of
        get = slot_of.setdefault
        return np.fromiter((get(v, len(slot_of)) for v in values), dtype=np.int64, count=len(values))

    def slot_table(self, key: Hashable) -> SlotTable:
        return self._table(key, SlotTable)  # type: ignore[return-value]

    def scan_table(self, key: Hashable) -> ScanTable:
        return self._table(key, ScanTable)  # type: ignore[return-value]

    def _table(self, key: Hashable, kind: type[SlotTable | ScanTable]) -> SlotTable | ScanTable:
        """The table kept under ``key``, made if new, grown to every slot of the field."""
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = kind()
        table.fit(len(self.slot_of))
        return table


class ValueMemo:
    """Every field's slots and predicate tables, for the life of one hunt."""

    def __init__(self, max_values: int = MAX_VALUES, max_bytes: int = MAX_BYTES,
                 max_total: int = MAX_TOTAL) -> None:
        self.max_values = max_values
        self.max_bytes = max_bytes
        self.max_total = max_total
        self.total = 0
        self._fields: dict[str, FieldSlots] = {}

    def field(self, key: str, values: list[str | None], nbytes: int) -> tuple[FieldSlots, np.ndarray]:
        """The field's memory and the slots of ``values`` (a batch's distinct values of the field,
        ``nbytes`` of text in all)."""
        memo = self._fields.get(key)
        if memo is None or len(memo.slot_of) + len(values) > self.max_values \
                or memo.bytes + nbytes > self.max_bytes:
            self._drop(key)
            memo = self._fields[key] = FieldSlots()
        before = len(memo.slot_of)
        slots = memo.slots(values)
        added = len(memo.slot_of) - before
        if added:
            cost = nbytes * added // len(values) + OVERHEAD * added
            memo.bytes += cost
            self.total += cost
            while self.total > self.max_total and len(self._fields) > 1:
                largest = max((k for k in self._fields if k != key), key=lambda k: self._fields[k].bytes)
                self._drop(largest)
        return memo, slots

    def _drop(self, key: str) -> None:
        memo = self._fields.pop(key, None)
        if memo is not None:
            self.total -= memo.bytes
