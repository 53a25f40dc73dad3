"""A table for the terminal: one row per (rule, host), most severe first.

A person at a terminal wants to see at a glance what fired where, how often and when; each event is
in the JSONL, CSV or HTML output. Every cell is a ``rich.text.Text`` so that log values (``[bold]``,
``[/]``) are never read as Rich markup, and control characters are escaped before they get there.
"""

from __future__ import annotations

from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from geobuk.report.findings.base import OUTPUTS, FindingsOutput, HuntResultLike
from geobuk.report.findings.evidence import evidence
from geobuk.report.findings.groups import Group, by_rule_and_host, count_levels, level_name, parse_time
from geobuk.report.findings.text import plural, printable

LEVEL_STYLES = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan",
                "informational": "dim"}


def short_time(text: str | None) -> str:
    """A timestamp to the second in UTC (the column says UTC); one that does not parse, as it is."""
    when = parse_time(text)
    if when is not None:
        return when.strftime("%Y-%m-%d %H:%M:%S")
    return printable(text) if text else "-"


def time_range(first: str | None, last: str | None) -> str:
    """``first → last`` in one cell; the date once when both fall on the same day (the common case
    for a burst of activity), the last left out when it is the first."""
    start, end = short_time(first), short_time(last)
    if end == start or last is None:
        return start
    if parse_time(first) and parse_time(last) and start[:10] == end[:10]:
        return f"{start} → {end[11:]}"
    return f"{start} → {end}"


def summary(result: HuntResultLike) -> Text:
    """The line above the table: what was found, in how much, in how long."""
    findings = result.findings
    rules = len({f.rule_id for f in findings})
    hosts = len({f.host for f in findings if f.host})
    text = Text(f"{plural(len(findings), 'finding')} · {plural(rules, 'rule')} · {plural(hosts, 'host')}"
                f" · {plural(result.events, 'event')} read from {plural(result.sources, 'source')}"
                f" · {result.seconds:.1f} s")
    levels = [(level, n) for level, n in count_levels(findings).items() if n]
    if levels:
        text.append("\n")
        for i, (level, n) in enumerate(levels):
            text.append(" · " if i else "")
            text.append(f"{level} {n:,}", style=LEVEL_STYLES[level])
    return text


def _row(group: Group, evidence_width: int) -> list[Text]:
    first, last = group.span
    finding = group.first
    title = Text(printable(finding.rule_title))
    if finding.kind == "correlation":
        title.append(" (correlation)", style="dim")
    return [Text(group.level, style=LEVEL_STYLES[level_name(group.level)]), title,
            Text(printable(", ".join(group.actors)) or "-"), Text(printable(finding.host or "-")),
            Text(f"{group.events:,}"), Text(time_range(first, last)), Text(evidence(finding, evidence_width))]


@OUTPUTS.register
class TableOutput(FindingsOutput):
    """``file_width`` is the width when the stream is not a terminal (Rich would use 80, too narrow
    for eight columns); at a terminal the terminal's width is used."""

    name = "table"
    description = "a table for the terminal, one row per rule and host"
    extension = ".txt"

    def __init__(self, *, file_width: int = 160, evidence_width: int = 60) -> None:
        self.file_width = file_width
        self.evidence_width = evidence_width

    def console(self, stream: TextIO) -> Console:
        """A console on ``stream`` that colours only a terminal (Rich checks ``isatty``)."""
        isatty = getattr(stream, "isatty", None)
        terminal = bool(isatty and isatty())
        return Console(file=stream, width=None if terminal else self.file_width, markup=False,
                       emoji=False, highlight=False)

    def write(self, result: HuntResultLike, stream: TextIO, *, context: dict[str, Any]) -> None:
        console = self.console(stream)
        console.print(summary(result))
        groups = by_rule_and_host(result.findings)
        if not groups:
            console.print(Text("No findings."))
            return
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        table.add_column("Level", no_wrap=True)
        table.add_column("Rule")
        table.add_column("Actor")
        table.add_column("Host")
        table.add_column("Events", justify="right", no_wrap=True)
        table.add_column("First → last (UTC)")
        table.add_column("Evidence", overflow="fold")
        for group in groups:
            table.add_row(*_row(group, self.evidence_width))
        console.print(table)
