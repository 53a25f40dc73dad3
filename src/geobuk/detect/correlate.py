"""Correlation rules evaluated over the base-rule matches a hunt collected.

A correlation sees only events that a referenced rule matched, each with its time. Its semantics,
chosen so that a finding means one thing and is reported once:

* **Groups.** Matches are grouped by the values of the ``group-by`` fields (an alias reads, for
  each referenced rule, the field the alias maps it to; a rule the alias does not name is read under
  the alias's own name). Field names are matched as the engine matches them (exactly, else ignoring
  case and spaces); values are compared exactly. A match whose event lacks a group-by field (or, for
  ``value_count``, the counted field) cannot be placed and takes no part. One event matched by
  several referenced rules is one event.
* **Windows.** Time is measured with sliding windows, not fixed buckets: the window of an event is
  the ``timespan`` ending at it, both ends included (events exactly ``timespan`` apart fit). A
  window *qualifies* when its events meet the condition: ``event_count`` counts them,
  ``value_count`` counts distinct values of its field, ``temporal`` needs a match of every
  referenced rule, ``temporal_ordered`` one of each in the listed order (events with equal
  timestamps count as in order: logs often carry whole seconds; consecutive steps need distinct
  events).
* **Hits.** For conditions a growing window can only help (``gt``/``gte`` and the temporal types),
  overlapping qualifying windows merge into one hit: a burst of 500 failed logons against
  ``gte: 10`` is one finding, not 491. For ``lt``/``lte``/``eq`` the question is what the count
  *stays* at, so the condition is tested on the group's peak window over the whole hunt: a hit is
  the whole group, and means "in no window of ``timespan`` did this group reach N" (``lt: N``), or
  "at its busiest, exactly N" (``eq: N``). Testing each window instead would make every quiet
  moment a hit (the last event of any group sits in a nearly empty window). Since only matched
  events are visible, a count of zero is never seen (the compiler refuses conditions only zero
  meets).
* A hit's ``count`` is the peak window's count (events, or distinct values for ``value_count``);
  for temporal types it is the number of events in the hit. Its ``matches`` are every match of the
  group inside the hit's windows, oldest first; ``first`` and ``last`` are their times.

Matches without a timestamp cannot be placed in time and take no part in any correlation.

Correlations may reference correlations (the spec's chaining): the inner correlation's hits become
events of the outer one, at the moment the inner condition was first met (for ``lt``/``lte``/``eq``,
at the group's last event), with the inner group's fields as their fields; the outer hit lists the
underlying events. Loops are refused.

Cost: one pass to group, one sort per group, then linear two-pointer scans (``temporal_ordered``
also multiplies by the number of referenced rules).
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from geobuk.detect.engine import field_key
from geobuk.detect.ir import CompiledRule, Correlation
from geobuk.errors import GeobukError

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le, "eq": operator.eq}
#: Conditions a larger window can only help: overlapping qualifying windows merge into one hit.
_GROWING = ("gt", "gte")

#: What a reference resolves to, and the key its aliases use: ("r", base rule id) or ("c", index of
#: the correlation in the list evaluated).
_Key = tuple[str, str | int]


class CorrelationError(GeobukError):
    """A correlation that cannot run with the loaded rules: it references a rule that is not loaded
    (or a name several files define), or correlations reference each other in a loop."""


@dataclass(frozen=True)
class Match:
    """One event matched by one base rule: what the hunt keeps for correlations."""

    rule_id: str
    rule_name: str | None
    timestamp: datetime | None
    event: Mapping[str, str]
    ref: tuple[str, str]


@dataclass
class CorrelationHit:
    """One group's qualifying stretch of time (see the module docstring for what counts)."""

    correlation: Correlation
    group: dict[str, str]
    first: datetime
    last: datetime
    count: float
    matches: list[Match]


@dataclass
class _Plan:
    """One correlation with its references resolved."""

    corr: Correlation
    positions: list[frozenset[_Key]]
    aliases: dict[str, dict[_Key, str]] = field(default_factory=dict)


@dataclass
class _Item:
    """One event (or inner hit) as a correlation sees it."""

    time: datetime
    positions: set[int]
    value: str | None
    matches: list[Match]


