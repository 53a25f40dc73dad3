"""Helpers for detection tests: compile rule YAML written in the test, and match it on events."""

from __future__ import annotations

import pyarrow as pa
import yaml

from geobuk.detect.engine import Batch, match_rules
from geobuk.detect.plan import Plan
from geobuk.detect.rulesets import RuleSet
from geobuk.detect.sigma.loader import compile_documents

SYSMON = "Microsoft-Windows-Sysmon/Operational"


def compile_yaml(text: str, pipeline: str = "windows") -> RuleSet:
    return compile_documents([d for d in yaml.safe_load_all(text) if d], "test.yml", pipeline)


def table_of(events: list[dict]) -> pa.Table:
    names = list(dict.fromkeys(k for e in events for k in e))
    schema = pa.schema([(n, pa.string()) for n in names])
    return pa.Table.from_pylist([{k: (None if v is None else str(v)) for k, v in e.items()} for e in events],
                                schema=schema)


def matched(rule_yaml: str, events: list[dict], *, plan: bool = True, pipeline: str = "windows") -> list[int]:
    """Indexes of the events the (single) rule matches; fails loudly if the rule does not compile."""
    ruleset = compile_yaml(rule_yaml, pipeline)
    assert not ruleset.problems, ruleset.problems
    assert len(ruleset.rules) == 1
    hits = match_rules(Batch(table_of(events), Plan(ruleset.rules) if plan else None), ruleset.rules)
    return sorted(int(r) for rows in hits.values() for r in rows)


def process(image: str, command_line: str = "", **fields: str) -> dict:
    """A Sysmon process-creation event."""
    return {"Channel": SYSMON, "EventID": "1", "Image": image, "CommandLine": command_line, **fields}


def rule(detection: str, logsource: str = "category: process_creation\n    product: windows") -> str:
    return f"""
title: test rule
id: 5f0c9e0a-3b7d-4c1e-9a55-0d1f2e3a4b5c
status: test
logsource:
    {logsource}
detection:
{detection}
level: high
"""
