"""``geobuk intel``: the knowledge base of DPRK actors, malware, techniques and indicators."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from geobuk.cli import console
from geobuk.cli.common import open_store
from geobuk.errors import GeobukError
from geobuk.intel.actors import actor_card, closest_names
from geobuk.intel.export import export_bundle
from geobuk.intel.importers import IMPORTERS
from geobuk.intel.importing import import_files
from geobuk.intel.read.documents import load_batch, load_document
from geobuk.intel.read.linking import link_same_events
from geobuk.intel.read.reader import Reading, read_document
from geobuk.intel.read.stix_out import save_readings
from geobuk.intel.read.techniques import extractor_for

intel_app = typer.Typer(help="Know the adversary: DPRK actors, aliases, malware, techniques, indicators "
                             "(STIX 2.1).\n\nExample: geobuk intel actor 'Onyx Sleet'",
                        no_args_is_help=True, rich_markup_mode=None)


@intel_app.command("import")
def import_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Files to import (format detected from content)."),
    fmt: str = typer.Option(None, "--format", "-f",
                            help=f"Force a format: {', '.join(IMPORTERS.names())}."),
) -> None:
    """Import advisories and feeds: STIX 2.0/2.1, MISP galaxy and event JSON, flat IOC lists.

    All files are imported in one transaction: a bad object anywhere imports nothing.

    Example: geobuk intel import enterprise-attack.json threat-actor.json hash-iocs.txt
    """
    with open_store(ctx) as store, console.progress("importing", len(files)) as bar:
        def step(path: Path, importer: str) -> None:
            bar.update(bar.task_ids[0], advance=1, description=f"{path.name} ({importer})")

        counts = import_files(store, files, fmt=fmt, on_file=step)
    for warning in counts.warnings:
        console.err.print(f"warning: {warning}", markup=False)
    console.out.print(
        f"imported {len(files)} file(s): {counts.added} new objects, {counts.versions} new versions, "
        f"{counts.unchanged} unchanged, {counts.aliases} new aliases")


@intel_app.command("actor")
def actor_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Any name or alias, in any case or spelling."),
    as_json: bool = typer.Option(False, "--json", help="Print the card as JSON."),
) -> None:
    """Show one actor's card: names and who uses them, attribution, malware, techniques, targets.

    Example: geobuk intel actor onyx-sleet --json
    """
    with open_store(ctx) as store:
        matches = store.lookup_name(name)
        actor_id = store.resolve(name)
        if actor_id is None and matches:
            choices = ", ".join(sorted({f"{m.name} ({m.kind} of {m.object_id})" for m in matches}))
            console.err.print(f"'{name}' is ambiguous: {choices}", markup=False)
            raise typer.Exit(1)
        if actor_id is None:
            near = closest_names(store, name)
            hint = f"; closest known: {', '.join(near)}" if near else ""
            console.err.print(f"unknown actor '{name}'{hint}", markup=False)
            raise typer.Exit(1)
        card = actor_card(store, actor_id)
    if as_json:
        console.out.print_json(json.dumps(card))
        return
    _print_card(card)


def _names(items: list[dict]) -> str:
    return ", ".join(f"{i['name']} ({i['attack_id']})" if i.get("attack_id") else i["name"]
                     for i in items) or "-"


def _print_card(card: dict) -> None:
    head = card["name"] + (f"  [{card['attack_id']}]" if card.get("attack_id") else "")
    console.out.print(f"[bold]{head}[/bold]  {card['id']}")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("alias")
    table.add_column("kind")
    table.add_column("used by")
    for alias in card["aliases"]:
        table.add_row(alias["name"], alias["kind"], ", ".join(alias["by"] or alias["sources"]))
    console.out.print(table)
    rows = [
        ("attributed to", _names(card["attributed_to"])),
        ("related", _names(card["related"])),
        ("malware", _names(card["malware"])),
        ("tools", _names(card["tools"])),
        ("techniques", ", ".join(t.get("attack_id") or t["name"] for t in card["techniques"]) or "-"),
        ("sectors", ", ".join(card["sectors"]) or "-"),
        ("countries", ", ".join(card["countries"]) or "-"),
        ("campaigns", _names(card["campaigns"])),
        ("indicators", str(card["indicators"])),
        ("sources", "\n".join(card["sources"]) or "-"),
    ]
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    for key, value in rows:
        facts.add_row(key, value)
    console.out.print(facts)


@intel_app.command("search")
def search_cmd(ctx: typer.Context, text: str = typer.Argument(..., help="Text to look for."),
               limit: int = typer.Option(50, help="At most this many results.")) -> None:
    """Find objects by name, alias, indicator value or description.

    Example: geobuk intel search jumpcloud
    """
    with open_store(ctx) as store:
        hits = store.search(text, limit=limit)
    if not hits:
        console.err.print(f"nothing matches '{text}'", markup=False)
        raise typer.Exit(1)
    table = Table("type", "name", "id", box=None, header_style="bold")
    for oid, kind, name in hits:
        table.add_row(kind, name, oid)
    console.out.print(table)


@intel_app.command("stats")
def stats_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Count what the store holds, by type.

    Example: geobuk intel stats
    """
    with open_store(ctx) as store:
        stats = store.stats()
        stats["pack_version"] = store.meta("pack_version")
    if as_json:
        console.out.print_json(json.dumps(stats))
        return
    console.out.print(f"{stats['objects']} objects ({stats['versions']} versions), "
                      f"{stats['names']} names, schema {stats['schema_version']}, "
                      f"pack {stats['pack_version']}")
    table = Table("type", "count", box=None, header_style="bold")
    for kind, n in stats["by_type"].items():
        table.add_row(kind, str(n))
    for kind, n in stats["indicator_values"].items():
        table.add_row(f"  indicator: {kind}", str(n))
    console.out.print(table)