@dataclass
class _Episode:
    """A hit, and when its condition was first met: its time as an event of an outer correlation."""

    hit: CorrelationHit
    fired: datetime


def referenced_rules(correlations: Iterable[Correlation],
                     rules: Sequence[CompiledRule]) -> dict[str, set[str]]:
    """Correlation id -> ids of the base rules whose matches it needs (through chained correlations
    too). Raises ``CorrelationError`` for a reference no loaded rule answers to."""
    plans = _resolve(list(correlations), rules)
    out: dict[str, set[str]] = {}
    for i in _order(plans):
        needed = out.setdefault(plans[i].corr.id, set())
        for key in set().union(*plans[i].positions):
            if key[0] == "r":
                needed.add(str(key[1]))
            else:
                needed |= out.get(plans[int(key[1])].corr.id, set())
    return out


def suppressed_rules(correlations: Iterable[Correlation], rules: Sequence[CompiledRule]) -> set[str]:
    """Ids of base rules whose own matches are not reported: per the spec, rules a correlation
    references only feed it unless it says ``generate: true``; a rule also referenced by a
    generating correlation is reported."""
    quiet, loud = _quiet_and_loud(_resolve(list(correlations), rules))
    return {str(k[1]) for k in quiet - loud if k[0] == "r"}


def evaluate(correlations: Iterable[Correlation], matches: Iterable[Match],
             rules: Sequence[CompiledRule]) -> list[CorrelationHit]:
    """The hits to report: every correlation's, except those of correlations that only feed other
    correlations (chained without ``generate: true``). Ordered by correlation, then time."""
    plans = _resolve(list(correlations), rules)
    by_rule: dict[str, list[Match]] = defaultdict(list)
    for match in matches:
        if match.timestamp is not None:
            by_rule[match.rule_id].append(match)
    episodes: dict[int, list[_Episode]] = {}
    for i in _order(plans):
        episodes[i] = _evaluate_one(plans[i], by_rule, episodes)
    quiet, loud = _quiet_and_loud(plans)
    hidden = {int(k[1]) for k in quiet - loud if k[0] == "c"}
    return [e.hit for i in range(len(plans)) if i not in hidden for e in episodes[i]]


# --- resolving references -------------------------------------------------------------------------

class _Index:
    """Rules and correlations by id and name, for resolving references."""

    def __init__(self, correlations: list[Correlation], rules: Sequence[CompiledRule]) -> None:
        self.by_id: dict[str, set[_Key]] = defaultdict(set)
        self.by_folded_id: dict[str, set[_Key]] = defaultdict(set)
        self.by_name: dict[str, dict[str, set[_Key]]] = defaultdict(lambda: defaultdict(set))
        named: list[tuple[str, str | None, str, _Key]] = [(r.id, r.name, r.source, ("r", r.id))
                                                          for r in rules]
        named += [(c.id, c.name, c.source, ("c", i)) for i, c in enumerate(correlations)]
        for ident, name, source, key in named:
            self.by_id[ident].add(key)
            self.by_folded_id[ident.casefold()].add(key)
            if name:
                self.by_name[name][source].add(key)

    def resolve(self, ref: str, corr: Correlation) -> set[_Key]:
        """By id; else by name, preferring the correlation's own file; else by id ignoring case
        (UUIDs are sometimes written in capitals)."""
        if ref in self.by_id:
            return set(self.by_id[ref])
        by_source = self.by_name.get(ref)
        if by_source:
            if corr.source in by_source:
                return set(by_source[corr.source])
            if len(by_source) > 1:
                raise CorrelationError(f"{_describe(corr)}: rule name {ref!r} is defined in several files "
                                       f"({', '.join(sorted(by_source))}); reference it by id")
            return set(next(iter(by_source.values())))
        if ref.casefold() in self.by_folded_id:
            return set(self.by_folded_id[ref.casefold()])
        raise CorrelationError(f"{_describe(corr)}: references {ref!r}, which no loaded rule has as id "
                               f"or name")


def _describe(corr: Correlation) -> str:
    return f"{corr.source}: correlation {corr.title or corr.id!r}"


