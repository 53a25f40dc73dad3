"""Compiling Sigma correlation rules: what is kept, and what is refused with a reason."""

from __future__ import annotations

import pytest
import yaml
from sigma.correlations import SigmaCorrelationRule

from geobuk.detect.ir import Correlation
from geobuk.detect.sigma.correlation import compile_correlation
from geobuk.detect.sigma.loader import compile_documents


def correlation_yaml(body: str, head: str = "") -> str:
    return f"""
title: test correlation
id: 0b8f6f7e-1d2c-4e3a-9b4c-5d6e7f8a9b0c
{head}
correlation:
{body}
"""


def compiled(body: str, head: str = "") -> Correlation:
    rule = SigmaCorrelationRule.from_dict(yaml.safe_load(correlation_yaml(body, head)), collect_errors=True)
    return compile_correlation(rule, "mr_test.yml")


def only_problem(document: dict) -> str:
    """The one problem the loader reports for this correlation (pySigma's or geobuk's reason)."""
    result = compile_documents([document], "mr_test.yml", "none")
    assert not result.correlations
    assert len(result.problems) == 1, result.problems
    return result.problems[0].reason


def refused(body: str, head: str = "") -> str:
    return only_problem(yaml.safe_load(correlation_yaml(body, head)))


def refused_section(section: str) -> str:
    """``refused`` for a correlation section written as one YAML flow mapping."""
    return only_problem({"title": "t", "correlation": yaml.safe_load(section)})


def test_event_count_keeps_metadata_references_grouping_and_condition():
    corr = compiled("""
    type: event_count
    rules:
        - failed_logon
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - TargetUserName
        - IpAddress
    timespan: 15m
    condition:
        gte: 20""", head="name: many_failures\nlevel: high\ndescription: why\ntags:\n    - attack.t1110")
    assert corr.id == "0b8f6f7e-1d2c-4e3a-9b4c-5d6e7f8a9b0c"
    assert corr.title == "test correlation"
    assert (corr.name, corr.level, corr.description, corr.source) == ("many_failures", "high", "why",
                                                                      "mr_test.yml")
    assert corr.tags == ("attack.t1110",)
    assert corr.type == "event_count"
    assert corr.rules == ("failed_logon", "5638f7c0-ac70-491d-8465-2a65075e0d86")
    assert corr.group_by == ("TargetUserName", "IpAddress")
    assert corr.timespan == 900
    assert corr.condition == ("gte", 20.0)
    assert corr.value_field is None
    assert corr.generate is False


def test_a_single_rule_and_a_single_group_field_may_be_plain_strings():
    corr = compiled("""
    type: event_count
    rules: failed_logon
    group-by: Computer
    timespan: 1h
    condition:
        gt: 3""")
    assert corr.rules == ("failed_logon",)
    assert corr.group_by == ("Computer",)
    assert corr.condition == ("gt", 3.0)


def test_no_group_by_means_one_group():
    corr = compiled("""
    type: event_count
    rules: [a]
    timespan: 1h
    condition:
        gte: 3""")
    assert corr.group_by == ()


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte", "eq"])
def test_every_condition_operator(op):
    corr = compiled(f"""
    type: event_count
    rules: [a]
    timespan: 1h
    condition:
        {op}: 5""")
    assert corr.condition == (op, 5.0)


def test_value_count_keeps_its_field():
    corr = compiled("""
    type: value_count
    rules: [a]
    group-by: [IpAddress]
    timespan: 1d
    condition:
        field: TargetUserName
        gte: 10""")
    assert corr.type == "value_count"
    assert corr.value_field == "TargetUserName"
    assert corr.condition == ("gte", 10.0)


@pytest.mark.parametrize(("spec", "seconds"), [
    ("45s", 45), ("5m", 300), ("2h", 7200), ("3d", 259200), ("1w", 604800),
    ("2M", 2 * 30.436875 * 86400), ("1y", 365.2425 * 86400)])
def test_every_timespan_unit(spec, seconds):
    corr = compiled(f"""
    type: event_count
    rules: [a]
    timespan: {spec}
    condition:
        gte: 2""")
    assert corr.timespan == pytest.approx(seconds)


@pytest.mark.parametrize("spec", ["5x", "0m", "1H", "m5", "1.5h", "10"])
def test_malformed_timespans_are_refused(spec):
    reason = refused(f"""
    type: event_count
    rules: [a]
    timespan: '{spec}'
    condition:
        gte: 2""")
    assert "imespan" in reason


def test_missing_timespan_is_refused():
    assert "timespan" in refused("""
    type: event_count
    rules: [a]
    condition:
        gte: 2""")


