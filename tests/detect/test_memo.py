"""The per-value memory of a hunt: slots, stored answers, limits, and that it never changes a match."""

from __future__ import annotations

import random

import numpy as np

from detect_helpers import compile_yaml, process, rule, table_of
from geobuk.detect.engine import Batch, match_rules
from geobuk.detect.memo import ScanTable, SlotTable, ValueMemo


def test_a_value_keeps_its_slot_across_batches_and_new_values_get_new_ones():
    memo = ValueMemo()
    field, first = memo.field("image", ["a", "b", None], 2)
    again, second = memo.field("image", ["c", "a", None], 2)
    assert again is field
    assert first.tolist() == [0, 1, 2]
    assert second.tolist() == [3, 0, 2]


def test_a_field_past_its_limit_starts_again():
    memo = ValueMemo(max_values=3)
    first, _ = memo.field("guid", ["a", "b"], 2)
    second, slots = memo.field("guid", ["c", "d"], 2)
    assert second is not first
    assert slots.tolist() == [0, 1]


def test_the_largest_other_field_is_dropped_when_all_fields_pass_the_total():
    memo = ValueMemo(max_total=3_000)
    big, _ = memo.field("commandline", [f"value {i}" for i in range(20)], 200)
    small, _ = memo.field("image", ["x"], 1)
    assert memo.field("commandline", ["value 0"], 7)[0] is big  # still remembered
    memo.field("hashes", [f"h{i}" for i in range(10)], 30)  # 10 x 120 bytes: over 3,000 in all
    assert memo.field("commandline", ["value 0"], 7)[0] is not big
    assert memo.field("image", ["x"], 1)[0] is small
    assert memo.total <= 3_000 + 10 * 120 + 30


def test_slot_table_stores_answers_and_grows():
    table = SlotTable()
    table.fit(3)
    table.store(np.array([0, 2]), np.array([True, False]))
    table.fit(100)
    assert table.done[:3].tolist() == [True, False, True]
    assert table.result[:3].tolist() == [True, False, False]
    assert not table.done[3:100].any()


def test_scan_table_spreads_each_slots_predicates_back():
    table = ScanTable()
    table.fit(4)
    table.store(np.array([3, 1]), np.array([0, 0]), np.array([0, 2]))  # slot 3: tests 0 and 2; slot 1: none
    table.store(np.array([0]), np.array([0]), np.array([1]))
    out = np.zeros((3, 3), dtype=bool)
    table.spread(np.array([0, 1, 3]), out)  # columns: slots 0, 1, 3
    assert out.tolist() == [[False, False, True], [True, False, False], [False, False, True]]


RULES = """
title: many tests
id: 11111111-1111-4111-8111-111111111111
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: ['\\a.exe', '\\b.exe']
        CommandLine|contains: 'x'
    regex:
        CommandLine|re: '^c+ [0-9]+$'
    number:
        ProcessId|gt: 500
    condition: sel or regex or number
level: high
---
title: keywords
id: 22222222-2222-4222-8222-222222222222
logsource:
    category: process_creation
    product: windows
detection:
    keywords:
        - 'needle'
        - 'zz*'
    condition: keywords
level: high
"""


def _random_events(rng: random.Random, count: int) -> list[dict]:
    images = [r"C:\a.exe", r"C:\b.exe", r"C:\c.exe"]
    lines = ["x", "y", "cc 12", "c 7", "a needle here", "zz top", "top zz"]
    return [process(rng.choice(images), rng.choice(lines), ProcessId=str(rng.randrange(1000)),
                    User=rng.choice(["u", "needle", "zzz"]))
            for _ in range(count)]


def test_matches_with_a_memory_shared_across_batches_equal_those_of_fresh_batches():
    ruleset = compile_yaml(RULES)
    assert not ruleset.problems
    plan = ruleset.field_plan()
    memo = ValueMemo()
    rng = random.Random(7)
    for _ in range(6):
        table = table_of(_random_events(rng, 60))
        shared = match_rules(Batch(table, plan, memo), ruleset.rules)
        fresh = match_rules(Batch(table, None), ruleset.rules)
        assert {k: v.tolist() for k, v in shared.items()} == {k: v.tolist() for k, v in fresh.items()}
        assert shared  # the random events do hit the rules


def test_keywords_are_found_in_any_one_field_value_never_across_two():
    ruleset = compile_yaml(rule("""    keywords:
        - 'needle'
        - 'execmd'
    condition: keywords"""))
    events = [process(r"C:\x.exe", "cmd"), process(r"C:\x.exe", "cmd", User="a NEEDLE here")]
    hits = match_rules(Batch(table_of(events), ruleset.field_plan()), ruleset.rules)
    assert [r.tolist() for r in hits.values()] == [[1]]
