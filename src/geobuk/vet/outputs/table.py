"""Tables for the terminal: people with flags, most at risk first, then clusters with what links them.

Every cell is a ``rich.text.Text`` with control characters escaped: HR fields are typed by
applicants, and an applicant controls what an analyst's terminal would otherwise interpret.
"""

from __future__ import annotations

from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from geobuk.vet.model import VetResult
from geobuk.vet.outputs.base import OUTPUTS, VetOutput
from geobuk.vet.outputs.text import printable, shorten


def _style(score: int, threshold: int) -> str:
    if score >= 80:
        return "bold white on red"
    if score >= threshold:
        return "bold red"
    return "yellow" if score >= threshold // 2 else "dim"


@OUTPUTS.register
class TableOutput(VetOutput):
    name = "table"
    description = "tables for the terminal: flagged people first, then clusters"
    extension = ".txt"

    def __init__(self, *, file_width: int = 160) -> None:
        self.file_width = file_width

    def write(self, result: VetResult, stream: TextIO, *, context: dict[str, Any]) -> None:
        console = Console(
            file=stream, width=None if stream.isatty() else self.file_width, highlight=False, soft_wrap=False
        )
        summary = result.summary
        threshold = summary.get("threshold", 40)
        limit = context.get("limit", 50) or len(result.people)
        shown = [p for p in result.people if p.flags][:limit]
        console.print(
            Text(
                f"{summary.get('people', 0):,} people, {summary.get('signins', 0):,} sign-ins, "
                f"{summary.get('devices', 0):,} device rows · {summary.get('flagged_people', 0)} "
                f"people and {summary.get('flagged_clusters', 0)} clusters at or over the thresholds "
                f"({threshold} / {summary.get('cluster_threshold', 50)}) · {result.seconds:.1f} s"
            )
        )
        people = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=False)
        for column in ("score", "person", "name", "cluster", "red flags (weight: evidence)"):
            people.add_column(column, overflow="fold")
        for person in shown:
            flags = Text()
            for k, flag in enumerate(person.flags):
                flags.append(("\n" if k else "") + f"{flag.code} {flag.weight}: ", style="bold")
                flags.append(shorten(printable(flag.detail()), 110))
            people.add_row(
                Text(str(person.score), style=_style(person.score, threshold)),
                Text(printable(person.person_id)),
                Text(printable(person.name)),
                Text(person.cluster_id or "-"),
                flags,
            )
        console.print(people)
        if len(shown) < sum(1 for p in result.people if p.flags):
            console.print(
                Text(
                    f"... {sum(1 for p in result.people if p.flags) - len(shown)} more people with "
                    "flags (--format jsonl or html lists all)",
                    style="dim",
                )
            )
        if result.clusters:
            clusters = Table(box=box.SIMPLE_HEAD, title="clusters of linked people")
            for column in ("score", "cluster", "people", "shared"):
                clusters.add_column(column, overflow="fold")
            for cluster in result.clusters[:limit]:
                shared = Text()
                for k, link in enumerate(cluster.links):
                    value = f" {link.value}" if link.value else ""
                    measure = f" ({link.measure:g})" if link.measure is not None else ""
                    shared.append(("\n" if k else "") + f"{link.kind}{measure}:", style="bold")
                    shared.append(shorten(printable(f"{value} — {', '.join(link.people)}"), 110))
                clusters.add_row(
                    Text(str(cluster.score), style=_style(cluster.score, threshold)),
                    Text(cluster.cluster_id),
                    Text(printable(", ".join(cluster.people))),
                    shared,
                )
            console.print(clusters)
        for note in result.notes:
            console.print(Text(f"note: {note}", style="dim"))
