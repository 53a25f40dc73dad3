"""Sigma semantics, modifier by modifier, through compile + engine (with and without field plans)."""

from __future__ import annotations

import base64

import pytest

from detect_helpers import SYSMON, compile_yaml, matched, process, rule

BOTH = pytest.mark.parametrize("plan", [True, False], ids=["plan", "no-plan"])


@BOTH
def test_contains_startswith_endswith_and_equality_are_case_insensitive(plan):
    events = [process(r"C:\Windows\System32\CMD.EXE", "cmd /c whoami"),
              process(r"C:\Tools\notcmd.exe.bak", "cmd /c dir"),
              process(r"c:\windows\system32\cmd.exe", "CMD /C WHOAMI /ALL")]
    assert matched(rule("""    sel:
        Image|endswith: '\\cmd.exe'
        CommandLine|contains: 'whoami'
    condition: sel"""), events, plan=plan) == [0, 2]
    assert matched(rule("""    sel:
        Image|startswith: 'C:\\Windows\\'
    condition: sel"""), events, plan=plan) == [0, 2]
    assert matched(rule("""    sel:
        CommandLine: 'cmd /c dir'
    condition: sel"""), events, plan=plan) == [1]


@BOTH
def test_all_requires_every_value(plan):
    events = [process("a.exe", "x -enc AAA IEX"), process("a.exe", "x -enc AAA")]
    assert matched(rule("""    sel:
        CommandLine|contains|all: ['-enc', 'iex']
    condition: sel"""), events, plan=plan) == [0]


@BOTH
def test_wildcards_inside_values(plan):
    events = [process("a.exe", "net user admin /add"), process("a.exe", "net user"),
              process("a.exe", "netXuser")]
    assert matched(rule("""    sel:
        CommandLine: 'net*/add'
    condition: sel"""), events, plan=plan) == [0]
    assert matched(rule("""    sel:
        CommandLine: 'net?user'
    condition: sel"""), events, plan=plan) == [1, 2]


def test_regex_with_and_without_flags():
    events = [process("a.exe", "Invoke-Mimikatz"), process("a.exe", "invoke-mimikatz"),
              process("a.exe", "line1\nline2")]
    assert matched(rule("""    sel:
        CommandLine|re: 'Invoke-M.*'
    condition: sel"""), events) == [0]
    assert matched(rule("""    sel:
        CommandLine|re|i: 'invoke-m.*'
    condition: sel"""), events) == [0, 1]
    assert matched(rule("""    sel:
        CommandLine|re|m: '^line2$'
    condition: sel"""), events) == [2]
    assert matched(rule("""    sel:
        CommandLine|re|s: 'line1.line2'
    condition: sel"""), events) == [2]


def test_a_counted_dot_asks_for_that_many_characters_in_a_row():
    # '.{N,}' is answered from line lengths, not by RE2: the answers must be RE2's.
    events = [process("a.exe", "x" * 12), process("a.exe", "x" * 11),
              process("a.exe", "x" * 6 + "\n" + "x" * 6), process("a.exe", "é" * 12)]
    assert matched(rule("""    sel:
        CommandLine|re: '.{12,}'
    condition: sel"""), events) == [0, 3]
    assert matched(rule("""    sel:
        CommandLine|re|s: '.{12,}'
    condition: sel"""), events) == [0, 2, 3]  # with s, the line break is a character too
    assert matched(rule("""    sel:
        CommandLine|re: '.{6,8}'
    condition: sel"""), events) == [0, 1, 2, 3]


def test_regex_that_re2_refuses_falls_back_to_python():
    events = [process("a.exe", "foo-bar"), process("a.exe", "foo-foo")]
    assert matched(rule("""    sel:
        CommandLine|re: '(foo)-(?!\\1)'
    condition: sel"""), events) == [0]


def test_cidr():
    net = {"Channel": SYSMON, "EventID": "3"}
    events = [dict(net, DestinationIp="10.1.2.3"), dict(net, DestinationIp="192.0.2.1"),
              dict(net, DestinationIp="not an ip"), dict(net, DestinationIp="fd00::1")]
    detection = """    sel:
        DestinationIp|cidr:
            - '10.0.0.0/8'
            - 'fd00::/8'
    condition: sel"""
    assert matched(rule(detection, "category: network_connection\n    product: windows"), events) == [0, 3]