def _resolve(correlations: list[Correlation], rules: Sequence[CompiledRule]) -> list[_Plan]:
    index = _Index(correlations, rules)
    plans = []
    for corr in correlations:
        positions = [frozenset(index.resolve(ref, corr)) for ref in corr.rules]
        plan = _Plan(corr, positions)
        mine = set().union(*positions)
        for alias, mapping in corr.aliases:
            fields = plan.aliases.setdefault(alias, {})
            for ref, name in mapping:
                keys = (positions[corr.rules.index(ref)] if ref in corr.rules
                        else index.resolve(ref, corr) & mine)
                if not keys:
                    raise CorrelationError(f"{_describe(corr)}: alias {alias!r} maps {ref!r}, which the "
                                           f"correlation does not reference")
                fields.update(dict.fromkeys(keys, name))
        plans.append(plan)
    return plans


def _order(plans: list[_Plan]) -> list[int]:
    """Correlation indexes, each after the correlations it references; a loop is an error."""
    done: list[int] = []
    state: dict[int, str] = {}

    def visit(i: int) -> None:
        if state.get(i) == "done":
            return
        if state.get(i) == "visiting":
            raise CorrelationError(f"{_describe(plans[i].corr)}: correlations reference each other in a loop")
        state[i] = "visiting"
        for key in set().union(*plans[i].positions):
            if key[0] == "c":
                visit(int(key[1]))
        state[i] = "done"
        done.append(i)

    for i in range(len(plans)):
        visit(i)
    return done


def _quiet_and_loud(plans: list[_Plan]) -> tuple[set[_Key], set[_Key]]:
    """Everything referenced by a non-generating correlation, and by a generating one."""
    quiet: set[_Key] = set()
    loud: set[_Key] = set()
    for plan in plans:
        (loud if plan.corr.generate else quiet).update(*plan.positions)
    return quiet, loud


# --- evaluating ------------------------------------------------------------------------------------

def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _lookup(fields: Mapping[str, str], name: str) -> str | None:
    """A field's value, found as the engine finds fields: exactly, else ignoring case and spaces."""
    value = fields.get(name)
    if value is None:
        wanted = field_key(name)
        value = next((v for k, v in fields.items() if field_key(k) == wanted and v is not None), None)
    return None if value is None else str(value)


def _evaluate_one(plan: _Plan, by_rule: Mapping[str, list[Match]],
                  inner: Mapping[int, list[_Episode]]) -> list[_Episode]:
    groups = _items(plan, by_rule, inner)
    out: list[_Episode] = []
    for key in sorted(groups):
        items = sorted(groups[key].values(), key=lambda it: (it.time, min(it.positions)))
        group = dict(zip(plan.corr.group_by, key, strict=True))
        out += _scan(plan, group, items)
    out.sort(key=lambda e: e.hit.first)
    return out


def _items(plan: _Plan, by_rule: Mapping[str, list[Match]],
           inner: Mapping[int, list[_Episode]]) -> dict[tuple[str, ...], dict[object, _Item]]:
    """The correlation's events by group; one event matched by several referenced rules is one item."""
    corr = plan.corr
    groups: dict[tuple[str, ...], dict[object, _Item]] = defaultdict(dict)

    def place(key: _Key, position: int, fields: Mapping[str, str], time: datetime,
              found: list[Match], ident: object) -> None:
        group = tuple(_lookup(fields, plan.aliases.get(g, {}).get(key, g)) for g in corr.group_by)
        if any(v is None for v in group):
            return
        value = None
        if corr.value_field:
            value = _lookup(fields, plan.aliases.get(corr.value_field, {}).get(key, corr.value_field))
            if value is None:
                return
        bucket = groups[group]
        item = bucket.get((ident, value))
        if item is None:
            bucket[(ident, value)] = _Item(time, {position}, value, found)
        else:
            item.positions.add(position)

    for position, keys in enumerate(plan.positions):
        for key in keys:
            if key[0] == "r":
                for m in by_rule.get(str(key[1]), ()):
                    ident = m.ref if m.ref[1] else ("match", id(m))
                    place(key, position, m.event, _utc(m.timestamp), [m], ident)
            else:
                for episode in inner.get(int(key[1]), ()):
                    place(key, position, episode.hit.group, episode.fired, episode.hit.matches,
                          ("hit", id(episode)))
    return groups


