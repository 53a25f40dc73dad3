"""Rich tables for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table

from geobuk.trace.follow import FollowResult
from geobuk.trace.outputs.base import OUTPUTS, TraceOutput
from geobuk.trace.screen import ScreenRow


def _amount(value: float) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _short(address: str) -> str:
    return address if len(address) <= 14 else f"{address[:8]}..{address[-4:]}"


@OUTPUTS.register
class TableOutput(TraceOutput):
    name = "table"
    description = "tables for the terminal"

    def write_screen(self, rows: Sequence[ScreenRow], stream: TextIO) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        table = Table(
            "address", "chain", "labels", "actor", "exposure", "sources", header_style="bold", box=None
        )
        for row in rows:
            if not row.valid:
                table.add_row(row.address, row.chain or "-", f"invalid: {row.reason}", "-", "-", "-")
                continue
            exposure = (
                "-" if row.hops is None else ("direct" if row.hops == 0 else f"{row.hops} hops via {row.via}")
            )
            sources = "; ".join(dict.fromkeys(s.get("provenance") or s["name"] for s in row.sources)) or "-"
            table.add_row(
                row.address,
                row.chain or "-",
                ", ".join(row.labels) or "-",
                row.actor["name"] if row.actor else "-",
                exposure,
                sources,
            )
        console.print(table)

    def write_follow(self, result: FollowResult, stream: TextIO) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        actor = f", actor {result.actor['name']}" if result.actor else ""
        console.print(
            f"[bold]follow {result.direction}[/bold] {', '.join(result.seeds)}: model {result.model}, "
            f"{result.hops} hops{actor}; {result.totals.get('transfers', 0)} tainted transfers"
        )
        if result.patterns:
            table = Table(
                "pattern",
                "level",
                "address",
                "when",
                "detail",
                header_style="bold",
                box=None,
                title="laundering patterns",
                title_justify="left",
            )
            for p in result.patterns:
                table.add_row(p["title"], p["level"], p["address"], p["first_time"] or "-", p["detail"])
            console.print(table)
        table = Table(
            "endpoint",
            "labels",
            "amount",
            "asset",
            "hops",
            "path",
            header_style="bold",
            box=None,
            title="where the value went" if result.direction == "out" else "where it came from",
            title_justify="left",
        )
        for e in result.endpoints:
            table.add_row(
                e.name or e.address,
                ", ".join(e.labels),
                _amount(e.amount),
                e.asset,
                str(e.hops),
                " > ".join(_short(a) for a in e.path),
            )
        console.print(table)
        if result.held:
            table = Table("still held by", "amount", "asset", "hops", header_style="bold", box=None)
            for h in result.held[:15]:
                table.add_row(h["address"], _amount(h["amount"]), h["asset"], str(h["hops"]))
            console.print(table)
        for problem in result.problems:
            console.print(f"note: {problem}", markup=False)