@BOTH
def test_base64_and_base64offset(plan):
    payload = "http://evil.example/x"
    whole = base64.b64encode(payload.encode()).decode()
    shifted = base64.b64encode(b"ab" + payload.encode()).decode()
    events = [process("p.exe", f"-e {whole}"), process("p.exe", f"-e {shifted}"), process("p.exe", payload)]
    assert matched(rule("""    sel:
        CommandLine|base64|contains: 'http://evil.example/x'
    condition: sel"""), events, plan=plan) == [0]
    assert matched(rule("""    sel:
        CommandLine|base64offset|contains: 'http://evil.example'
    condition: sel"""), events, plan=plan) == [0, 1]


@BOTH
def test_utf16_wide_encodings(plan):
    text = "whoami"
    wide = base64.b64encode(text.encode("utf-16-le")).decode()
    bom = base64.b64encode(b"\xff\xfe" + text.encode("utf-16-le")).decode()
    big = base64.b64encode(text.encode("utf-16-be")).decode()
    narrow = base64.b64encode(text.encode()).decode()
    events = [process("p.exe", f"-enc {wide}"), process("p.exe", f"-enc {narrow}"),
              process("p.exe", f"-enc {bom}"), process("p.exe", f"-enc {big}")]
    assert matched(rule("""    sel:
        CommandLine|wide|base64offset|contains: 'whoami'
    condition: sel"""), events, plan=plan) == [0, 2]
    assert matched(rule("""    sel:
        CommandLine|utf16be|base64offset|contains: 'whoami'
    condition: sel"""), events, plan=plan) == [3]


@BOTH
def test_windash_matches_every_dash_variant(plan):
    events = [process("p.exe", "tool -s x"), process("p.exe", "tool /s x"),
              process("p.exe", "tool \u2013s x"), process("p.exe", "tool s x")]
    assert matched(rule("""    sel:
        CommandLine|windash|contains: ' -s '
    condition: sel"""), events, plan=plan) == [0, 1, 2]


def test_exists_and_null():
    events = [process("a.exe", "x", User="bob"), process("a.exe", "x"), process("a.exe", "x", User="")]
    assert matched(rule("""    sel:
        User|exists: true
    condition: sel"""), events) == [0, 2]
    assert matched(rule("""    sel:
        User|exists: false
    condition: sel"""), events) == [1]
    assert matched(rule("""    sel:
        User: null
    condition: sel"""), events) == [1, 2]


def test_fieldref_compares_two_fields():
    events = [process(r"C:\a\x.exe", "x", ParentImage=r"C:\A\X.EXE"), process(r"C:\a\x.exe", "x",
                                                                              ParentImage=r"C:\b\y.exe")]
    assert matched(rule("""    sel:
        Image|fieldref: ParentImage
    condition: sel"""), events) == [0]


def test_fieldref_on_a_field_empty_in_every_event_of_the_batch_matches_nothing():
    events = [process(r"C:\a\x.exe", "x", ParentImage=None), process(r"C:\a\y.exe", "y", ParentImage=None)]
    for negated in ("sel", "not sel"):
        assert matched(rule(f"""    sel:
        Image|fieldref: ParentImage
    condition: {negated}"""), events) == ([] if negated == "sel" else [0, 1])


def test_numeric_comparisons():
    events = [process("a.exe", "x", Size="10"), process("a.exe", "x", Size="500"), process("a.exe", "x",
                                                                                            Size="big")]
    for op, expected in (("gt", [1]), ("gte", [0, 1]), ("lt", []), ("lte", [0])):
        assert matched(rule(f"""    sel:
        Size|{op}: 10
    condition: sel"""), events) == (expected if op != "lt" else []), op


def test_timestamp_part_modifiers():
    events = [process("a.exe", "x", UtcTime="2024-07-25T03:15:00Z"),
              process("a.exe", "x", UtcTime="2024-07-25T14:15:00Z"), process("a.exe", "x", UtcTime="never")]
    assert matched(rule("""    sel:
        UtcTime|hour: 3
    condition: sel"""), events) == [0]
    assert matched(rule("""    sel:
        UtcTime|month: 7
    condition: sel"""), events) == [0, 1]


def test_neq_negates_one_value():
    events = [process("a.exe", "x", User="admin"), process("a.exe", "x", User="bob")]
    assert matched(rule("""    sel:
        Image: 'a.exe'
        User|neq: 'admin'
    condition: sel"""), events) == [1]


def test_cased_modifier_keeps_case():
    events = [process("a.exe", "EvilThing"), process("a.exe", "evilthing")]
    assert matched(rule("""    sel:
        CommandLine|cased|contains: 'EvilThing'
    condition: sel"""), events) == [0]


