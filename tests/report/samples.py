"""Hand-made hunt findings for the report tests: every kind, hostile values, non-ASCII text."""

from __future__ import annotations

from dataclasses import dataclass, field

from geobuk.detect.findings import Finding

EXCEL_ATTACK = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script>"
KOREAN_HOST = "서버-01"
#: A title that is Rich markup and, in a spreadsheet, a formula.
POWERSHELL = "-EncodedCommand [bold]PowerShell[/]"


@dataclass
class Result:
    """The fields of a hunt result the outputs read (``HuntResultLike``)."""

    findings: list[Finding]
    problems: list[str] = field(default_factory=list)
    events: int = 1234
    sources: int = 2
    seconds: float = 0.5


def make(**overrides) -> Finding:
    values = {"kind": "sigma", "rule_id": "r-1", "rule_title": "Rule", "level": "medium", "tags": [],
              "actor": None, "indicator": None, "source_file": "logs/a.evtx", "record_id": "1",
              "timestamp": "2024-05-01T10:00:00Z", "host": "WS-01", "event": {}}
    values.update(overrides)
    return Finding(**values)


def sample_findings() -> list[Finding]:
    """Six findings of four rules on four hosts, in the order ``sort_findings`` would give."""
    lazarus = {"kind": "sigma", "rule_id": "rule-lazarus", "rule_title": "Lazarus rundll32 payload",
               "level": "critical", "tags": ["attack.execution", "attack.t1218.011", "attack.g0032"],
               "actor": "Lazarus Group"}
    return [
        # Same rule and host twice: 11:00+09:00 is 02:00Z, earlier than 10:00Z though it sorts later as text.
        make(**lazarus, record_id="7", timestamp="2024-05-01T10:00:00Z",
             event={"Image": r"C:\Windows\System32\rundll32.exe", "CommandLine": EXCEL_ATTACK,
                    "Computer": "WS-01"}),
        make(**lazarus, record_id="3", timestamp="2024-05-01T11:00:00+09:00",
             event={"Image": r"C:\Windows\System32\rundll32.exe", "CommandLine": "rundll32 x.dll,Run"}),
        make(**lazarus, record_id="9", host="WS-02", timestamp="2024-05-02T08:30:00Z",
             event={"Image": r"C:\Windows\System32\rundll32.exe", "CommandLine": "rundll32 y.dll,Go"}),
        make(kind="indicator", rule_id="indicator--1", rule_title=f"Known indicator: {SCRIPT}", level="high",
             actor="Kimsuky", host=KOREAN_HOST, source_file="logs/dns.jsonl", record_id="42",
             timestamp="2024-05-01T12:00:00Z",
             indicator={"id": "indicator--1", "type": "domain", "value": f"{SCRIPT}.example",
                        "name": "피싱 도메인"},
             event={"QueryName": f"{SCRIPT}.example", "Comment": "phishing"}),
        make(kind="correlation", rule_id="corr-1", rule_title="Many failed logons", level="medium",
             host=None, record_id="11", timestamp="2024-05-01T11:00:00+00:00",
             event={"User": "alice", "count": "3", "first": "2024-05-01T11:00:00+00:00",
                    "last": "2024-05-01T11:04:00+00:00"},
             related=[["logs/sec.evtx", "11"], ["logs/sec.evtx", "12"], ["logs/sec.evtx", "13"]]),
        make(rule_id="rule-ps", rule_title=POWERSHELL, level="low", actor="Kimsuky", host="@WS-03",
             record_id="5", timestamp="2024-05-01T13:00:00Z",
             event={"Image": r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                    "CommandLine": "powershell -enc SQBFAFgA\x1b[2J\r\nwhoami"}),
    ]