@intel_app.command("export")
def export_cmd(
    ctx: typer.Context,
    types: list[str] = typer.Option(None, "--type", "-t", help="Only objects of this STIX type "
                                    "(repeatable); relationships between them are kept."),
    out: Path = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
) -> None:
    """Write the store's current objects as one STIX 2.1 bundle.

    Example: geobuk intel export --type intrusion-set --type malware > bundle.json
    """
    with open_store(ctx) as store:
        data = export_bundle(store, types)
    if out:
        out.write_bytes(data)
    else:
        console.out.file.write(data.decode())
        console.out.file.write("\n")


@intel_app.command("read")
def read_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(None, help="Documents: text, HTML, PDF or Markdown."),
    batch: Path = typer.Option(None, "--batch", help='JSON Lines of {"id": ..., "text": ...}.'),
    save: bool = typer.Option(False, "--save", help="Store each document as a STIX report with its intel."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per document."),
) -> None:
    """Read advisories, reports and news (English or French) and extract their intel.

    Actors (any alias), malware, campaigns, vendor attributions, ATT&CK techniques, targeted sectors and
    countries, organisations, amounts, dates and indicators, each with the text it came from; reports
    of the same event are linked. With --save, the next `geobuk hunt` uses the indicators.

    Example: geobuk intel read advisory.pdf article.html --save
    """
    docs = [load_document(p) for p in files or []]
    if batch:
        docs += load_batch(batch)
    if not docs:
        raise GeobukError("nothing to read: give files or --batch FILE.jsonl")
    with open_store(ctx) as store:
        readings = []
        # with ATT&CK in the store, its first use fits a classifier (a minute or two, then cached)
        with console.progress("preparing technique matching", None):
            extractor_for(store)
        with console.progress("reading", len(docs)) as bar:
            for doc in docs:
                readings.append(read_document(doc, store))
                bar.update(bar.task_ids[0], advance=1, description=f"reading {doc.id}")
        link_same_events(readings)
        counts = save_readings(store, readings) if save else None
    for reading in readings:
        if as_json:
            console.out.file.write(json.dumps(reading.summary(), ensure_ascii=False) + "\n")
        else:
            _print_reading(reading)
    if counts is not None:
        console.err.print(f"saved {len(readings)} report(s): {counts.added} new objects, "
                          f"{counts.versions} new versions, {counts.unchanged} unchanged", markup=False)


def _print_reading(reading: Reading) -> None:
    s = reading.summary()
    console.out.print(f"[bold]{s['title'] or s['id']}[/bold]  ({s['id']})")
    rows = [
        ("language", s["language"] or "-"), ("published", s["published"] or "-"),
        ("actors", ", ".join(a["name"] + ("" if a["id"] else " (ambiguous: " + " or ".join(
            c["name"] for c in a.get("candidates", [])) + ")") for a in s["actors"]) or "-"),
        ("attributions", "; ".join(f"{a['vendor']}: {a['alias']}" for a in s["attributions"]) or "-"),
        ("malware", ", ".join(m["name"] for m in s["malware"]) or "-"),
        ("campaigns", ", ".join(c["name"] for c in s["campaigns"]) or "-"),
        ("sectors", ", ".join(s["sectors"]) or "-"), ("countries", ", ".join(s["countries"]) or "-"),
        ("organizations", ", ".join(s["organizations"]) or "-"),
        ("amounts", ", ".join(f"{a['value']:,.0f} {a['currency']}" for a in s["amounts"] if a["value"])
         or "-"),
        ("techniques", ", ".join(s["techniques"]) or "-"),
        ("indicators", ", ".join(f"{i['type']}:{i['value']}" for i in s["indicators"][:20])
         + (f" (+{len(s['indicators']) - 20})" if len(s["indicators"]) > 20 else "") or "-"),
        ("same event as", ", ".join(s["same_event_as"]) or "-"),
    ]
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    for key, value in rows:
        facts.add_row(key, value)
    console.out.print(facts)
    console.out.print()
