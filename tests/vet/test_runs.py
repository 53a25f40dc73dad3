"""Pairs from equal keys, and distinct pairs, as dictionaries and sets would give them."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
import pytest

from geobuk.vet import runs


def test_pairs_of_equal_keys_and_long_runs_left_out():
    keys = np.array([5, 1, 5, 2, 5, 1, 9, 9, 9, 9])
    i, j, skipped = runs.pairs_in_runs(keys, 3)
    pairs = {tuple(sorted(p)) for p in zip(i.tolist(), j.tolist(), strict=True)}
    assert pairs == {(0, 2), (0, 4), (2, 4), (1, 5)}
    assert sorted(skipped.tolist()) == [6, 7, 8, 9]


def _reference(keys: list[int], max_run: int) -> tuple[set[tuple[int, int]], set[int]]:
    buckets: dict[int, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        buckets[key].append(position)
    pairs, skipped = set(), set()
    for members in buckets.values():
        if len(members) > max_run:
            skipped.update(members)
        else:
            pairs.update(combinations(members, 2))
    return pairs, skipped


@pytest.mark.parametrize("wide", [False, True])
def test_pairs_in_runs_equal_buckets(wide):
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 300, 2000).astype(np.uint64)  # runs of every length, some over the cap
    keys[:40] = 7  # one run far over the cap
    if wide:  # 64-bit keys: packed by their high bits
        keys = keys * np.uint64(0x9E3779B97F4A7C15)
    i, j, skipped = runs.pairs_in_runs(keys, 12)
    pairs, expected_skipped = _reference(keys.tolist(), 12)
    assert {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)} == pairs
    assert len(i) == len(pairs) and set(skipped.tolist()) == expected_skipped and expected_skipped


def test_sort_keys_when_high_bits_collide():
    # Keys equal in their high bits but not in full: packing by high bits alone would interleave
    # them, so the stable argsort is used and equal keys stay adjacent.
    high = np.uint64(0xABCDEF) << np.uint64(40)
    keys = np.array([high | np.uint64(v) for v in (5, 3, 5, 3, 9, 5)], dtype=np.uint64)
    keys = np.concatenate([keys, np.arange(1 << 10, dtype=np.uint64) << np.uint64(50)])
    order, ordered = runs.sort_keys(keys)
    assert np.array_equal(ordered, np.sort(keys)) and np.array_equal(keys[order], ordered)
    first = order[:6].tolist()
    assert sorted(first, key=lambda p: (int(keys[p]), p)) == first  # ties in position order
    i, j, _ = runs.pairs_in_runs(keys, 20)
    assert {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)} == {
        (1, 3),
        (0, 2),
        (0, 5),
        (2, 5),
    }


def test_unique_pairs():
    i = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
    j = np.array([1, 3, 1, 4, 9, 5, 6, 2, 3, 5])
    lo, hi = runs.unique_pairs(i, j, 10)
    expected = sorted({(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)})
    assert list(zip(lo.tolist(), hi.tolist(), strict=True)) == expected
    lo, hi = runs.unique_pairs(np.empty(0, np.int64), np.empty(0, np.int64), 10)
    assert len(lo) == len(hi) == 0
