"""Correlation semantics over base-rule matches, with hand-computed windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from detect_helpers import table_of
from geobuk.detect.correlate import (
    CorrelationError,
    CorrelationHit,
    Match,
    evaluate,
    referenced_rules,
    suppressed_rules,
)
from geobuk.detect.hunt import Hunter
from geobuk.detect.ir import CompiledRule, Correlation
from geobuk.detect.rulesets import load_ruleset

T0 = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)


def base(ident: str, source: str = "mr.yml", name: str | None = None) -> CompiledRule:
    """A base rule as the hunt knows it (its detections play no part in correlating)."""
    return CompiledRule(id=ident, title=f"rule {ident}", level="low", tags=(), source=source, detections=(),
                        name=name)


RULES = [base(f"id-{n}", name=n) for n in ("a", "b", "c", "failed", "success")]


def corr(kind: str, rules: tuple[str, ...], *, group_by: tuple[str, ...] = (), timespan: float = 60,
         condition: tuple[str, float] | None = None, value_field: str | None = None, aliases=(),
         generate: bool = False, ident: str = "corr-1", name: str | None = None) -> Correlation:
    return Correlation(id=ident, title=f"correlation {ident}", level="high", tags=(), source="mr.yml",
                       type=kind, rules=rules, group_by=group_by, timespan=timespan, condition=condition,
                       value_field=value_field, aliases=aliases, generate=generate, name=name)


_records = iter(range(1, 1_000_000))


def hit(rule: str, second: float, **fields: str) -> Match:
    """A match of rule ``rule`` (by name) ``second`` seconds after T0, on a new record."""
    return Match(f"id-{rule}", rule, at(second), fields, ("log.evtx", str(next(_records))))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(c: Correlation, matches: list[Match], rules=RULES) -> list[CorrelationHit]:
    return evaluate([c], matches, rules)


# --- event_count -----------------------------------------------------------------------------------

def test_event_count_window_that_just_fits_and_one_that_just_does_not():
    c = corr("event_count", ("a",), condition=("gte", 3), timespan=60)
    fits = [hit("a", 0), hit("a", 30), hit("a", 60)]
    [found] = run(c, fits)
    assert (found.first, found.last, found.count) == (at(0), at(60), 3)
    assert found.matches == fits
    assert run(c, [hit("a", 0), hit("a", 30), hit("a", 60.5)]) == []


def test_event_count_reports_a_burst_once_with_its_peak():
    c = corr("event_count", ("a",), condition=("gte", 3), timespan=60)
    burst = [hit("a", s) for s in range(0, 100, 10)]  # 0, 10, ..., 90: seven in any 60 s window
    [found] = run(c, burst)
    assert found.count == 7
    assert (found.first, found.last) == (at(0), at(90))
    assert len(found.matches) == 10


def test_event_count_bursts_apart_are_separate_hits():
    c = corr("event_count", ("a",), condition=("gte", 3), timespan=60)
    found = run(c, [hit("a", s) for s in (200, 0, 210, 10, 20, 220)])
    assert [(h.first, h.last, h.count) for h in found] == [(at(0), at(20), 3), (at(200), at(220), 3)]


def test_event_count_gt_is_strict():
    three = [hit("a", 0), hit("a", 1), hit("a", 2)]
    assert run(corr("event_count", ("a",), condition=("gt", 3)), three) == []
    assert len(run(corr("event_count", ("a",), condition=("gt", 2)), three)) == 1


def test_event_count_counts_every_referenced_rule_but_one_event_once():
    c = corr("event_count", ("a", "b"), condition=("gte", 3))
    a1, b1 = hit("a", 0), hit("b", 5)
    same_event_as_b1 = Match("id-a", "a", b1.timestamp, b1.event, b1.ref)
    assert run(c, [a1, b1, same_event_as_b1]) == []
    b2 = hit("b", 7)
    [found] = run(c, [a1, b1, same_event_as_b1, hit("c", 6), b2])
    assert found.count == 3
    assert [m.ref for m in found.matches] == [a1.ref, b1.ref, b2.ref]


def test_group_by_keeps_groups_apart_and_skips_events_without_the_field():
    c = corr("event_count", ("a",), group_by=("User",), condition=("gte", 3))
    mixed = [hit("a", 0, User="alice"), hit("a", 1, User="bob"), hit("a", 2, User="alice"),
             hit("a", 3, User="bob"), hit("a", 4), hit("a", 5)]
    assert run(c, mixed) == []
    [found] = run(c, [*mixed, hit("a", 6, User="bob")])
    assert found.group == {"User": "bob"}
    assert [m.event["User"] for m in found.matches] == ["bob"] * 3


def test_group_by_fields_are_found_ignoring_case_and_spaces_but_values_are_exact():
    c = corr("event_count", ("a",), group_by=("TargetUserName",), condition=("gte", 2))
    [found] = run(c, [hit("a", 0, targetusername="alice"), hit("a", 1, **{"Target UserName": "alice"}),
                      hit("a", 2, TargetUserName="ALICE")])
    assert found.group == {"TargetUserName": "alice"}
    assert found.count == 2


def test_several_group_by_fields_must_all_agree():
    c = corr("event_count", ("a",), group_by=("User", "Computer"), condition=("gte", 2))
    assert run(c, [hit("a", 0, User="u", Computer="ws1"), hit("a", 1, User="u", Computer="ws2")]) == []
    [found] = run(c, [hit("a", 0, User="u", Computer="ws1"), hit("a", 1, User="u", Computer="ws1")])
    assert found.group == {"User": "u", "Computer": "ws1"}


def test_matches_without_a_timestamp_take_no_part():
    c = corr("event_count", ("a",), condition=("gte", 3))
    untimed = Match("id-a", "a", None, {}, ("log.evtx", "999"))
    assert run(c, [hit("a", 0), hit("a", 1), untimed]) == []


def test_naive_timestamps_are_taken_as_utc():
    c = corr("event_count", ("a",), condition=("gte", 2))
    naive = [Match("id-a", "a", datetime(2024, 5, 1, 10, 0, s), {}, ("x", str(s))) for s in (0, 1)]
    [found] = run(c, naive)
    assert found.first == T0 and found.first.tzinfo is not None


# --- below a threshold, and exactly ----------------------------------------------------------------

def test_lt_and_lte_test_a_groups_busiest_window():
    events = ([hit("a", s, User="alice") for s in (0, 100, 200)]       # never two in 60 s
              + [hit("a", s, User="carol") for s in (0, 50)]           # two in one window
              + [hit("a", s, User="bob") for s in (0, 10, 20)])        # three in one window
    lt2 = run(corr("event_count", ("a",), group_by=("User",), condition=("lt", 2)), events)
    assert [(h.group["User"], h.count, len(h.matches)) for h in lt2] == [("alice", 1, 3)]
    assert (lt2[0].first, lt2[0].last) == (at(0), at(200))
    lte2 = run(corr("event_count", ("a",), group_by=("User",), condition=("lte", 2)), events)
    assert sorted(h.group["User"] for h in lte2) == ["alice", "carol"]


def test_eq_is_the_count_of_the_busiest_window():
    c = corr("event_count", ("a",), condition=("eq", 3))
    [found] = run(c, [hit("a", s) for s in (0, 10, 20, 200)])
    assert found.count == 3
    assert run(c, [hit("a", s) for s in (0, 10, 20, 30)]) == []


# --- value_count -----------------------------------------------------------------------------------

def test_value_count_counts_distinct_values_in_the_window():
    c = corr("value_count", ("a",), group_by=("IpAddress",), value_field="TargetUserName",
             condition=("gte", 3))
    spray = [hit("a", 0, IpAddress="10.0.0.9", TargetUserName="alice"),
             hit("a", 10, IpAddress="10.0.0.9", TargetUserName="alice"),
             hit("a", 20, IpAddress="10.0.0.9", TargetUserName="bob"),
             hit("a", 25, IpAddress="10.0.0.9"),
             hit("a", 30, IpAddress="10.0.0.7", TargetUserName="dave"),
             hit("a", 60, IpAddress="10.0.0.9", TargetUserName="carol")]
    [found] = run(c, spray)
    assert found.group == {"IpAddress": "10.0.0.9"}
    assert found.count == 3
    assert [m.event["TargetUserName"] for m in found.matches] == ["alice", "alice", "bob", "carol"]
    assert run(corr("value_count", ("a",), group_by=("IpAddress",), value_field="TargetUserName",
                    condition=("gte", 4)), spray) == []


def test_value_count_window_that_just_does_not_fit():
    c = corr("value_count", ("a",), value_field="User", condition=("gte", 3), timespan=60)
    assert run(c, [hit("a", 0, User="x"), hit("a", 30, User="y"), hit("a", 61, User="z")]) == []
    assert len(run(c, [hit("a", 0, User="x"), hit("a", 30, User="y"), hit("a", 60, User="z")])) == 1


def test_value_count_forgets_values_that_leave_the_window():
    c = corr("value_count", ("a",), value_field="User", condition=("gte", 3), timespan=60)
    # x leaves before z arrives; x again at 100 makes three distinct in [40, 100].
    events = [hit("a", 0, User="x"), hit("a", 40, User="y"), hit("a", 70, User="z")]
    assert run(c, events) == []
    [found] = run(c, [*events, hit("a", 100, User="x")])
    assert (found.count, found.first, found.last) == (3, at(40), at(100))


# --- temporal --------------------------------------------------------------------------------------

def test_temporal_needs_every_rule_in_any_order_within_the_timespan():
    c = corr("temporal", ("a", "b", "c"), group_by=("Computer",), timespan=60)
    [found] = run(c, [hit("b", 0, Computer="ws1"), hit("c", 20, Computer="ws1"),
                      hit("a", 60, Computer="ws1")])
    assert (found.first, found.last, found.count) == (at(0), at(60), 3)
    assert run(c, [hit("b", 0, Computer="ws1"), hit("c", 20, Computer="ws1"),
                   hit("a", 61, Computer="ws1")]) == []
    assert run(c, [hit("b", 0, Computer="ws1"), hit("c", 20, Computer="ws2"),
                   hit("a", 30, Computer="ws1")]) == []


def test_temporal_ordered_needs_the_listed_order():
    forward = [hit("failed", 0, User="u"), hit("success", 30, User="u")]
    backward = [hit("success", 0, User="u"), hit("failed", 30, User="u")]
    ordered = corr("temporal_ordered", ("failed", "success"), group_by=("User",))
    unordered = corr("temporal", ("failed", "success"), group_by=("User",))
    assert len(run(ordered, forward)) == 1
    assert run(ordered, backward) == []
    assert len(run(unordered, backward)) == 1


def test_temporal_ordered_window_edges_and_equal_times():
    ordered = corr("temporal_ordered", ("a", "b"), timespan=60)
    assert len(run(ordered, [hit("a", 0), hit("b", 60)])) == 1
    assert run(ordered, [hit("a", 0), hit("b", 60.5)]) == []
    assert len(run(ordered, [hit("b", 5), hit("a", 5)])) == 1


def test_temporal_ordered_finds_a_later_start_that_fits():
    ordered = corr("temporal_ordered", ("a", "b", "c"), timespan=60)
    # a@0 is too early for c@90, but a@40 -> b@50 -> c@90 fits.
    [found] = run(ordered, [hit("a", 0), hit("b", 20), hit("a", 40), hit("b", 50), hit("c", 90)])
    assert (found.first, found.last, found.count) == (at(40), at(90), 3)
    assert run(ordered, [hit("a", 0), hit("b", 20), hit("b", 50), hit("a", 60), hit("c", 90)]) == []


def test_temporal_ordered_with_a_repeated_rule_needs_distinct_events():
    twice = corr("temporal_ordered", ("a", "a", "b"))
    assert run(twice, [hit("a", 0), hit("b", 10)]) == []
    assert len(run(twice, [hit("a", 0), hit("a", 5), hit("b", 10)])) == 1


# --- aliases ---------------------------------------------------------------------------------------

def test_aliases_group_different_fields_of_different_rules():
    c = corr("temporal", ("id-a", "id-b"), group_by=("ip",), timespan=10,
             aliases=(("ip", (("a", "destination.ip"), ("b", "source.ip"))),))
    [found] = run(c, [hit("a", 0, **{"destination.ip": "10.1.1.1", "source.ip": "10.9.9.9"}),
                      hit("b", 5, **{"source.ip": "10.1.1.1", "destination.ip": "10.2.2.2"})])
    assert found.group == {"ip": "10.1.1.1"}
    assert run(c, [hit("a", 0, **{"destination.ip": "10.1.1.1"}), hit("b", 5, **{"source.ip": "10.3.3.3"}),
                   hit("b", 6, **{"ip": "10.1.1.1"})]) == []


def test_a_rule_an_alias_does_not_name_is_read_under_the_alias():
    c = corr("event_count", ("a", "b"), group_by=("host",), condition=("gte", 2),
             aliases=(("host", (("a", "Computer"),)),))
    [found] = run(c, [hit("a", 0, Computer="ws1"), hit("b", 1, host="ws1")])
    assert found.group == {"host": "ws1"}


def test_an_alias_for_a_rule_the_correlation_does_not_reference_is_an_error():
    c = corr("temporal", ("a", "b"), group_by=("ip",), aliases=(("ip", (("c", "x"),)),))
    with pytest.raises(CorrelationError, match="alias 'ip' maps 'c'"):
        run(c, [])


# --- references and generate -----------------------------------------------------------------------

def test_references_resolve_by_id_name_and_id_in_capitals():
    uuid = "5638f7c0-ac70-491d-8465-2a65075e0d86"
    c = corr("temporal", ("id-a", "b", uuid.upper()))
    assert referenced_rules([c], [*RULES, base(uuid, "other.yml")]) == {"corr-1": {"id-a", "id-b", uuid}}


def test_an_unknown_reference_is_an_error_naming_it():
    with pytest.raises(CorrelationError, match="'nope'"):
        referenced_rules([corr("event_count", ("a", "nope"), condition=("gte", 2))], RULES)


def test_a_name_prefers_the_correlations_own_file_and_refuses_ambiguity_elsewhere():
    here, there, third = (base(ident, source, "dup") for ident, source in
                          (("here", "mr.yml"), ("there", "x.yml"), ("third", "y.yml")))
    c = corr("event_count", ("dup",), condition=("gte", 2))
    assert referenced_rules([c], [here, there, third]) == {"corr-1": {"here"}}
    assert referenced_rules([c], [there]) == {"corr-1": {"there"}}
    with pytest.raises(CorrelationError, match="several files"):
        referenced_rules([c], [there, third])


def test_generate_false_suppresses_only_rules_no_generating_correlation_references():
    quiet = corr("event_count", ("a", "b"), condition=("gte", 2), ident="quiet")
    loud = corr("event_count", ("b", "c"), condition=("gte", 2), generate=True, ident="loud")
    assert suppressed_rules([quiet], RULES) == {"id-a", "id-b"}
    assert suppressed_rules([quiet, loud], RULES) == {"id-a"}
    assert suppressed_rules([loud], RULES) == set()


# --- chained correlations --------------------------------------------------------------------------

def chain(generate: bool) -> list[Correlation]:
    outer = corr("temporal_ordered", ("many_failed", "success"), group_by=("User",), timespan=600,
                 ident="outer", generate=generate)
    inner = corr("event_count", ("failed",), group_by=("User",), timespan=60, condition=("gte", 3),
                 ident="inner", name="many_failed")
    return [outer, inner]


def test_chained_correlation_uses_the_inner_hits_and_lists_their_events():
    failures = [hit("failed", s, User="u") for s in (0, 20, 40)]
    success = hit("success", 100, User="u")
    outer, inner = chain(generate=False)
    assert referenced_rules([outer, inner], RULES) == {"outer": {"id-failed", "id-success"},
                                                        "inner": {"id-failed"}}
    [found] = evaluate([outer, inner], [*failures, success], RULES)
    assert found.correlation is outer
    assert found.matches == [*failures, success]
    assert (found.first, found.last, found.group) == (at(0), at(100), {"User": "u"})


def test_chained_inner_correlation_fires_when_its_condition_is_first_met():
    outer, inner = chain(generate=False)
    # The success at 30 comes before the third failure (40): the inner condition is not yet met.
    early = [hit("failed", 0, User="u"), hit("failed", 20, User="u"), hit("success", 30, User="u"),
             hit("failed", 40, User="u")]
    assert evaluate([outer, inner], early, RULES) == []
    assert evaluate([outer, inner], [*early, hit("success", 41, User="u")], RULES) != []


def test_an_inner_correlation_reports_only_when_the_outer_generates():
    events = [hit("failed", s, User="u") for s in (0, 20, 40)] + [hit("success", 100, User="u")]
    assert [h.correlation.id for h in evaluate(chain(generate=False), events, RULES)] == ["outer"]
    both = evaluate(chain(generate=True), events, RULES)
    assert sorted(h.correlation.id for h in both) == ["inner", "outer"]
    assert suppressed_rules(chain(generate=False), RULES) == {"id-failed", "id-success"}


def test_correlations_referencing_each_other_in_a_loop_are_refused():
    one = corr("event_count", ("two",), condition=("gte", 1), ident="one", name="one")
    two = corr("event_count", ("one",), condition=("gte", 1), ident="two", name="two")
    with pytest.raises(CorrelationError, match="loop"):
        evaluate([one, two], [], RULES)


# --- scale -----------------------------------------------------------------------------------------

def test_a_long_steady_stream_is_one_hit_with_its_peak():
    c = corr("event_count", ("a",), group_by=("User",), condition=("gte", 10), timespan=60)
    stream = [hit("a", s, User="u") for s in range(20_000)]  # one per second: 61 in any 60 s window
    [found] = run(c, stream)
    assert (found.count, len(found.matches), found.last) == (61, 20_000, at(19_999))


# --- end to end: a multi-document rule file --------------------------------------------------------

RULE_FILE = """
title: Password spray then logon
id: 9b2d7a1e-4c3f-4d6a-8e5b-1f2a3b4c5d6e
level: high
correlation:
    type: temporal_ordered
    rules:
        - spray
        - logon_ok
    group-by:
        - IpAddress
    timespan: 10m
