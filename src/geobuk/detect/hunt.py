"""A hunt: read logs batch by batch, match rules and indicators, correlate, and report findings.

Memory stays bounded by the batch size: each batch is matched and dropped; only findings (and the
few events correlation rules need) are kept.
"""

from __future__ import annotations

import gc
import operator
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from geobuk.detect.correlate import (
    CorrelationError,
    CorrelationHit,
    Match,
    evaluate,
    referenced_rules,
    suppressed_rules,
)
from geobuk.detect.engine import META_PREFIX, Batch, match_rules
from geobuk.detect.findings import Finding, level_rank
from geobuk.detect.indicators import IndicatorIndex, match_indicators
from geobuk.detect.ir import CompiledRule, Correlation
from geobuk.detect.memo import ValueMemo
from geobuk.detect.rulesets import RuleSet
from geobuk.sources import ReadProgress, iter_batches

#: Events a reading process gathers into one batch, and about how many a matched table holds (see
#: ``hunt``).
READ_BATCH = 20_000
MATCH_BATCH = 50_000


@dataclass
class HuntResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    events: int = 0
    sources: int = 0
    seconds: float = 0.0


@dataclass
class Attribution:
    """Actor names for rules and indicators, resolved through the intel store before the hunt."""

    rule_actor: Callable[[CompiledRule | Correlation], str | None] = lambda rule: None
    indicator_actor: dict[str, str] = field(default_factory=dict)


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _rows_as_dicts(table: pa.Table, rows: list[int]) -> list[tuple[dict, dict]]:
    """The given rows as (metadata, event) dicts of their present fields.

    Batches are wide (hundreds of fields, about thirty in any one event) and events of one kind
    have the same fields: rows are grouped by the set of fields they have, and each group's dicts
    are built from that group's columns alone, without a Python step per cell.
    """
    index = pa.array(rows, type=pa.int64())
    names: list[str] = []
    values: list[list] = []
    present: list[np.ndarray] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        taken = column.take(index)
        if taken.null_count < len(rows):
            names.append(name)
            values.append(taken.to_pylist())
            present.append(taken.is_valid().to_numpy(zero_copy_only=False))
    out: list[tuple[dict, dict]] = [({}, {})] * len(rows)
    if not names:
        return [({}, {}) for _ in rows]
    held = np.column_stack(present)
    shapes: dict[bytes, list[int]] = {}
    for i, shape in enumerate(map(bytes, np.packbits(held, axis=1))):
        shapes.setdefault(shape, []).append(i)
    for members in shapes.values():
        columns = np.flatnonzero(held[members[0]]).tolist()
        pick = operator.itemgetter(*members) if len(members) > 1 else (lambda seq, i=members[0]: (seq[i],))
        meta = [c for c in columns if names[c].startswith(META_PREFIX)]
        fields = [c for c in columns if not names[c].startswith(META_PREFIX)]
        meta_names, field_names = [names[c] for c in meta], [names[c] for c in fields]
        metas = zip(*(pick(values[c]) for c in meta), strict=True) if meta else ((),) * len(members)
        events = zip(*(pick(values[c]) for c in fields), strict=True) if fields else ((),) * len(members)
        for i, m, e in zip(members, metas, events, strict=True):
            out[i] = (dict(zip(meta_names, m, strict=True)), dict(zip(field_names, e, strict=True)))
    return out


