"""The terminal table: one row per rule and host, most severe first, no colour outside a terminal."""

from __future__ import annotations

import io

import pytest

from geobuk.report.findings.table import TableOutput, short_time, time_range
from report.samples import EXCEL_ATTACK, KOREAN_HOST, POWERSHELL, SCRIPT, Result, make


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    """Rich reads these; the tests decide themselves whether the stream is a terminal."""
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERM", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "250")


def render(result, stream=None, **options) -> str:
    stream = stream if stream is not None else io.StringIO()
    TableOutput(**{"file_width": 250, **options}).write(result, stream, context={})
    return stream.getvalue()


def row_of(text: str, *needles: str) -> tuple[int, str]:
    """The one table line holding every needle, with its index."""
    found = [(i, line) for i, line in enumerate(text.splitlines()) if all(n in line for n in needles)]
    assert len(found) == 1, (needles, found)
    return found[0]


def test_summary_header(result):
    first_line = render(result).splitlines()[0]
    assert first_line == "6 findings · 4 rules · 4 hosts · 1,234 events read from 2 sources · 0.5 s"
    assert "critical 3 · high 1 · medium 1 · low 1" in render(result)


def test_one_row_per_rule_and_host_most_severe_first(result):
    text = render(result)
    ws01, line01 = row_of(text, "Lazarus rundll32 payload", "WS-01")
    ws02, _ = row_of(text, "Lazarus rundll32 payload", "WS-02")
    indicator, line_ioc = row_of(text, KOREAN_HOST)
    correlation, line_corr = row_of(text, "Many failed logons")
    low, line_low = row_of(text, "@WS-03")
    assert ws01 < ws02 < indicator < correlation < low
    assert line01.split()[0] == "critical"
    # Two events, first and last as instants in UTC (11:00+09:00 is 02:00Z), the command line as evidence.
    assert " 2 " in line01
    assert "2024-05-01 02:00:00 → 10:00:00" in line01
    assert f"CommandLine: {EXCEL_ATTACK}" in line01
    assert f"domain: {SCRIPT}.example" in line_ioc and "Kimsuky" in line_ioc
    assert "User=alice, 3 events" in line_corr and "(correlation)" in line_corr
    assert " 3 " in line_corr  # the events behind the correlation, not its one finding
    assert line_low.split()[0] == "low"


def test_no_colour_and_no_markup_outside_a_terminal(result):
    text = render(result)
    assert "\x1b" not in text
    assert POWERSHELL in text  # "[bold]...[/]" printed as it is, not read as Rich markup
    assert "SQBFAFgA\\x1b[2J\\nwhoami" in text  # the log's ESC shown as an escape


def test_colour_at_a_terminal(result):
    text = render(result, Terminal())
    assert "\x1b[" in text
    assert "\x1b[2J" not in text  # only Rich's own styles: the log's escape is still escaped
    assert POWERSHELL in text


def test_long_evidence_is_shortened():
    finding = make(event={"CommandLine": "powershell " + "A" * 300 + " END"})
    text = render(Result([finding]), evidence_width=40)
    line = row_of(text, "CommandLine: powers")[1]
    assert "…" in line and line.rstrip().endswith("AAA END")
    assert "A" * 41 not in line


def test_no_findings():
    text = render(Result([], events=10, sources=1, seconds=0.04))
    assert text.splitlines() == ["0 findings · 0 rules · 0 hosts · 10 events read from 1 source · 0.0 s",
                                 "No findings."]


def test_short_time():
    assert short_time("2024-05-01T09:00:00.123+09:00") == "2024-05-01 00:00:00"
    assert short_time("not a time\x1b") == "not a time\\x1b"
    assert short_time(None) == "-"


def test_time_range():
    assert time_range("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00") == "2024-05-01 10:00:00"
    assert time_range("2024-05-01T10:00:00Z", "2024-05-01T12:30:00Z") == "2024-05-01 10:00:00 → 12:30:00"
    assert time_range("2024-05-01T23:00:00Z", "2024-05-02T01:00:00Z") == (
        "2024-05-01 23:00:00 → 2024-05-02 01:00:00")
    assert time_range("later", "soon") == "later → soon"
    assert time_range(None, None) == "-"