---
title: Many accounts from one address
name: spray
correlation:
    type: value_count
    rules:
        - logon_failed
    group-by:
        - IpAddress
    timespan: 5m
    condition:
        field: TargetUserName
        gte: 3
---
title: Failed logon
id: 2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d
name: logon_failed
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Successful logon
id: 3d5f7b9c-2e4a-4b6c-8d0e-1f2a3b4c5d6e
name: logon_ok
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4624
    condition: selection
"""
FAILED_ID = "2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d"
OK_ID = "3d5f7b9c-2e4a-4b6c-8d0e-1f2a3b4c5d6e"


def test_a_rule_file_compiles_resolves_and_correlates(tmp_path: Path):
    path = tmp_path / "mr_spray_then_logon.yml"
    path.write_text(RULE_FILE, encoding="utf-8")
    ruleset = load_ruleset([path])
    assert ruleset.problems == []
    assert sorted(r.id for r in ruleset.rules) == sorted([FAILED_ID, OK_ID])
    outer, inner = ruleset.correlations
    assert (outer.type, outer.rules, outer.timespan) == ("temporal_ordered", ("spray", "logon_ok"), 600)
    assert (outer.level, outer.generate) == ("high", False)
    assert (inner.id, inner.value_field, inner.condition) == ("spray", "TargetUserName", ("gte", 3.0))
    assert referenced_rules(ruleset.correlations, ruleset.rules) == {
        outer.id: {FAILED_ID, OK_ID}, "spray": {FAILED_ID}}
    assert suppressed_rules(ruleset.correlations, ruleset.rules) == {FAILED_ID, OK_ID}

    def m(rule_id: str, second: int, user: str, ip: str = "10.0.0.9") -> Match:
        return Match(rule_id, None, at(second), {"IpAddress": ip, "TargetUserName": user},
                     ("security.evtx", str(second)))

    events = [m(FAILED_ID, 0, "alice"), m(FAILED_ID, 10, "bob"), m(FAILED_ID, 20, "carol"),
              m(FAILED_ID, 30, "dave", ip="10.0.0.7"), m(OK_ID, 200, "carol")]
    [found] = evaluate(ruleset.correlations, events, ruleset.rules)
    assert found.correlation.id == outer.id
    assert found.group == {"IpAddress": "10.0.0.9"}
    assert [m.ref[1] for m in found.matches] == ["0", "10", "20", "200"]
    assert evaluate(ruleset.correlations, events[:3] + [m(OK_ID, 200, "carol", ip="10.0.0.8")],
                    ruleset.rules) == []
    cached = load_ruleset([path], cache_dir=tmp_path / "cache")
    again = load_ruleset([path], cache_dir=tmp_path / "cache")
    assert again.cached_files == 1 and again.correlations == cached.correlations == ruleset.correlations


def test_a_hunt_reports_the_correlation_and_not_the_rules_it_consumes(tmp_path: Path):
    path = tmp_path / "mr_spray_then_logon.yml"
    path.write_text(RULE_FILE, encoding="utf-8")
    hunter = Hunter(load_ruleset([path]))

    def event(record: int, second: int, event_id: str, user: str) -> dict:
        return {"_source": "security.evtx", "_record": str(record), "_timestamp": at(second).isoformat(),
                "Channel": "Security", "EventID": event_id, "IpAddress": "10.0.0.9", "TargetUserName": user,
                "Computer": "dc1"}

    table = table_of([event(1, 0, "4625", "alice"), event(2, 10, "4625", "bob"),
                      event(3, 20, "4625", "carol"), event(4, 90, "4624", "carol"),
                      event(5, 95, "4688", "carol")])
    assert hunter.batch(table) == []
    [finding] = hunter.finish()
    assert finding.kind == "correlation"
    assert finding.rule_title == "Password spray then logon"
    assert finding.related == [["security.evtx", "1"], ["security.evtx", "2"], ["security.evtx", "3"],
                               ["security.evtx", "4"]]
