"""``geobuk demo``: the whole flow on embedded data, for a first look and as a smoke test."""

from __future__ import annotations

from pathlib import Path

import typer

from geobuk.cli import console
from geobuk.config import home
from geobuk.demo import DEMO_DIR
from geobuk.intel.actors import actor_card
from geobuk.intel.importing import ensure_builtin_pack, import_files
from geobuk.intel.store import Store


def demo(db: Path = typer.Option(None, "--demo-db", help="Store for the demo, rebuilt each run "
                                 "(default: $GEOBUK_HOME/demo.duckdb).")) -> None:
    """Build a store, load the built-in DPRK intel and a demo advisory, and show what geobuk knows.

    Example: geobuk demo
    """
    path = db or home() / "demo.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Store(path) as store:
        counts = ensure_builtin_pack(store)
        console.out.print(f"[bold]1. intel[/bold]  built-in DPRK pack: {counts.added} objects "
                          f"into {path}")
        advisory = DEMO_DIR / "advisory-iocs.txt"
        imported = import_files(store, [advisory])
        console.out.print(f"   imported {advisory.name}: {imported.added} new objects")
        for alias in ("Onyx Sleet", "jade-sleet", "UNC5267"):
            card = actor_card(store, store.resolve(alias))
            console.out.print(
                f"   '{alias}' is {card['name']} ({card['attack_id'] or 'no ATT&CK id'}): "
                f"{len(card['aliases'])} names, {len(card['malware'])} malware, "
                f"{len(card['techniques'])} techniques, {card['indicators']} indicators, "
                f"attributed to {', '.join(a['name'] for a in card['attributed_to']) or '-'}")
        stats = store.stats()
        console.out.print(f"   store: {stats['objects']} objects, {stats['names']} names, "
                          f"{sum(stats['indicator_values'].values())} indicator values")
