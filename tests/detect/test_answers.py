"""Answers for lists of values: each operator, the RE2 fallback, and a field plan's one-pass scan."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.answers import answer, scan_values
from geobuk.detect.ir import Pred
from geobuk.detect.plan import FieldPlan


def _answer(pred: Pred, values: list[str | None]) -> list[bool]:
    array = pa.array(values, pa.string())
    return answer(pred, array, pc.utf8_lower(array)).tolist()


def test_string_operators_compare_lower_cased_unless_cased():
    values = ["C:\\Windows\\CMD.exe", "cmd", None]
    assert _answer(Pred("f", "endswith", "cmd.exe"), values) == [True, False, False]
    assert _answer(Pred("f", "endswith", "cmd.exe", cased=True), values) == [False, False, False]
    assert _answer(Pred("f", "eq", "cmd"), values) == [False, True, False]
    assert _answer(Pred("f", "contains", "windows"), values) == [True, False, False]


def test_a_regex_re2_refuses_runs_with_python():
    assert _answer(Pred("f", "regex", r"(a)\1"), ["aa", "ab", None]) == [True, False, False]
    assert _answer(Pred("f", "regex", "^A", flags="i"), ["abc", "xa"]) == [True, False]


def test_numbers_addresses_and_time_parts():
    numbers = ["16", "0x10", "15", "big", None]
    assert _answer(Pred("f", "gt", 15.0), numbers) == [True, True, False, False, False]
    assert _answer(Pred("f", "cidr", "10.0.0.0/8"), ["10.1.2.3", "11.0.0.1", "::1", "x"]) == [True, False,
                                                                                                False, False]
    assert _answer(Pred("f", "cidr", "2001:db8::/32"), ["2001:db8::1", "10.0.0.1"]) == [True, False]
    assert _answer(Pred("f", "timepart", 3.0, flags="hour"), ["2024-07-25T03:15:00Z", "2024-07-25T14:00:00Z",
                                                             "never"]) == [True, False, False]


def _scan(plan: FieldPlan, values: list[str | None]) -> list[list[int]]:
    value, pred = scan_values(plan, values)
    out: list[list[int]] = [[] for _ in values]
    for v, p in zip(value.tolist(), pred.tolist(), strict=True):
        out[v].append(p)
    return [sorted(x) for x in out]


def _plan(*tests: Pred) -> FieldPlan:
    plan = FieldPlan()
    for pred in tests:
        plan.add(pred)
    plan.finish()
    return plan


def test_a_plan_scan_finds_every_test_of_the_field_at_once():
    plan = _plan(Pred("f", "contains", "mimi"), Pred("f", "startswith", "c:\\"),
                 Pred("f", "endswith", ".exe"), Pred("f", "eq", "cmd.exe"), Pred("f", "contains", ""),
                 Pred("f", "startswith", "cmd"))
    values = ["c:\\tools\\mimikatz.exe", "cmd.exe", "x.exe.bak", None, "", "xcmd.exe"]
    assert _scan(plan, values) == [[0, 1, 2], [2, 3, 5], [], [], [], [2]]
    assert plan.always == [4]  # "contains ''" holds wherever the field is: answered by the engine


def test_prefixes_and_suffixes_are_of_each_value_not_of_the_joined_text():
    plan = _plan(Pred("f", "startswith", "ab"), Pred("f", "endswith", "ab"), Pred("f", "contains", "b"))
    assert plan.joinable
    assert _scan(plan, ["ab", "xab", "abx", "b"]) == [[0, 1, 2], [1, 2], [0, 2], [2]]


def test_a_pattern_holding_the_joining_character_is_scanned_value_by_value():
    plan = _plan(Pred("f", "contains", "a\uffffb"), Pred("f", "startswith", "a"))
    assert not plan.joinable
    assert _scan(plan, ["a\uffffb", "a", "b"]) == [[0, 1], [1], []]
