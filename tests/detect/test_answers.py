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


def test_a_plan_scan_finds_every_test_of_the_field_at_once():
    plan = FieldPlan()
    tests = [Pred("f", "contains", "mimi"), Pred("f", "startswith", "c:\\"), Pred("f", "endswith", ".exe"),
             Pred("f", "eq", "cmd.exe"), Pred("f", "contains", "")]
    for pred in tests:
        plan.add(pred)
    plan.finish()
    hits = scan_values(plan, ["c:\\tools\\mimikatz.exe", "cmd.exe", "x.exe.bak", None])
    assert [sorted(h) for h in hits] == [[0, 1, 2], [2, 3], [], []]
    assert plan.always == [4]  # "contains ''" holds wherever the field is: answered by the engine