def _scan(plan: _Plan, group: dict[str, str], items: list[_Item]) -> list[_Episode]:
    """Hits of one group (items sorted by time): windows measured, then merged or tested on the
    peak as the module docstring says."""
    corr = plan.corr
    span = timedelta(seconds=corr.timespan)
    lefts = _lefts(items, span)
    if corr.type == "event_count":
        measure: list[float] = [float(j - left + 1) for j, left in enumerate(lefts)]
    elif corr.type == "value_count":
        measure = _distinct(items, lefts)
    elif corr.type == "temporal":
        measure = _all_present(items, span, len(plan.positions))
    else:
        measure = _in_order(items, span, len(plan.positions))
    op, number = corr.condition or ("gte", 1.0)
    test = _COMPARE[op]
    if op in _GROWING:
        spans = _merged([test(m, number) for m in measure], items, lefts)
    else:
        spans = [(0, len(items) - 1)] if test(max(measure), number) else []
    out = []
    for start, end in spans:
        found = _unique(m for item in items[start:end + 1] for m in item.matches)
        temporal = corr.type in ("temporal", "temporal_ordered")
        count = float(len(found)) if temporal else max(measure[start:end + 1])
        # When the condition became true: the first qualifying window, or the group's last event
        # when only the whole group can tell (lt/lte/eq).
        fired = (next(items[j].time for j in range(start, end + 1) if test(measure[j], number))
                 if op in _GROWING else items[end].time)
        hit = CorrelationHit(corr, dict(group), _utc(found[0].timestamp), _utc(found[-1].timestamp), count,
                             found)
        out.append(_Episode(hit, fired))
    return out


def _lefts(items: list[_Item], span: timedelta) -> list[int]:
    """For each item, the index of the oldest item in the window ending at it."""
    out, left = [], 0
    for item in items:
        while item.time - items[left].time > span:
            left += 1
        out.append(left)
    return out


def _distinct(items: list[_Item], lefts: list[int]) -> list[float]:
    counts: Counter[str | None] = Counter()
    out, left = [], 0
    for j, item in enumerate(items):
        counts[item.value] += 1
        while left < lefts[j]:
            old = items[left].value
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            left += 1
        out.append(float(len(counts)))
    return out


def _all_present(items: list[_Item], span: timedelta, needed: int) -> list[float]:
    """1 where the window ending at the item holds a match of every referenced rule, else 0."""
    last: dict[int, datetime] = {}
    out = []
    for item in items:
        for p in item.positions:
            last[p] = item.time
        out.append(float(len(last) == needed and item.time - min(last.values()) <= span))
    return out


def _in_order(items: list[_Item], span: timedelta, needed: int) -> list[float]:
    """1 where the window ending at the item holds the referenced rules' matches in order, else 0.

    ``latest[p]`` is the latest start of a sequence matching the first p+1 rules so far: keeping the
    latest start is enough, since a later start can only fit more windows. An item's positions are
    taken highest first so that it never serves as two consecutive steps.
    """
    latest: list[datetime | None] = [None] * needed
    out = []
    for item in items:
        for p in sorted(item.positions, reverse=True):
            start = item.time if p == 0 else latest[p - 1]
            if start is not None and (latest[p] is None or start > latest[p]):
                latest[p] = start
        done = latest[-1]
        out.append(float(done is not None and item.time - done <= span))
    return out


def _merged(ok: list[bool], items: list[_Item], lefts: list[int]) -> list[tuple[int, int]]:
    """(first, last) item index of each run of overlapping qualifying windows."""
    spans: list[tuple[int, int]] = []
    for j, good in enumerate(ok):
        if not good:
            continue
        if spans and items[lefts[j]].time <= items[spans[-1][1]].time:
            spans[-1] = (spans[-1][0], j)
        else:
            spans.append((lefts[j], j))
    return spans


def _unique(matches: Iterable[Match]) -> list[Match]:
    """Matches without repeats (by identity: an event reached through two inner hits is one), oldest
    first."""
    seen = {id(m): m for m in matches}
    return sorted(seen.values(), key=lambda m: (_utc(m.timestamp), m.ref))