class Hunter:
    """Holds what stays the same across batches: rules, the field plan, indicators, attribution."""

    def __init__(self, ruleset: RuleSet, *, indicators: IndicatorIndex | None = None,
                 attribution: Attribution | None = None, min_level: str = "informational") -> None:
        # Building makes many small objects that all live: collections meanwhile would only cost time.
        gc.disable()
        try:
            self._build(ruleset, indicators, attribution, min_level)
        finally:
            gc.enable()

    def _build(self, ruleset: RuleSet, indicators: IndicatorIndex | None, attribution: Attribution | None,
               min_level: str) -> None:
        self.min_rank = level_rank(min_level)
        self.problems: list[str] = []
        self.correlations = self._usable_correlations(ruleset)
        refs = referenced_rules(self.correlations, ruleset.rules) if self.correlations else {}
        self.referenced = set().union(*refs.values()) if refs else set()
        self.suppressed = suppressed_rules(self.correlations, ruleset.rules) if self.correlations else set()
        self.rules = [r for r in ruleset.rules
                      if r.id in self.referenced or (level_rank(r.level) >= self.min_rank
                                                     and r.id not in self.suppressed)]
        self.by_id = {r.id: r for r in self.rules}
        self.plan = ruleset.field_plan()
        self.memo = ValueMemo()  # answers per distinct value, kept from batch to batch
        self.indicators = indicators
        self.attribution = attribution or Attribution()
        self.actors = {r.id: self.attribution.rule_actor(r) for r in self.rules}
        self.matches: list[Match] = []

    def _usable_correlations(self, ruleset: RuleSet) -> list[Correlation]:
        """Correlations whose references resolve; the others are listed as problems, not fatal
        (a base rule that failed to load must not stop the whole hunt)."""
        usable = list(ruleset.correlations)
        while usable:
            try:
                referenced_rules(usable, ruleset.rules)
                return usable
            except CorrelationError:
                bad = []
                for corr in usable:
                    try:
                        referenced_rules([c for c in usable if c is corr or c not in bad], ruleset.rules)
                    except CorrelationError as exc:
                        bad.append(corr)
                        self.problems.append(f"{corr.source}: correlation {corr.title!r} skipped: {exc}")
                if not bad:
                    raise
                usable = [c for c in usable if c not in bad]
        return usable

    def batch(self, table: pa.Table) -> list[Finding]:
        """Findings of one batch (correlation inputs are kept for ``finish``)."""
        findings: list[Finding] = []
        hits = match_rules(Batch(table, self.plan, self.memo), self.rules)
        rows_needed = sorted({int(r) for rows in hits.values() for r in rows})
        indicator_hits = match_indicators(table, self.indicators) if self.indicators else []
        rows_needed = sorted(set(rows_needed) | {h[0] for h in indicator_hits})
        if not rows_needed:
            return findings
        # One event dict per row, shared by the findings of that row (nothing mutates it).
        row_of = dict(zip(rows_needed, _rows_as_dicts(table, rows_needed), strict=True))
        for rule_id, rows in hits.items():
            rule = self.by_id[rule_id]
            report = rule.id not in self.suppressed and level_rank(rule.level) >= self.min_rank
            for r in rows:
                row, event = row_of[int(r)]
                if rule.id in self.referenced:
                    ref = (row.get("_source") or "", row.get("_record") or "")
                    self.matches.append(Match(rule.id, rule.name, parse_time(row.get("_timestamp")),
                                              event, ref))
                if report:
                    findings.append(self._finding("sigma", rule.id, rule.title, rule.level, list(rule.tags),
                                                  self.actors.get(rule.id), None, row, event))
        for r, kind, value, oid, name in indicator_hits:
            indicator = {"id": oid, "type": kind, "value": value, "name": name}
            findings.append(self._finding("indicator", oid, f"Known indicator: {name or value}", "high",
                                          [], self.attribution.indicator_actor.get(oid), indicator,
                                          *row_of[r]))
        return findings

    def finish(self) -> list[Finding]:
        """Findings of the correlation rules, over the matches of every batch."""
        if not self.correlations:
            return []
        hits = evaluate(self.correlations, self.matches, self.rules)
        return [self._correlation_finding(hit) for hit in hits
                if level_rank(hit.correlation.level) >= self.min_rank]

    def _finding(self, kind: str, rule_id: str, title: str, level: str, tags: list[str],
                 actor: str | None, indicator: dict | None, row: dict, event: dict) -> Finding:
        return Finding(kind=kind, rule_id=rule_id, rule_title=title, level=level, tags=tags, actor=actor,
                       indicator=indicator, source_file=row.get("_source") or "",
                       record_id=row.get("_record"), timestamp=row.get("_timestamp"),
                       host=row.get("_host"), event=event)

    def _correlation_finding(self, hit: CorrelationHit) -> Finding:
        corr = hit.correlation
        first = hit.matches[0]
        return Finding(
            kind="correlation", rule_id=corr.id, rule_title=corr.title, level=corr.level,
            tags=list(corr.tags), actor=self.attribution.rule_actor(corr), indicator=None,
            source_file=first.ref[0], record_id=first.ref[1], timestamp=hit.first.isoformat(),
            host=first.event.get("Computer"),
            event={**hit.group, "count": str(hit.count), "first": hit.first.isoformat(),
                   "last": hit.last.isoformat()},
            related=[list(m.ref) for m in hit.matches])


