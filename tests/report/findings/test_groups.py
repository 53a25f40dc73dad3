"""Findings grouped by rule and host, or by actor and rule; times compared as instants."""

from __future__ import annotations

from geobuk.report.findings.groups import (
    by_actor_and_rule,
    by_rule,
    by_rule_and_host,
    count_levels,
    level_name,
    parse_time,
    time_span,
)
from report.samples import KOREAN_HOST, make


def test_time_span_compares_instants_not_text():
    # As text "…T09:00:00+09:00" sorts after "…T05:00:00Z"; as an instant it is four hours before.
    assert time_span(["2024-05-01T05:00:00Z", "2024-05-01T09:00:00+09:00", None, ""]) == (
        "2024-05-01T09:00:00+09:00", "2024-05-01T05:00:00Z")
    assert time_span(["b", "a", None]) == ("a", "b")
    assert time_span([None]) == (None, None)


def test_parse_time_takes_naive_times_as_utc():
    assert parse_time("2024-05-01 10:00:00") == parse_time("2024-05-01T10:00:00Z")
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_rule_and_host_groups(findings):
    groups = by_rule_and_host(findings)
    assert [(g.first.rule_id, g.first.host, g.count) for g in groups] == [
        ("rule-lazarus", "WS-01", 2), ("rule-lazarus", "WS-02", 1), ("indicator--1", KOREAN_HOST, 1),
        ("corr-1", None, 1), ("rule-ps", "@WS-03", 1)]
    assert groups[0].span == ("2024-05-01T11:00:00+09:00", "2024-05-01T10:00:00Z")
    assert groups[3].events == 3  # a correlation finding stands for the events behind it


def test_groups_are_most_severe_first_whatever_the_input_order():
    low = make(rule_id="a", rule_title="A", level="low")
    critical = make(rule_id="z", rule_title="Z", level="critical")
    odd = make(rule_id="m", rule_title="M", level="Weird")
    assert [g.first.rule_id for g in by_rule_and_host([odd, low, critical])] == ["z", "a", "m"]
    assert level_name("Weird") == "informational" and level_name("HIGH") == "high"


def test_by_rule_puts_the_most_frequent_first_within_a_level():
    once = make(rule_id="once", rule_title="A", level="high")
    twice = [make(rule_id="twice", rule_title="B", level="high", host=h) for h in ("h1", "h2")]
    groups = by_rule([once, *twice])
    assert [(g.first.rule_id, g.count, g.hosts) for g in groups] == [("twice", 2, ["h1", "h2"]),
                                                                      ("once", 1, ["WS-01"])]


def test_actor_sections_most_severe_first_and_unattributed_last(findings):
    unattributed_critical = make(rule_id="x", level="critical", actor=None)
    sections = by_actor_and_rule([*findings, unattributed_critical])
    assert [(s.title, s.count) for s in sections] == [("Lazarus Group", 3), ("Kimsuky", 2),
                                                      ("Unattributed", 2)]
    assert [g.first.rule_id for g in sections[1].rules] == ["indicator--1", "rule-ps"]
    assert [g.first.rule_id for g in sections[2].rules] == ["x", "corr-1"]


def test_count_levels_lists_every_level_most_severe_first(findings):
    assert count_levels(findings) == {"critical": 3, "high": 1, "medium": 1, "low": 1, "informational": 0}
    assert list(count_levels([])) == ["critical", "high", "medium", "low", "informational"]