def test_expand_without_a_placeholder_value_is_listed_not_guessed():
    rules = compile_yaml(rule("""    sel:
        Image|expand: '%AdminTools%'
    condition: sel"""))
    assert not rules.rules
    assert rules.problems and "placeholder" in rules.problems[0].reason.lower()


@BOTH
def test_keywords_search_every_field(plan):
    events = [process("a.exe", "run mimikatz now"), process("mimikatz.exe", "x"), process("a.exe", "clean")]
    assert matched(rule("""    keywords:
        - 'mimikatz'
    condition: keywords"""), events, plan=plan) == [0, 1]


@BOTH
def test_keywords_are_found_in_any_field_whatever_its_text(plan):
    # Fields without the keyword anywhere are skipped before their values are scanned: the keyword
    # must still be found in non-ASCII text, in upper case, as a whole value, and next to other values.
    events = [process("a.exe", "x", Description="Outil d'accès: MIMIKATZ"), process("b.exe", "x"),
              process("c.exe", "x", Product="mimikatz"), process("d.exe", "mimi", Company="katz"),
              process("e.exe", "x", Product="Mimikatz Ünïcode")]
    assert matched(rule("""    keywords:
        - 'mimikatz'
    condition: keywords"""), events, plan=plan) == [0, 2, 4]


def test_one_of_all_of_and_not_with_missing_fields():
    events = [process("a.exe", "x", User="admin"), process("a.exe", "y"), process("b.exe", "x")]
    detection = """    sel_a:
        Image: 'a.exe'
    sel_x:
        CommandLine: 'x'
    filter:
        User: 'admin'
    condition: all of sel_* and not filter"""
    # Event 2 has no User field: "not filter" holds for it, as Sigma specifies for absent fields.
    assert matched(rule(detection), events) == []
    assert matched(rule(detection.replace("all of sel_*", "1 of sel_*")), events) == [1, 2]


def test_security_4688_is_matched_by_process_creation_rules():
    events = [{"Channel": "Security", "EventID": "4688", "NewProcessName": r"C:\Windows\System32\cmd.exe",
               "CommandLine": "cmd /c whoami"},
              {"Channel": "Security", "EventID": "4624", "NewProcessName": r"C:\Windows\System32\cmd.exe"}]
    assert matched(rule("""    sel:
        Image|endswith: '\\cmd.exe'
    condition: sel"""), events) == [0]


def test_log_source_filter_keeps_other_channels_out():
    events = [dict(process(r"C:\x\cmd.exe"), Channel="Application"), process(r"C:\x\cmd.exe"),
              dict(process(r"C:\x\cmd.exe"), EventID="3")]
    assert matched(rule("""    sel:
        Image|endswith: '\\cmd.exe'
    condition: sel"""), events) == [1]


def test_field_names_match_ignoring_case_and_spaces():
    events = [{"Channel": "Microsoft-Windows-Windows Defender/Operational", "EventID": "1119",
               "Threat Name": "Virus:DOS/EICAR_Test_File"}]
    assert matched(rule("""    sel:
        EventID: 1119
        threatname|endswith: 'EICAR_Test_File'
    condition: sel""", "product: windows\n    service: windefend"), events) == [0]


def test_columns_sharing_a_name_ignoring_spaces_are_read_together():
    # One batch holding Defender's "Process Name" and Security's "ProcessName": each event has one.
    events = [{"Channel": "Security", "EventID": "4648", "ProcessName": r"C:\x\evil.exe"},
              {"Channel": "Security", "EventID": "4648", "Process Name": r"C:\y\evil.exe"},
              {"Channel": "Security", "EventID": "4648", "ProcessName": r"C:\Windows\System32\lsass.exe"}]
    assert matched(rule("""    sel:
        EventID: 4648
        ProcessName|endswith: '\\evil.exe'
    condition: sel""", "product: windows\n    service: security"), events) == [0, 1]


def test_cidr_over_many_values_and_both_ip_versions():
    net = {"Channel": SYSMON, "EventID": "3"}
    ips = [f"10.0.{i}.{j}" for i in range(3) for j in (1, 255)] + ["11.0.0.1", "::ffff:10.0.0.1", "fe80::1"]
    events = [dict(net, DestinationIp=ip) for ip in ips]
    detection = """    sel:
        DestinationIp|cidr: ['10.0.1.0/24', 'fe80::/10']
    condition: sel"""
    got = matched(rule(detection, "category: network_connection\n    product: windows"), events)
    assert [ips[i] for i in got] == ["10.0.1.1", "10.0.1.255", "fe80::1"]
