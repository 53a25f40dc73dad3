"""`geobuk hunt` end to end: exit codes, the JSON Lines contract, stored findings, clear errors."""

from __future__ import annotations

import json

import pytest

from detect_helpers import SYSMON, process
from geobuk.cli.main import run
from geobuk.detect.results import load_findings
from geobuk.intel.store import Store

RULE = """
title: Test plink tunnel
id: 3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b
status: test
actor: Onyx Sleet
tags: [attack.command-and-control, attack.t1572]
logsource: {category: process_creation, product: windows}
detection:
    sel:
        Image|endswith: '\\\\plink.exe'
    condition: sel
level: high
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOBUK_HOME", str(tmp_path / "home"))
    rules = tmp_path / "rule.yml"
    rules.write_text(RULE)
    logs = tmp_path / "logs.jsonl"
    logs.write_text("\n".join(json.dumps(e) for e in [
        process(r"C:\t\plink.exe", "plink -R 1:2:3", Computer="ws-1"),
        {"Channel": SYSMON, "EventID": "3", "DestinationIp": "192.0.2.45", "Computer": "ws-2"},
        process(r"C:\x\notepad.exe", "notepad", Computer="ws-1")]) + "\n")
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps(process(r"C:\x\notepad.exe", "notepad")) + "\n")
    ioc = tmp_path / "iocs.txt"
    ioc.write_text("192.0.2.45;Andariel C2\n")
    return {"db": tmp_path / "h.duckdb", "rules": rules, "logs": logs, "clean": clean, "ioc": ioc,
            "tmp": tmp_path}


def geobuk(env, *args: str) -> int:
    return run(["--db", str(env["db"]), *args])


def test_findings_exit_1_and_jsonl_contract(env, capsys):
    assert geobuk(env, "intel", "import", str(env["ioc"])) == 0
    capsys.readouterr()
    code = geobuk(env, "hunt", str(env["logs"]), "--rules", str(env["rules"]), "--no-builtin-rules",
                  "--format", "jsonl", "--workers", "1")
    assert code == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {x["kind"] for x in lines} == {"sigma", "indicator"}
    for finding in lines:
        for key in ("rule_id", "rule_title", "level", "tags", "actor", "indicator", "source_file",
                    "record_id", "timestamp", "host", "event"):
            assert key in finding
    sigma = next(x for x in lines if x["kind"] == "sigma")
    assert sigma["actor"] == "Andariel" and sigma["tags"] == ["attack.command-and-control", "attack.t1572"]
    assert sigma["host"] == "ws-1" and sigma["record_id"] == "1"
    ind = next(x for x in lines if x["kind"] == "indicator")
    assert ind["indicator"]["value"] == "192.0.2.45" and ind["actor"] == "Andariel"


def test_no_findings_exit_0_and_findings_are_stored(env, capsys):
    assert geobuk(env, "hunt", str(env["clean"]), "--rules", str(env["rules"]), "--no-builtin-rules",
                  "--workers", "1") == 0
    assert geobuk(env, "hunt", str(env["logs"]), "--rules", str(env["rules"]), "--no-builtin-rules",
                  "--no-intel", "--format", "csv", "--out", str(env["tmp"] / "f.csv"), "--workers", "1") == 1
    assert "Test plink tunnel" in (env["tmp"] / "f.csv").read_text()
    with Store(env["db"]) as store:
        runs = store.con.execute("SELECT id, parameters FROM runs ORDER BY started").fetchall()
        assert len(runs) == 2
        assert json.loads(runs[1][1])["intel"] is False
        assert [f["rule_title"] for f in load_findings(store, runs[1][0])] == ["Test plink tunnel"]


def test_html_report_is_written(env, capsys):
    out = env["tmp"] / "hunt.html"
    assert geobuk(env, "hunt", str(env["logs"]), "--rules", str(env["rules"]), "--no-builtin-rules",
                  "--format", "html", "--out", str(out), "--workers", "1") == 1
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Test plink tunnel" in page


@pytest.mark.parametrize("args, message", [
    (["--no-builtin-rules"], "no rules"),
    (["--min-level", "urgent"], "--min-level"),
    (["--format", "pdf"], "unknown"),
])
def test_bad_options_are_one_line_errors(env, capsys, args, message):
    assert geobuk(env, "hunt", str(env["logs"]), *args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_file_that_is_not_a_log_is_one_clear_line(env, capsys):
    junk = env["tmp"] / "photo.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    assert geobuk(env, "hunt", str(junk), "--rules", str(env["rules"]), "--no-builtin-rules") == 2
    err = capsys.readouterr().err.strip()
    assert "photo.bin" in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_missing_path_is_one_clear_line(env, capsys):
    assert geobuk(env, "hunt", str(env["tmp"] / "nope"), "--rules", str(env["rules"])) == 2
    assert "nope" in capsys.readouterr().err


def test_builtin_rules_load_without_problems(env, capsys):
    assert geobuk(env, "hunt", str(env["clean"]), "--workers", "1") == 0
    err = capsys.readouterr().err
    assert "could not be loaded" not in err
