"""``geobuk``: the entry point, and the one place where user errors become a one-line message."""

from __future__ import annotations

from pathlib import Path

import typer

from geobuk import __version__
from geobuk.cli import console
from geobuk.cli.demo import demo
from geobuk.cli.hunt import hunt_cmd
from geobuk.cli.intel import intel_app
from geobuk.cli.trace import trace_app
from geobuk.cli.vet import vet_app
from geobuk.config import default_db
from geobuk.errors import GeobukError

app = typer.Typer(
    name="geobuk",
    help="Defend against North Korean (DPRK) state cyber operations: know the adversary (intel), "
         "hunt for it in your logs, vet who you hire, trace stolen crypto, share what you find.\n\n"
         "Example: geobuk demo",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(intel_app, name="intel")
app.command("hunt")(hunt_cmd)
app.add_typer(vet_app, name="vet")
app.add_typer(trace_app, name="trace")
app.command()(demo)


def _version(value: bool) -> None:
    if value:
        console.out.print(f"geobuk {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Path = typer.Option(None, "--db", help="Store file (default: $GEOBUK_HOME/geobuk.duckdb).",
                            envvar="GEOBUK_DB"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    ctx.obj = {"db": db or default_db()}


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; input errors print one line and give 2."""
    try:
        app(args=argv, prog_name="geobuk")
    except GeobukError as exc:
        console.err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        return exc.exit_code
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    return 0
