"""What one predicate, or a field plan's many, answers for a list of field values.

The engine (``engine.Batch``) decides which values to ask about (each distinct value once, only
those not remembered from earlier batches, and for costly operators only those of the rows that
ask); this module only answers: string tests with Arrow compute, regular expressions with RE2 (or
Python's ``re`` for what RE2 refuses), numbers, addresses and dates parsed per value, and a field
plan's substring, prefix, suffix and equality tests in one pass of its automaton.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.ir import Pred
from geobuk.detect.plan import JOIN, FieldPlan


def _in_network(values: list[str | None], network: str) -> np.ndarray:
    """Which values are addresses inside ``network`` (a value that is no address is not)."""
    net = ipaddress.ip_network(network, strict=False)
    out = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if v:
            with contextlib.suppress(ValueError):
                address = ipaddress.ip_address(v.strip())
                out[i] = address.version == net.version and address in net
    return out


def to_bool(result: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    if isinstance(result, (pa.Array, pa.ChunkedArray)):
        result = result.fill_null(False).to_numpy(zero_copy_only=False)
    return np.asarray(result, dtype=bool)


def _python_regex(values: pa.Array, pattern: str, flags: str) -> np.ndarray:
    """Regexes RE2 refuses (lookaround, backreferences) run with Python's ``re``."""
    compiled = re.compile(pattern, sum(getattr(re, f.upper()) for f in flags) if flags else 0)
    return np.array([v is not None and compiled.search(v) is not None for v in values.to_pylist()],
                    dtype=bool)


# ``.{N,}``, ``.{N,M}`` or ``.{N}``: some stretch of N characters (no line break, unless the s flag).
_COUNTED_DOT = re.compile(r"\.\{(\d+)(?:,\d*)?\}")


def _counted_dot(values: pa.Array, least: int, dotall: bool) -> np.ndarray:
    """Whether each value has ``least`` characters in a row (on one line unless ``dotall``): what
    ``.{N,}`` asks (SigmaHQ's abnormal command line size rule, ``.{1000,}``). RE2 compiles a counted
    repetition into as many copies of its operand, 70 ms for that one, again on every call; line
    lengths give the same answer at once."""
    if dotall:
        return np.array([v is not None and len(v) >= least for v in values.to_pylist()], dtype=bool)
    return np.array([v is not None and max(map(len, v.split("\n"))) >= least for v in values.to_pylist()],
                    dtype=bool)


def _regex(values: pa.Array, pattern: str, flags: str) -> np.ndarray:
    counted = _COUNTED_DOT.fullmatch(pattern)
    if counted is not None:
        return _counted_dot(values, int(counted.group(1)), "s" in flags)
    prefixed = f"(?{flags}){pattern}" if flags else pattern
    try:
        return to_bool(pc.match_substring_regex(values, prefixed))
    except pa.ArrowInvalid:
        return _python_regex(values, pattern, flags)


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
    """One part (hour, day...) of each timestamp value; NaN where it is not a timestamp."""
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


def answer(pred: Pred, values: pa.Array, lowered: pa.Array) -> np.ndarray:
    """The predicate on each of ``values`` (``lowered``: the same values lower-cased)."""
    op, value = pred.op, pred.value
    data = values if pred.cased else lowered
    if op == "eq":
        return to_bool(pc.equal(data, value))
    if op == "contains":
        return to_bool(pc.match_substring(data, value))
    if op == "startswith":
        return to_bool(pc.starts_with(data, value))
    if op == "endswith":
        return to_bool(pc.ends_with(data, value))
    if op == "glob":
        return _regex(data, f"^(?:{value})$", "s")
    if op == "regex":
        return _regex(values, value, pred.flags)
    if op in ("lt", "lte", "gt", "gte"):
        nums = _numbers(values)
        with np.errstate(invalid="ignore"):
            cmp = {"lt": nums < value, "lte": nums <= value, "gt": nums > value, "gte": nums >= value}
        return cmp[op]
    if op == "cidr":
        return _in_network(values.to_pylist(), str(value))
    if op == "timepart":
        return _time_parts(values, pred.flags) == value
    raise ValueError(f"unknown operator {op}")


def scan_values(plan: FieldPlan, values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Every (value index, predicate index) pair where one of the plan's tests holds: equality by
    dictionary lookup, substrings, prefixes and suffixes by the automaton.

    The values are joined into one text and scanned in one call, so Python only sees the matches
    (few: most values match nothing), not every value; a match is placed in its value by its start
    offset, and is a prefix or suffix when it starts or ends with the value."""
    value_parts: list[np.ndarray] = []
    pred_parts: list[np.ndarray] = []
    if plan.equals:
        for i, value in enumerate(values):
            found = plan.equals.get(value)  # type: ignore[arg-type]
            if found:
                value_parts.append(np.full(len(found), i, dtype=np.int64))
                pred_parts.append(np.asarray(found, dtype=np.int64))
    if plan.automaton is not None and values:
        found_v, found_p = _scan_joined(plan, values) if plan.joinable else _scan_each(plan, values)
        value_parts.append(found_v)
        pred_parts.append(found_p)
    if not value_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(value_parts), np.concatenate(pred_parts)


def _scan_joined(plan: FieldPlan, values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    texts = [v or "" for v in values]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    found = list(plan.automaton.iter(JOIN.join(texts)))  # type: ignore[union-attr]
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ends, slots = np.array(found, dtype=np.int64).T
    first = ends - plan.lengths[slots] + 1
    value = np.searchsorted(starts, first, side="right") - 1
    return _expand(plan, value, slots, first == starts[value], ends == starts[value] + lengths[value] - 1)


def _scan_each(plan: FieldPlan, values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Value by value, for a plan with a pattern holding the joining character."""
    value, slots, prefix, suffix = [], [], [], []
    for i, text in enumerate(values):
        if not text:
            continue
        last = len(text) - 1
        for end, slot in plan.automaton.iter(text):  # type: ignore[union-attr]
            value.append(i)
            slots.append(slot)
            prefix.append(end + 1 == plan.lengths[slot])
            suffix.append(end == last)
    return _expand(plan, np.array(value, dtype=np.int64), np.array(slots, dtype=np.int64),
                   np.array(prefix, dtype=bool), np.array(suffix, dtype=bool))


def _expand(plan: FieldPlan, value: np.ndarray, slots: np.ndarray, at_start: np.ndarray,
            at_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Matches (value, pattern) to (value, predicate) pairs through the plan's per-pattern lists."""
    out_v, out_p = [], []
    for (pointers, flat), keep in ((plan.contains, None), (plan.prefix, at_start), (plan.suffix, at_end)):
        v, s = (value, slots) if keep is None else (value[keep], slots[keep])
        counts = pointers[s + 1] - pointers[s]
        total = int(counts.sum())
        if not total:
            continue
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        out_v.append(np.repeat(v, counts))
        out_p.append(flat[np.repeat(pointers[s], counts) + within])
    if not out_v:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_v), np.concatenate(out_p)
