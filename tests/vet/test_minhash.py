"""The array-at-once MinHash steps give what a plain loop over sets and bins gives."""

from __future__ import annotations

import numpy as np
import pytest

from geobuk.vet import minhash
from geobuk.vet.minhash import BINS, EMPTY


def _densify_reference(row: list[int]) -> list[int]:
    """Rotation densification, one bin at a time: the next filled bin to the right, plus the distance."""
    if all(v == EMPTY for v in row):
        return row
    out = []
    for b, value in enumerate(row):
        if value != EMPTY:
            out.append(value)
            continue
        step = 1
        while row[(b + step) % BINS] == EMPTY:
            step += 1
        out.append((row[(b + step) % BINS] + step) & 0xFFFFFFFE)
    return out


@pytest.mark.parametrize("empty_share", [0.0, 0.4, 0.95, 1.0])
def test_densify_equals_a_loop_over_bins(empty_share):
    rng = np.random.default_rng(int(empty_share * 100))
    sigs = (rng.integers(0, 2**31, (300, BINS), dtype=np.uint64) * 2).astype(np.uint32)
    sigs[rng.random(sigs.shape) < empty_share] = EMPTY
    sigs[0] = EMPTY  # a set with nothing in it stays empty
    sigs[1, :] = EMPTY
    sigs[1, BINS - 1] = 10  # only the last bin filled: every other bin wraps round to it
    sigs[2, :] = EMPTY
    sigs[2, 0] = 0xFFFFFFFE  # the borrowed value wraps round 2**32 and keeps its low bit clear
    expected = np.array([_densify_reference(row) for row in sigs.tolist()], dtype=np.uint32)
    minhash.densify(sigs)
    assert np.array_equal(sigs, expected)
    # Bin 94 borrows 0xFFFFFFFE at distance 2: it wraps round to 0; no bin is ever EMPTY.
    assert (sigs[2] != EMPTY).all() and sigs[2, BINS - 2] == 0 and sigs[2, BINS - 1] == 0xFFFFFFFE


def test_fill_takes_the_minimum_per_bin():
    rng = np.random.default_rng(5)
    owner = rng.integers(0, 20, 2000).astype(np.int32)
    hashes = rng.integers(0, 2**63, 2000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    out = np.full((20, BINS), EMPTY, dtype=np.uint32)
    minhash.fill(out, owner, hashes)
    expected = np.full((20, BINS), int(EMPTY), dtype=np.int64)
    for o, h in zip(owner.tolist(), hashes.tolist(), strict=True):
        b = ((h >> 32) * BINS) >> 32
        expected[o, b] = min(expected[o, b], h & 0xFFFFFFFE)
    assert np.array_equal(out, expected.astype(np.uint32))


def test_similar_keeps_exactly_the_pairs_over_the_bar():
    rng = np.random.default_rng(9)
    base = rng.integers(0, 2**32 - 2, (1, BINS), dtype=np.uint64).astype(np.uint32)
    sigs = np.repeat(base, 200, axis=0)
    for row in range(200):  # every level of agreement with row 0, around the bar of 0.7
        changed = rng.choice(BINS, size=row % BINS, replace=False)
        sigs[row, changed] = rng.integers(0, 2**31, len(changed), dtype=np.uint64).astype(np.uint32) * 2 + 1
    i = np.zeros(199, dtype=np.int64)
    j = np.arange(1, 200, dtype=np.int64)
    full = minhash.similarity(sigs, i, j)
    keep, sim = minhash.similar(sigs, i, j, 0.7)
    assert np.array_equal(keep, full >= 0.7) and np.array_equal(sim, full[full >= 0.7])
    assert 0 < keep.sum() < len(keep)  # both sides of the bar are exercised
