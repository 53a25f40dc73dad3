"""Findings gathered into the groups a person reads: one per rule and host, or per actor and rule.

A hunt over a week of logs can yield thousands of findings of one rule on one host; a reader needs
that once, with how many, when it started and when it last happened.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geobuk.detect.findings import LEVELS, Finding, level_rank

UNATTRIBUTED = "Unattributed"


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (naive ones are taken as UTC), else None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def time_span(timestamps: Iterable[str | None]) -> tuple[str | None, str | None]:
    """The earliest and latest of ``timestamps``, as given.

    Compared as instants when they parse (offsets differ between sources), as text only when none
    does: a text comparison of ``+09:00`` and ``Z`` stamps would put them in the wrong order.
    """
    present = [t for t in timestamps if t]
    timed = [(when, t) for t in present if (when := parse_time(t)) is not None]
    if timed:
        return min(timed)[1], max(timed)[1]
    if present:
        return min(present), max(present)
    return None, None


def level_name(level: str | None) -> str:
    """The level as one of ``LEVELS`` (an unknown one counts as informational, as ``level_rank`` does)."""
    return LEVELS[level_rank(level)]


@dataclass
class Group:
    """Findings that share a key, in the order they were given."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def rank(self) -> int:
        return max(level_rank(f.level) for f in self.findings)

    @property
    def level(self) -> str:
        return LEVELS[self.rank]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def events(self) -> int:
        """Events behind the findings: one each, or the events a correlation finding stands for."""
        return sum(len(f.related) or 1 for f in self.findings)

    @property
    def span(self) -> tuple[str | None, str | None]:
        return time_span(f.timestamp for f in self.findings)

    @property
    def hosts(self) -> list[str]:
        return sorted({f.host for f in self.findings if f.host})

    @property
    def actors(self) -> list[str]:
        return sorted({f.actor for f in self.findings if f.actor})


def group_by(findings: Iterable[Finding], key: Callable[[Finding], Hashable]) -> list[Group]:
    """Groups of findings with equal ``key``, in the order each key first appears."""
    groups: dict[Hashable, Group] = {}
    for finding in findings:
        groups.setdefault(key(finding), Group()).findings.append(finding)
    return list(groups.values())


def _rule_order(group: Group) -> tuple:
    return (-group.rank, group.first.rule_title.casefold(), group.first.rule_id)


def by_rule_and_host(findings: Iterable[Finding]) -> list[Group]:
    """One group per (rule, host), most severe first, then by rule title and host."""
    groups = group_by(findings, lambda f: (f.rule_id, f.host or ""))
    return sorted(groups, key=lambda g: (*_rule_order(g), (g.first.host or "").casefold()))


def by_rule(findings: Iterable[Finding]) -> list[Group]:
    """One group per rule, most severe first, then the rule seen most often."""
    groups = group_by(findings, lambda f: f.rule_id)
    return sorted(groups, key=lambda g: (-g.rank, -g.count, *_rule_order(g)[1:]))


@dataclass
class ActorSection:
    """The rules that fired for one actor (or for none: ``actor`` is None)."""

    actor: str | None
    rules: list[Group]

    @property
    def title(self) -> str:
        return self.actor or UNATTRIBUTED

    @property
    def rank(self) -> int:
        return max(g.rank for g in self.rules)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.rules)


def by_actor_and_rule(findings: Iterable[Finding]) -> list[ActorSection]:
    """One section per actor, each with its rules; the most severe actor first, unattributed last.

    Unattributed findings go last because the actor sections answer the first question a CISO asks
    ("who is in our network?"); they are not less important, and their levels still show.
    """
    actors = group_by(findings, lambda f: f.actor)
    sections = [ActorSection(g.first.actor, by_rule(g.findings)) for g in actors]
    return sorted(sections, key=lambda s: (s.actor is None, -s.rank, -s.count, s.title.casefold()))


def count_levels(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each level, most severe first, every level present (zero or not)."""
    counts = dict.fromkeys(reversed(LEVELS), 0)
    for finding in findings:
        counts[level_name(finding.level)] += 1
    return counts