def hunt(paths: Sequence[Path], ruleset: RuleSet, *, indicators: IndicatorIndex | None = None,
         attribution: Attribution | None = None, min_level: str = "informational", fmt: str | None = None,
         workers: int | None = None, batch_size: int = MATCH_BATCH,
         progress: Callable[[ReadProgress], None] | None = None) -> HuntResult:
    """Hunt every log under ``paths`` with ``ruleset`` and the indicators; see ``Hunter``.

    Sources are read in batches of at most ``READ_BATCH`` events (what a reading process holds as
    Python objects at once) and gathered here into tables of about ``batch_size`` events before
    matching, since matching has a fixed cost per table.
    """
    start = time.perf_counter()
    hunter = Hunter(ruleset, indicators=indicators, attribution=attribution, min_level=min_level)
    # The rules, their plan and automata (hundreds of thousands of objects) live as long as the hunt:
    # kept out of the cyclic collector's sight while matching, which allocates a lot, and given back
    # to it at the end, so a long-lived process (a server) does not keep them from being collected.
    gc.freeze()
    try:
        return _hunt(hunter, paths, fmt=fmt, workers=workers, batch_size=batch_size, progress=progress,
                     start=start)
    finally:
        gc.unfreeze()


def _hunt(hunter: Hunter, paths: Sequence[Path], *, fmt: str | None, workers: int | None, batch_size: int,
          progress: Callable[[ReadProgress], None] | None, start: float) -> HuntResult:
    result = HuntResult(problems=list(hunter.problems))
    seen_sources: set[str] = set()
    pending: list[pa.Table] = []
    pending_rows = 0

    def flush() -> bool:
        """Match the tables gathered so far (False if there were none)."""
        nonlocal pending, pending_rows
        if not pending:
            return False
        table = pending[0] if len(pending) == 1 else pa.concat_tables(pending, promote_options="default")
        result.findings.extend(hunter.batch(table))
        pending, pending_rows = [], 0
        return True

    def idle(urgent: bool) -> bool:
        """Reading waits for a worker: match now if half a table is gathered, or anything if the
        only other choice is to wait (the last tables of a hunt, above all: matched while the last
        sources are read, not all after)."""
        return pending_rows >= (1 if urgent else batch_size // 2) and flush()

    # Tables are matched once they hold ``batch_size`` events, or sooner when reading waits (see
    # ``idle``). Findings do not depend on where tables are cut.
    read_size = min(batch_size, READ_BATCH)
    for batch in iter_batches(paths, fmt=fmt, batch_size=read_size, workers=workers, progress=progress,
                              idle=idle):
        result.problems += batch.errors
        if batch.table.num_rows:
            result.events += batch.table.num_rows
            seen_sources.update(batch.sources)
            pending.append(batch.table)
            pending_rows += batch.table.num_rows
            if pending_rows >= batch_size:
                flush()
    flush()
    result.findings += hunter.finish()
    result.sources = len(seen_sources)
    result.seconds = time.perf_counter() - start
    return result


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by rule, host and time: the order a person reads them in."""
    return sorted(findings, key=lambda f: (-level_rank(f.level), f.rule_title, f.host or "",
                                           f.timestamp or "", f.source_file, f.record_id or ""))
