"""One self-contained HTML page for a CISO: who, how bad, where; then the evidence, folded away.

The page has inline CSS only, no script and no external asset, so it can be mailed or archived and
opens the same anywhere. Every value from a log is attacker-controlled: the template is rendered
with autoescaping on, and a Content-Security-Policy forbids scripts in case something slips through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from geobuk.detect.findings import LEVELS, Finding, level_rank
from geobuk.report.findings.base import OUTPUTS, FindingsOutput, HuntResultLike
from geobuk.report.findings.evidence import evidence
from geobuk.report.findings.groups import by_actor_and_rule, count_levels
from geobuk.report.findings.text import plural, visible

TEMPLATE = "findings.html.j2"


@dataclass
class Tally:
    """How many findings share one value (an actor, a host), and the worst of them."""

    name: str
    count: int
    level: str


def tally(findings: Iterable[Finding], key: Callable[[Finding], Hashable | None]) -> list[Tally]:
    """One ``Tally`` per non-empty key, most severe first, then the most frequent."""
    counts: dict[Any, list[int]] = {}
    for finding in findings:
        value = key(finding)
        if value:
            entry = counts.setdefault(value, [0, 0])
            entry[0] += 1
            entry[1] = max(entry[1], level_rank(finding.level))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][1], -kv[1][0], str(kv[0]).casefold()))
    return [Tally(str(name), count, LEVELS[rank]) for name, (count, rank) in ordered]


def _finalize(value: object) -> object:
    """Every ``{{ value }}`` of the template: control characters made visible, None left blank.

    Markup (what ``join`` returns under autoescaping) is already escaped; it stays Markup so that it
    is not escaped twice.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(visible(value))
    if isinstance(value, str):
        return visible(value)
    return value


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("geobuk.report.findings", "templates"), autoescape=True,
                      undefined=StrictUndefined, finalize=_finalize, trim_blocks=True, lstrip_blocks=True)
    env.filters["evidence"] = evidence
    env.filters["plural"] = plural
    return env


@OUTPUTS.register
class HtmlOutput(FindingsOutput):
    """``max_events`` bounds the evidence events shown per rule, so a noisy rule (thousands of hits)
    keeps the page small enough to open; the page says how many more there are."""

    name = "html"
    description = "one self-contained HTML page for a report (no scripts, no external assets)"
    extension = ".html"

    def __init__(self, *, max_events: int = 100) -> None:
        self.max_events = max_events

    def page(self, result: HuntResultLike, context: dict[str, Any]) -> dict[str, Any]:
        """What the template shows, computed here so the template only lays it out."""
        findings = list(result.findings)
        generated = context.get("generated") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return {
            "generated": generated,
            "findings": findings,
            "levels": count_levels(findings),
            "actors": tally(findings, lambda f: f.actor),
            "hosts": tally(findings, lambda f: f.host),
            "rules_fired": len({f.rule_id for f in findings}),
            "sections": by_actor_and_rule(findings),
            "events": result.events,
            "sources": result.sources,
            "seconds": result.seconds,
            "parameters": context.get("parameters") or {},
            "summary": context.get("summary") or {},
            "skipped_rules": [str(s) for s in context.get("skipped_rules") or []],
            "problems": [str(p) for p in result.problems],
            "max_events": self.max_events,
        }

    def render(self, result: HuntResultLike, context: dict[str, Any]) -> str:
        return _environment().get_template(TEMPLATE).render(self.page(result, context))

    def write(self, result: HuntResultLike, stream: TextIO, *, context: dict[str, Any]) -> None:
        stream.write(self.render(result, context))