def test_temporal_types_need_every_rule_and_keep_their_order():
    unordered = compiled("""
    type: temporal
    rules: [recon_c, recon_a, recon_b, recon_a]
    group-by: [Computer, User]
    timespan: 5m""")
    assert unordered.type == "temporal"
    assert unordered.rules == ("recon_c", "recon_a", "recon_b")
    assert unordered.condition is None
    ordered = compiled("""
    type: temporal_ordered
    rules: [failed, failed, success]
    group-by: [User]
    timespan: 10m""")
    assert ordered.type == "temporal_ordered"
    assert ordered.rules == ("failed", "failed", "success")
    assert ordered.condition is None


def test_a_temporal_condition_naming_all_rules_is_accepted():
    assert compiled("""
    type: temporal
    rules: [a, b]
    timespan: 5m
    condition:
        gte: 2""").condition is None
    assert compiled("""
    type: temporal
    rules: [a, b]
    timespan: 5m
    condition: a and b""").rules == ("a", "b")


def test_a_temporal_condition_on_some_of_the_rules_is_refused():
    assert "every one of the 3" in refused("""
    type: temporal
    rules: [a, b, c]
    timespan: 5m
    condition:
        gte: 2""")
    assert "'or' or 'not'" in refused("""
    type: temporal
    rules: [a, b]
    timespan: 5m
    condition: a or b""")
    assert "'or' or 'not'" in refused("""
    type: temporal_ordered
    rules: [a, b]
    timespan: 5m
    condition: a and not b""")


def test_aliases_and_generate():
    corr = compiled("""
    type: temporal
    rules: [internal_error, new_connection]
    group-by: [internal_ip]
    timespan: 10s
    generate: true
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_connection: source.ip""")
    assert corr.generate is True
    assert corr.aliases == (("internal_ip", (("internal_error", "destination.ip"),
                                             ("new_connection", "source.ip"))),)


def test_a_correlation_without_id_is_known_by_its_name():
    rule = SigmaCorrelationRule.from_dict(yaml.safe_load("""
title: Many failures
name: many_failures
correlation:
    type: event_count
    rules: [a]
    timespan: 1m
    condition:
        gte: 2"""), collect_errors=True)
    assert compile_correlation(rule, "x.yml").id == "many_failures"


@pytest.mark.parametrize(("section", "reason"), [
    ("{type: value_sum, rules: [a], timespan: 1h, condition: {field: bytes, gte: 5}}",
     "'value_sum' is not supported"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {neq: 5}}",
     "'neq' is not in the Sigma correlation specification"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {lt: 1}}", "only be met by zero"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {lte: 0}}", "only be met by zero"),
    ("{type: value_count, rules: [a], timespan: 1h, condition: {field: User, eq: 0}}", "only be met by zero"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {field: User, gte: 2}}",
     "only applies to value_count"),
    ("{type: value_count, rules: [a], timespan: 1h, condition: {field: [User, Host], gte: 2}}",
     "one field, not several"),
    ("{type: value_count, rules: [a], timespan: 1h, condition: {field: User, percentile: 90, gte: 2}}",
     "percentile"),
])
def test_conditions_geobuk_cannot_enforce_are_refused(section, reason):
    assert reason in refused_section(section)


@pytest.mark.parametrize(("section", "reason"), [
    ("{rules: [a], timespan: 1h, condition: {gte: 2}}", "without type"),
    ("{type: bursts, rules: [a], timespan: 1h, condition: {gte: 2}}", "no valid Sigma correlation type"),
    ("{type: event_count, timespan: 1h, condition: {gte: 2}}", "without rule references"),
    ("{type: value_count, rules: [a], timespan: 1h, condition: {gte: 2}}", "without field reference"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {gte: 2, lt: 9}}",
     "exactly one condition item"),
    ("{type: event_count, rules: [a], timespan: 1h, generate: 'yes', condition: {gte: 2}}", "generate"),
    ("{type: event_count, rules: [a], timespan: 1h, condition: {gte: many}}", "no valid Sigma correlation"),
])
def test_malformed_correlations_are_listed_with_pysigmas_reason(section, reason):
    assert reason in refused_section(section)


def test_a_refused_correlation_does_not_stop_the_rest_of_the_file():
    documents = list(yaml.safe_load_all("""
title: good
name: good
correlation:
    type: event_count
    rules: [base]
    timespan: 1m
    condition:
        gte: 2
---
title: bad
name: bad
correlation:
    type: event_count
    rules: [base]
    timespan: 1m
    condition:
        neq: 2
---
title: base rule
name: base
logsource:
    product: test
detection:
    sel:
        action: denied
    condition: sel
"""))
    result = compile_documents(documents, "mixed.yml", "none")
    assert [c.name for c in result.correlations] == ["good"]
    assert [r.name for r in result.rules] == ["base"]
    assert [(p.rule, "neq" in p.reason) for p in result.problems] == [("bad", True)]
