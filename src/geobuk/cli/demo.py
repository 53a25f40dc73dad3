"""``geobuk demo``: the whole flow on embedded data, for a first look and as a smoke test."""

from __future__ import annotations

from pathlib import Path

import typer

from geobuk.cli import console
from geobuk.config import home
from geobuk.demo import DEMO_DIR
from geobuk.detect.attribution import attribution_from_store
from geobuk.detect.hunt import hunt, sort_findings
from geobuk.detect.indicators import IndicatorIndex
from geobuk.detect.results import save_run
from geobuk.detect.rulesets import BUILTIN_RULES, default_cache_dir, load_ruleset
from geobuk.intel.actors import actor_card
from geobuk.intel.importing import ensure_builtin_pack, import_files
from geobuk.intel.read.documents import load_document
from geobuk.intel.read.linking import link_same_events
from geobuk.intel.read.reader import read_document
from geobuk.intel.read.stix_out import save_readings
from geobuk.intel.store import Store
from geobuk.report.findings import OUTPUTS
from geobuk.trace.builtin import ensure_builtin_addresses
from geobuk.trace.follow import Context, run_follow
from geobuk.trace.generate import generate
from geobuk.trace.load import load_files
from geobuk.trace.outputs import OUTPUTS as TRACE_OUTPUTS
from geobuk.trace.results import save_follow
from geobuk.vet.config import VetConfig
from geobuk.vet.generate.writer import generate as generate_company
from geobuk.vet.outputs import OUTPUTS as VET_OUTPUTS
from geobuk.vet.results import save as vet_save
from geobuk.vet.run import vet


def demo(db: Path = typer.Option(None, "--demo-db", help="Store for the demo, rebuilt each run "
                                 "(default: $GEOBUK_HOME/demo.duckdb).")) -> None:
    """Build a store, load the built-in DPRK intel, read two demo news articles (French and English)
    into it, hunt the bundled demo logs with what they named, vet a generated company, and follow
    stolen crypto through generated transfers.

    Example: geobuk demo
    """
    path = db or home() / "demo.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Store(path) as store:
        counts = ensure_builtin_pack(store)
        console.out.print(f"[bold]1. intel[/bold]  built-in DPRK pack: {counts.added} objects "
                          f"into {path}")
        _read_news(store)
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
        _hunt(store)
        _vet(store, path.parent / "demo-hr")
        _trace(store, path.parent / "demo-trace")


def _read_news(store: Store) -> None:
    """Stage 1b: news in, hunt out. Two news articles written for the demo (one French, one English)
    are read; what they name (actors, malware, techniques, sectors, countries, indicators) is saved as
    STIX reports, and the indicators are what the hunt looks for next."""
    news = sorted((DEMO_DIR / "news").glob("*.md"))
    readings = [read_document(load_document(path), store) for path in news]
    link_same_events(readings)
    counts = save_readings(store, readings)
    for reading in readings:
        s = reading.summary()
        console.out.print(
            f"   read {s['id']} ({s['language']}, {s['published'] or 'undated'}): "
            f"{', '.join(a['name'] for a in s['actors']) or 'no actor'}; "
            f"malware {', '.join(m['name'] for m in s['malware']) or '-'}; "
            f"techniques {', '.join(s['techniques']) or '-'}; {len(s['indicators'])} indicators")
    console.out.print(f"   saved {len(readings)} STIX reports: {counts.added} new objects")


def _vet(store: Store, folder: Path) -> None:
    """Stage 3: a generated company of 300 people with planted operator personas (shared phones and
    addresses, laptop farms, Astrill VPN, Pyongyang hours, IP-KVMs) and honest look-alikes."""
    files = generate_company(300, 7, folder, photo_files=True)
    import_files(store, [files["indicators"]])
    result = vet([files["people"]], [files["entra"], files["okta"], files["activity"]], [files["devices"]],
                 store=store)
    vet_save(store, result, VetConfig(), parameters={"demo": True}, source=str(files["people"]))
    console.out.print(f"[bold]3. vet[/bold]    {result.summary['people']} people vetted: "
                      f"{len(result.flagged_people)} people and {len(result.flagged_clusters)} clusters "
                      "flagged (see the top of the list)")
    VET_OUTPUTS.get("table")().write(result, console.out.file, context={"limit": 8})


def _trace(store: Store, folder: Path) -> None:
    """Stage 4: generated transfers around a real theft address (Bybit 2025), with planted laundering,
    followed from the stolen funds to the services they reached."""
    scenario = generate(1, folder)
    ensure_builtin_addresses(store)
    import_files(store, [folder / "labels.yaml"])
    load_files(store, [folder / "eth_transfers.csv", folder / "btc_transactions.jsonl"])
    result = run_follow(Context.from_store(store), [scenario.eth_seed], hops=5, model="haircut")
    save_follow(store, result)
    actor = (result.actor or {}).get("name", "no known actor")
    patterns = sorted({p["pattern"] for p in result.patterns})
    console.out.print(f"[bold]4. trace[/bold]  stolen funds from {scenario.eth_seed} ({actor}) followed "
                      f"5 hops: {len(result.endpoints)} services reached; laundering: "
                      f"{', '.join(patterns) or '-'}")
    TRACE_OUTPUTS.get("table")().write_follow(result, console.out.file)

def _hunt(store: Store) -> None:
    """Stage 2: the bundled demo logs (a fictional company with planted DPRK tradecraft) hunted with
    geobuk's DPRK rules and the indicators just read from the news."""
    ruleset = load_ruleset([BUILTIN_RULES], cache_dir=default_cache_dir())
    logs = DEMO_DIR / "logs"
    result = hunt([logs], ruleset, indicators=IndicatorIndex.from_table(store.indicator_table()),
                  attribution=attribution_from_store(store))
    result.findings = sort_findings(result.findings)
    actors = sorted({f.actor for f in result.findings if f.actor})
    console.out.print(f"[bold]2. hunt[/bold]   {result.events} events from {result.sources} demo logs, "
                      f"{len(ruleset.rules)} DPRK rules: {len(result.findings)} findings pointing to "
                      f"{', '.join(actors) or 'no actor'}")
    save_run(store, result.findings, parameters={"paths": [str(logs)], "demo": True},
             summary={"events": result.events, "findings": len(result.findings)}, seconds=result.seconds)
    OUTPUTS.get("table")().write(result, console.out.file, context={
        "summary": {"events": result.events, "sources": result.sources, "rules": len(ruleset.rules)}})
