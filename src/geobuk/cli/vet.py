"""``geobuk vet``: find fake-identity IT workers among applicants and staff.

``geobuk vet PEOPLE...`` runs the vetting (it is the ``run`` command: the group sends anything that is
not a sub-command name to it), ``geobuk vet generate`` writes a fictional company to try it on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.core import TyperGroup

from geobuk.cli import console
from geobuk.cli.common import open_store
from geobuk.errors import GeobukError
from geobuk.vet.config import load_config
from geobuk.vet.mapping import load_mapping
from geobuk.vet.outputs import OUTPUTS
from geobuk.vet.redact import Redactor, store_key
from geobuk.vet.results import save
from geobuk.vet.run import vet


class DefaultRun(TyperGroup):
    """A group whose default command is ``run``.

    ``geobuk vet people.csv`` is ``geobuk vet run people.csv``.
    """

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


vet_app = typer.Typer(
    cls=DefaultRun,
    help="Vet applicants and staff for fake-identity DPRK IT workers: shared identities, laptop farms, "
    "VPNs, Pyongyang working hours, remote-access tools and IP-KVMs.\n\n"
    "Example: geobuk vet people.csv --signins entra.json --devices devices.csv --format html -o vet.html",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@vet_app.command("run")
def run_cmd(
    ctx: typer.Context,
    people: list[Path] = typer.Argument(..., help="People files (CSV or JSON): applicants and staff."),
    signins: list[Path] = typer.Option(
        None,
        "--signins",
        "-s",
        help="Sign-in log: Entra ID JSON, Okta System Log JSON, or the generic CSV (repeatable).",
    ),
    devices: list[Path] = typer.Option(
        None, "--devices", "-d", help="Device inventory CSV/JSON (repeatable)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="Output: table, jsonl or html."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the report here instead of stdout."),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Replace names, e-mails, phones, addresses, IPs, "
        "accounts and ids by stable pseudonyms in the report (and in the store).",
    ),
    mapping: Path = typer.Option(None, "--mapping", "-m", help="YAML/JSON file naming your columns."),
    config: Path = typer.Option(None, "--config", "-c", help="YAML/JSON file of thresholds and weights."),
    threshold: int = typer.Option(
        None, "--threshold", help="Report people scoring this or more (default 40)."
    ),
    limit: int = typer.Option(50, "--limit", help="People and clusters listed in table/html (0: all)."),
    save_results: bool = typer.Option(True, "--save/--no-save", help="Keep the results in the store."),
) -> None:
    """Score people and clusters of linked people, with the red flags behind each score.

    Exit code 0: nobody at or over the thresholds; 1: someone is; 2: an error.
    """
    output = OUTPUTS.get(fmt)
    settings = load_config(config)
    if threshold is not None:
        if not 0 <= threshold <= 100:
            raise GeobukError("--threshold must be between 0 and 100")
        settings.threshold = threshold
    renames = load_mapping(mapping)
    with open_store(ctx) as store:
        with console.progress("vetting", None) as bar:
            task = bar.task_ids[0]
            result = vet(
                list(people),
                list(signins or []),
                list(devices or []),
                mapping=renames,
                config=settings,
                store=store,
                step=lambda what: bar.update(task, description=f"vetting: {what}"),
            )
        if redact:
            result = Redactor(store_key(store)).result(result)
        parameters = {
            "people": [str(p) for p in people],
            "signins": [str(p) for p in signins or []],
            "devices": [str(p) for p in devices or []],
            "mapping": str(mapping) if mapping else None,
            "config": str(config) if config else None,
            "threshold": settings.threshold,
            "redact": redact,
        }
        if save_results:
            save(store, result, settings, parameters=parameters, source=None if redact else str(people[0]))
    context = {"parameters": parameters, "limit": limit}
    if out:
        with out.open("w", encoding="utf-8", newline="") as stream:
            output().write(result, stream, context=context)
    else:
        output().write(result, sys.stdout, context=context)
    console.err.print(
        f"{result.summary['people']:,} people vetted in {result.seconds:.1f} s: "
        f"{len(result.flagged_people)} people and {len(result.flagged_clusters)} clusters flagged",
        markup=False,
    )
    raise typer.Exit(1 if result.flagged_people or result.flagged_clusters else 0)


@vet_app.command("generate")
def generate_cmd(
    people: int = typer.Option(1000, "--people", "-n", help="How many people the company has (at least 20)."),
    seed: int = typer.Option(7, "--seed", help="The same seed gives the same files."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write into (created if needed)."),
    photo_files: bool = typer.Option(
        True,
        "--photos/--photo-hashes",
        help="Draw photo files, or only write their perceptual hashes (faster for big companies).",
    ),
) -> None:
    """Write a fictional company (HR records, Entra and Okta sign-ins, source-code events, devices) with
    planted DPRK operator personas and honest look-alikes; truth.json says who is who.

    Example: geobuk vet generate --people 1000 --seed 7 --out demo-hr
    """
    from geobuk.vet.generate.writer import generate

    if people < 20:
        raise GeobukError("--people must be at least 20")
    files = generate(people, seed, out, photo_files=photo_files)
    for role, path in files.items():
        console.out.print(f"{role}: {path}", markup=False)
    console.err.print(
        f"import the demo VPN ranges with: geobuk intel import {files['indicators']}", markup=False
    )
