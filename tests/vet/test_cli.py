"""``geobuk vet`` through a Typer app built like the real one (the CLI registers ``vet_app``)."""

from __future__ import annotations

import json

import pytest
import typer

from geobuk.cli import main as cli_main
from geobuk.cli.vet import vet_app


@pytest.fixture
def geobuk(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOBUK_HOME", str(tmp_path / "home"))
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    app.callback()(cli_main.main_options)
    app.add_typer(vet_app, name="vet")
    monkeypatch.setattr(cli_main, "app", app)
    db = tmp_path / "g.duckdb"
    return lambda *args: cli_main.run(["--db", str(db), *args])


def test_generate_then_vet_jsonl_and_exit_code(geobuk, tmp_path, capsys):
    out = tmp_path / "co"
    assert (
        geobuk("vet", "generate", "--people", "60", "--seed", "3", "--out", str(out), "--photo-hashes") == 0
    )
    capsys.readouterr()
    code = geobuk(
        "vet",
        str(out / "people.csv"),
        "--signins",
        str(out / "signins-entra.json"),
        "--signins",
        str(out / "signins-okta.json"),
        "--devices",
        str(out / "devices.csv"),
        "--format",
        "jsonl",
    )
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 1 and len([x for x in lines if x["type"] == "person"]) == 60
    operators = set(json.loads((out / "truth.json").read_text())["operators"])
    assert lines[0]["person_id"] in operators


def test_redacted_html_to_file_and_errors_are_one_line(geobuk, tmp_path, capsys, person, people_file):
    people = people_file([person("E1", full_name="Ann Lee", camera_refused="yes"), person("E2")])
    report = tmp_path / "r.html"
    assert (
        geobuk(
            "vet",
            "run",
            str(people),
            "--redact",
            "--format",
            "html",
            "--out",
            str(report),
            "--threshold",
            "10",
        )
        == 1
    )
    assert "Ann Lee" not in report.read_text() and "<svg" not in report.read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,camera_refused\nE1,perhaps\n")
    capsys.readouterr()
    assert geobuk("vet", str(bad)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.csv: row 2: camera_refused" in err
    assert geobuk("vet", str(people), "--format", "pdf") == 2
