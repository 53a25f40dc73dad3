"""Fixtures of the report tests (the findings themselves are in ``samples``)."""

from __future__ import annotations

import pytest

from geobuk.detect.findings import Finding
from report.samples import SCRIPT, Result, sample_findings


@pytest.fixture
def findings() -> list[Finding]:
    return sample_findings()


@pytest.fixture
def result(findings: list[Finding]) -> Result:
    return Result(findings, problems=["logs/bad.evtx: record 5: <corrupt> chunk"])


@pytest.fixture
def context() -> dict:
    return {"parameters": {"paths": ["logs"], "rules": [], "builtin_rules": True, "intel": True,
                           "min_level": "informational"},
            "summary": {"events": 1234, "rules": 12, "correlations": 1, "rules_skipped": 1},
            "skipped_rules": [f"rules/bad.yml: unsupported modifier {SCRIPT}"],
            "problems": ["logs/bad.evtx: record 5: <corrupt> chunk"],
            "generated": "2024-05-03 00:00:00 UTC"}
