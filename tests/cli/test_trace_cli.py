"""The ``geobuk trace`` commands through Typer (the app is registered in ``cli.main`` by its owner)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from geobuk.cli.trace import trace_app
from geobuk.errors import GeobukError

RONIN = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def _run(db: Path, *args: str):
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = {"db": db}

    app.add_typer(trace_app, name="trace")
    return CliRunner().invoke(app, ["trace", *args])


def test_generate_load_follow_screen(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert _run(db, "generate", "--seed", "2", "--out", str(tmp_path / "d")).exit_code == 0
    result = _run(db, "load", str(tmp_path / "d" / "eth_transfers.csv"))
    assert result.exit_code == 0 and "new transfers" in result.output
    result = _run(
        db,
        "follow",
        "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d",
        "--format",
        "jsonl",
        "--model",
        "poison",
        "--hops",
        "4",
    )
    assert result.exit_code == 1
    patterns = {json.loads(x)["pattern"] for x in result.output.splitlines() if '"type":"pattern"' in x}
    assert "fan-out" in patterns
    html = tmp_path / "f.html"
    assert (
        _run(
            db, "follow", "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d", "-f", "html", "-o", str(html)
        ).exit_code
        == 1
    )
    assert "<svg" in html.read_text()
    result = _run(db, "screen", RONIN, "--format", "jsonl")
    assert result.exit_code == 1 and json.loads(result.output)["actor"]["name"] == "Lazarus Group"


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    result = _run(db, "follow", RONIN, "--model", "lifo")
    assert isinstance(result.exception, GeobukError) and "--model must be one of" in str(result.exception)
    result = _run(db, "screen", RONIN, "--format", "html")
    assert isinstance(result.exception, Exception) and "cannot write screen" in str(result.exception)
