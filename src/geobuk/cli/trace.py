"""``geobuk trace``: screen crypto addresses and follow stolen funds."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from geobuk.cli import console
from geobuk.cli.common import open_store
from geobuk.errors import GeobukError, InputError
from geobuk.trace.builtin import ensure_builtin_addresses
from geobuk.trace.follow import Context, run_follow
from geobuk.trace.generate import generate
from geobuk.trace.load import load_files
from geobuk.trace.loaders import LOADERS
from geobuk.trace.outputs import OUTPUTS
from geobuk.trace.results import save_follow
from geobuk.trace.screen import DEFAULT_MAX_HOPS, screen
from geobuk.trace.taint import MODELS

trace_app = typer.Typer(
    help="Trace stolen crypto: screen addresses against attributed and sanctioned ones, "
    "load transfers, follow funds.\n\nExample: geobuk trace screen "
    "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _inputs(items: list[str]) -> list[str]:
    """Addresses given on the command line, or read from files (one a line, # comments)."""
    values: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(path, f"cannot read: {exc}") from None
            values += [x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#")]
        else:
            values.append(item)
    return values


def _output(fmt: str, what: str):  # noqa: ANN202 - a TraceOutput instance
    output = OUTPUTS.get(fmt)
    if what not in output.supports:
        raise GeobukError(
            f"--format {fmt} cannot write {what} results "
            f"(use one of {', '.join(n for n in OUTPUTS.names() if what in OUTPUTS.get(n).supports)})"
        )
    return output()


def _open(ctx: typer.Context):  # noqa: ANN202 - a Store
    store = open_store(ctx)
    for warning in ensure_builtin_addresses(store):
        console.err.print(f"warning: {warning}", markup=False)
    return store


@trace_app.command("screen")
def screen_cmd(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., help="Addresses, or files of addresses (one a line)."),
    fmt: str = typer.Option("table", "--format", "-f", help="Output: table or jsonl."),
    max_hops: int = typer.Option(DEFAULT_MAX_HOPS, "--max-hops", help="How far to look for exposure."),
) -> None:
    """Screen addresses: labels, actor, sources, and exposure (hops to a risky address).

    Exit code 0: nothing known; 1: at least one address is labelled or exposed; 2: an error.

    Example: geobuk trace screen 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 wallets.txt --format jsonl
    """
    output = _output(fmt, "screen")
    values = _inputs(items)
    with _open(ctx) as store:
        rows = screen(store, values, max_hops=max_hops)
    output.write_screen(rows, sys.stdout)
    invalid = sum(1 for r in rows if not r.valid)
    if invalid:
        console.err.print(f"{invalid} invalid address(es) reported, not matched", markup=False)
    raise typer.Exit(1 if any(r.hit for r in rows) else 0)


@trace_app.command("load")
def load_cmd(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Transfer exports (format detected from content)."),
    fmt: str = typer.Option(None, "--format", "-f", help=f"Force a format: {', '.join(LOADERS.names())}."),
    skip_bad: bool = typer.Option(
        False, "--skip-bad", help="Leave bad rows out (listed) instead of failing."
    ),
) -> None:
    """Load transfers: ethereum-etl transactions/token_transfers, bitcoin-etl, or generic CSV.

    All files are loaded in one transaction; loading the same rows twice adds nothing.

    Example: geobuk trace load transactions.csv token_transfers.csv btc_transactions.jsonl
    """
    with _open(ctx) as store, console.progress("loading", len(files)) as bar:

        def step(path: Path, loader: str) -> None:
            bar.update(bar.task_ids[0], advance=1, description=f"{path.name} ({loader})")

        counts = load_files(store, files, fmt=fmt, skip_bad=skip_bad, on_file=step)
    for problem in counts.problems[:50]:
        console.err.print(f"warning: {problem}", markup=False)
    console.out.print(
        f"loaded {counts.files} file(s), {counts.rows} rows: {counts.transfers} new transfers, "
        f"{counts.btc_inputs} bitcoin inputs, {counts.btc_outputs} outputs "
        f"({counts.btc_transfers} bitcoin transfers), {counts.clustered} clustered addresses"
    )


def _since(value: str | None) -> int | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise GeobukError(f"--since {value!r} is not an ISO 8601 date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1e6)


@trace_app.command("follow")
def follow_cmd(
    ctx: typer.Context,
    addresses: list[str] = typer.Argument(..., help="Addresses to follow (their clusters, for Bitcoin)."),
    hops: int = typer.Option(5, "--hops", help="At most this many transfers from the seeds."),
    direction: str = typer.Option(
        "out", "--direction", help="out: where funds went; in: where they came from."
    ),
    model: str = typer.Option("haircut", "--model", help=f"Taint model: {', '.join(MODELS)}."),
    since: str = typer.Option(
        None, "--since", help="Only transfers from the seeds from this time (ISO 8601)."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="Output: table, jsonl or html."),
    out: Path = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    save: bool = typer.Option(True, "--save/--no-save", help="Keep the results in the store."),
) -> None:
    """Follow funds from addresses, stopping at exchanges, mixers and bridges; name laundering patterns.

    Exit code 0: nothing reached a service and no pattern; 1: endpoints or patterns found; 2: an error.

    Example: geobuk trace follow 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 --format html -o ronin.html
    """
    if model not in MODELS:
        raise GeobukError(f"--model must be one of {', '.join(MODELS)}")
    if direction not in ("out", "in"):
        raise GeobukError("--direction must be out or in")
    if hops < 1:
        raise GeobukError("--hops must be at least 1")
    output = _output(fmt, "follow")
    with _open(ctx) as store:
        context = Context.from_store(store)
        if not context.graph.n_edges:
            raise GeobukError("no transfers loaded: run `geobuk trace load FILE...` first")
        result = run_follow(
            context, _inputs(addresses), hops=hops, model=model, direction=direction, since=_since(since)
        )
        if save:
            save_follow(store, result)
    if out:
        with out.open("w", encoding="utf-8", newline="") as stream:
            output.write_follow(result, stream)
    else:
        output.write_follow(result, sys.stdout)
    console.err.print(
        f"{result.totals.get('transfers', 0)} tainted transfers, {len(result.endpoints)} endpoints, "
        f"{len(result.patterns)} patterns in {result.seconds:.2f} s",
        markup=False,
    )
    raise typer.Exit(1 if result.endpoints or result.patterns else 0)


@trace_app.command("generate")
def generate_cmd(
    seed: int = typer.Option(1, "--seed", help="Random seed (the same seed writes the same files)."),
    out: Path = typer.Option(..., "--out", help="Folder to write into."),
) -> None:
    """Write demo transfers with planted DPRK-style laundering and honest traffic.

    Example: geobuk trace generate --seed 1 --out demo-trace && geobuk trace load demo-trace/*.csv
    """
    scenario = generate(seed, out)
    console.out.print(
        f"wrote {out}/eth_transfers.csv, btc_transactions.jsonl, labels.yaml, scenario.json; "
        f"seeds {scenario.eth_seed} (ETH) and {scenario.btc_seed} (BTC)"
    )
