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
from geobuk.detect.plan import FieldPlan


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


def _regex(values: pa.Array, pattern: str, flags: str) -> np.ndarray:
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


def scan_values(plan: FieldPlan, values: list[str | None]) -> list[list[int]]:
    """For each value, the indexes of the plan's predicates that hold (equality and the automaton's
    substring, prefix and suffix tests)."""
    hits: list[list[int]] = [[] for _ in values]
    equals = plan.equals
    if equals:
        for i, value in enumerate(values):
            found = equals.get(value)  # type: ignore[arg-type]
            if found:
                hits[i].extend(found)
    if plan.automaton is not None:
        entries = plan.entries
        iterate = plan.automaton.iter
        for i, value in enumerate(values):
            if not value:
                continue
            last = len(value) - 1
            out = hits[i]
            for end, slot in iterate(value):
                entry = entries[slot]
                if entry.contains:
                    out.extend(entry.contains)
                if entry.prefix and end + 1 == entry.length:
                    out.extend(entry.prefix)
                if entry.suffix and end == last:
                    out.extend(entry.suffix)
    return hits
