"""The evidence line: the most telling field of an event, an indicator's value, a correlation's group."""

from __future__ import annotations

from geobuk.report.findings.evidence import evidence, telling_field
from report.samples import EXCEL_ATTACK, SCRIPT, make


def test_the_command_line_tells_more_than_the_image():
    event = {"EventID": "1", "Image": r"C:\x\rundll32.exe", "CommandLine": "rundll32 a.dll,Run"}
    assert telling_field(event) == ("CommandLine", "rundll32 a.dll,Run")
    assert telling_field({"EventID": "1", "Image": r"C:\x\a.exe"}) == ("Image", r"C:\x\a.exe")


def test_field_names_match_across_log_styles():
    assert telling_field({"host.name": "h", "process.command_line": "cmd /c whoami"}) == (
        "process.command_line", "cmd /c whoami")
    assert telling_field({"Query Name": "evil.example", "Image": "a"}) == ("Query Name", "evil.example")


def test_empty_fields_are_skipped_and_an_unknown_event_shows_its_first_field():
    assert telling_field({"CommandLine": "", "Foo": "bar", "Baz": "q"}) == ("Foo", "bar")
    assert telling_field({"CommandLine": None}) is None


def test_each_kind_of_finding():
    sigma = make(event={"Image": "a.exe", "CommandLine": EXCEL_ATTACK})
    indicator = make(kind="indicator", indicator={"id": "i", "type": "domain", "value": f"{SCRIPT}.example",
                                                   "name": "n"}, event={"QueryName": "other.example"})
    correlation = make(kind="correlation", event={"User": "alice", "count": "4", "first": "t", "last": "u"},
                       related=[["f", "1"]] * 4)
    assert evidence(sigma) == f"CommandLine: {EXCEL_ATTACK}"
    assert evidence(indicator) == f"domain: {SCRIPT}.example"
    assert evidence(correlation) == "User=alice, 4 events"
    assert evidence(make(event={})) == ""


def test_evidence_is_one_short_printable_line():
    finding = make(event={"CommandLine": "powershell -enc " + "A" * 200 + "\x1b[2J\nwhoami"})
    line = evidence(finding, width=50)
    assert len(line) == 50
    assert "\x1b" not in line and "\n" not in line
    assert line.endswith("\\x1b[2J\\nwhoami")
